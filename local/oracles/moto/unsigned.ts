import type { Client } from '@smithy/smithy-client';

type Finalize = (args: { request: { headers: Record<string, string> } }) => unknown;
const SIGNATURE_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);

/**
 * Makes `client` send its requests without a signature: a caller without credentials, as a web
 * page or a script without keys is, through the real client's serialization.
 */
export function unsigned<C extends Client<any, any, any, any>>(client: C): C {
  client.middlewareStack.addRelativeTo(
    (next: Finalize): Finalize =>
      (args) => {
        for (const name of Object.keys(args.request.headers)) {
          if (SIGNATURE_HEADERS.has(name.toLowerCase())) delete args.request.headers[name];
        }
        return next(args);
      },
    { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'dropSignature' },
  );
  return client;
}
