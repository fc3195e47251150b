import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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
