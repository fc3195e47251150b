import { createServer, type Server } from 'node:http';
import { signedHeaders } from '../../sigv4.ts';
import { IAM, REGION } from './fixtures.ts';

/**
 * Stands between the local AppSync and the search engine (its OPENSEARCH data source endpoint):
 * counts the requests and keeps their bodies, then passes each on, signed again for the engine's
 * own address, as every caller of the engine must sign.
 */
export class SearchProxy {
  count = 0;
  /** Each request's body as sent (undefined for none), in arrival order. */
  readonly bodies: (string | undefined)[] = [];
  target = '';
  readonly server: Server = createServer((req, res) => {
    this.count += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
      this.bodies.push(body);
      const url = new URL(`${this.target}${req.url ?? '/'}`);
      const method = req.method ?? 'GET';
      signedHeaders(url, { method, headers: { 'content-type': 'application/json' }, body }, { service: 'es', region: REGION, credentials: IAM })
        .then((headers) => fetch(url, { method, headers, body }))
        .then(async (response) => {
          res.writeHead(response.status, { 'content-type': 'application/json' });
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
}
