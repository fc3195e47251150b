import type { FinalizeRequestMiddleware, MiddlewareStack } from '@smithy/types';

const SIGNATURE_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);

/**
 * Makes the client of `stack` send its requests without a signature: a caller without
 * credentials, as a web page or a script without keys is, through the real client's serialization.
 */
export function dropSignature<I extends object, O extends object>(stack: MiddlewareStack<I, O>): void {
  const middleware: FinalizeRequestMiddleware<I, O> = (next) => (args) => {
    const { headers } = args.request as { headers: Record<string, string> };
    for (const name of Object.keys(headers)) {
      if (SIGNATURE_HEADERS.has(name.toLowerCase())) delete headers[name];
    }
    return next(args);
  };
  stack.addRelativeTo(middleware, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'dropSignature' });
}
