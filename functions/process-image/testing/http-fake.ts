import { type IncomingHttpHeaders, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * A throwaway HTTP server on 127.0.0.1 for tests that drive the real AWS and OpenSearch clients:
 * each test file implements only the wire protocol it needs, this records what arrived.
 */
export interface RecordedRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  /** Node lowercases header names. */
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as is when a string, as JSON otherwise; nothing when undefined. */
  body?: unknown;
}

export type FakeHandler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

export interface HttpFake {
  /** http://127.0.0.1:{port}, without a trailing slash. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startHttpFake(handler: FakeHandler): Promise<HttpFake> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      Promise.resolve()
        .then(() => handler(request))
        .then(({ status = 200, headers = {}, body }) => {
          const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
          const type = typeof body === 'string' ? 'text/plain' : 'application/json';
          res.writeHead(status, { 'content-type': type, ...headers }).end(text);
        })
        // A handler bug shows up as a 599 the client under test cannot mistake for a real answer.
        .catch((error: unknown) => res.writeHead(599).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Clients keep connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const HOP_HEADERS = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * In front of a real local service: records every request and forwards it, unless `intercept`
 * answers it instead, the way a test injects a fault into an otherwise real service. The local
 * services refuse a Host that is not their own address and verify SigV4 over it, so each request
 * is signed again for the target with `credentials`, for the service and region it was signed for.
 */
export function startForwardingProxy(
  target: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  /** May wait (a concurrent writer acting first) before it lets the request through with undefined. */
  intercept: (request: RecordedRequest) => FakeResponse | undefined | Promise<FakeResponse | undefined> = () => undefined,
): Promise<HttpFake> {
  const targetUrl = new URL(target);
  const forward = async (request: RecordedRequest): Promise<FakeResponse> => {
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization ?? ''));
    if (!scope?.[1] || !scope[2]) throw new Error(`forwarding proxy: an unsigned request (${request.method} ${request.url})`);
    const url = new URL(request.url, targetUrl);
    const headers = singleHeaders(request.headers, ['authorization', 'host', 'x-amz-date']);
    const signed = await new SignatureV4({ credentials, region: scope[1], service: scope[2], sha256: Sha256 }).sign({
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      body: request.body,
    });
    return new Promise<FakeResponse>((resolve, reject) => {
      const forwarded = httpRequest({ hostname: url.hostname, port: url.port, method: request.method, path: `${url.pathname}${url.search}`, headers: signed.headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 502, headers: singleHeaders(response.headers), body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      });
      forwarded.on('error', reject);
      forwarded.end(request.body);
    });
  };
  return startHttpFake(async (request) => (await intercept(request)) ?? forward(request));
}

/** Single-valued headers minus `excluded` and the framing ones, which the proxy sets itself. */
function singleHeaders(headers: IncomingHttpHeaders, excluded: readonly string[] = []): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && !HOP_HEADERS.has(name) && !excluded.includes(name)) kept[name] = value;
  }
  return kept;
}
