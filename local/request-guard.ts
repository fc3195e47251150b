import type { IncomingMessage } from 'node:http';

/**
 * What every local HTTP server checks before anything else, so that a web page the developer opens
 * cannot use the local cloud:
 * - DNS rebinding: a page on attacker.example whose name is re-pointed at 127.0.0.1 reaches the
 *   local ports as "same origin", but its requests still carry `Host: attacker.example`. Only
 *   loopback names are accepted: 127.0.0.1, localhost and [::1], with the port the request came in
 *   on, or with none (a signer such as the OpenSearch client's signs `Host` without the port, as
 *   for 443 on AWS; a browser always sends the page's own host, so no page can produce it).
 * - Cross-site requests: a page can send "simple" requests (POST with text/plain, no preflight)
 *   anywhere; the browser adds `Origin`. Each service says which origins its AWS counterpart's
 *   CORS rules would let a browser call it from.
 * Each server words the refusal (403) in its own service's error format.
 */
export type BrowserOrigins =
  /** AppSync and Cognito: any origin, as on AWS (callers need a token or a signature anyway). */
  | { kind: 'any' }
  /** The search engine, the queue, vision: never called from browsers, so any Origin is refused. */
  | { kind: 'none'; service: string }
  /** S3: what the bucket's CORS rules allow for this origin and method. */
  | { kind: 'rules'; allows: (origin: string, method: string) => boolean };

export interface GuardRefusal {
  reason: 'host' | 'origin';
  message: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Why the request must be refused, or undefined when it may proceed. */
export function guardRefusal(request: Pick<IncomingMessage, 'headers' | 'method' | 'socket'>, origins: BrowserOrigins): GuardRefusal | undefined {
  const host = (request.headers.host ?? '').toLowerCase();
  const port = request.socket.localPort;
  if (!isLoopbackHost(host, port)) {
    return {
      reason: 'host',
      message: `Host '${host}' is not this local service's address (127.0.0.1, localhost or [::1], port ${String(port)}): refused as possible DNS rebinding.`,
    };
  }
  const origin = request.headers.origin;
  if (origin === undefined || origins.kind === 'any') return undefined;
  if (origins.kind === 'none') {
    return { reason: 'origin', message: `The local ${origins.service} is not called from browsers: requests from origin '${origin}' are refused.` };
  }
  const method = request.method ?? 'GET';
  // Preflights are the CORS rules' own business (the S3 front answers them as S3 does).
  if (method === 'OPTIONS' || origins.allows(origin, method)) return undefined;
  return { reason: 'origin', message: `The CORS rules do not allow ${method} requests from origin '${origin}'.` };
}

export function isLoopbackHost(host: string, port: number | undefined): boolean {
  const name = LOOPBACK_NAMES.find((candidate) => host === candidate || host.startsWith(`${candidate}:`));
  if (name === undefined) return false;
  const rest = host.slice(name.length);
  return rest === '' || (port !== undefined && rest === `:${port}`);
}
