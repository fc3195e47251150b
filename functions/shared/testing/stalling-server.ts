import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Where a stalled request hangs: 'before-headers' reads the request and never answers;
 * 'in-body' answers 200 with its headers and the first bytes of a longer body, then goes silent.
 */
export type Stall = 'before-headers' | 'in-body';

export interface StallingServer {
  /** http://127.0.0.1:{port}, without a trailing slash. */
  url: string;
  /** Method and path of each request it stalled, in order: one per attempt of a client. */
  stalled: string[];
  /** Those of `stalled` whose client gave up on them and closed the connection, in that order. */
  abandoned: string[];
  close(): Promise<void>;
}

export interface StallingServerOptions {
  stall: Stall;
  /**
   * Forward the requests `stalls` does not pick to this origin, byte for byte, as a fault injected
   * into a real service. Requests are not signed again: for servers that do not check signatures.
   */
  forwardTo?: string;
  /** Which requests (by path and query) to stall; all of them by default. */
  stalls?: (path: string) => boolean;
}

/** An HTTP server on 127.0.0.1 that hangs the way a dependency does, for clients' timeout tests. */
export async function startStallingServer({ stall, forwardTo, stalls = () => true }: StallingServerOptions): Promise<StallingServer> {
  const stalled: string[] = [];
  const abandoned: string[] = [];
  let closing = false;
  const target = forwardTo === undefined ? undefined : new URL(forwardTo);
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (!target || stalls(path)) {
      const request = `${req.method ?? ''} ${path}`;
      stalled.push(request);
      // A stalled exchange ends only when the client closes it (or close() below does).
      res.on('close', () => {
        if (!closing) abandoned.push(request);
      });
      req.resume();
      if (stall === 'in-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1024' });
        res.write('{"');
      }
      return;
    }
    const forwarded = httpRequest({ hostname: target.hostname, port: target.port, method: req.method, path, headers: req.headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stalled,
    abandoned,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        // The stalled exchanges never end by themselves.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
