/**
 * The built web app on 127.0.0.1, as CloudFront serves it on AWS: the same build, its config.json
 * beside it with the deployment's endpoints (here the local cloud's), the deployed security headers
 * and caching, and the single-page app fallback. GET and HEAD only, behind the request guard.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { contentSecurityPolicyFor, PERMISSIONS_POLICY, WEB_CONFIG_FILE } from '../../infra/constructs/web-hosting.ts';
import { closeServer, listen } from '../http-server.ts';
import { guardRefusal, isLoopbackHost } from '../request-guard.ts';
import { cacheControlOf, contentTypeOf, INDEX_PATH, isClientRoute, REVALIDATE_CACHE, staticTarget } from './static-files.ts';

export interface WebServerOptions {
  /** The built app (index.html at its root). */
  root: string;
  /** Served as /config.json, exactly what the deployed stack writes there (a ClientConfig). */
  config: object;
  /** Origins the app calls (API, real-time, Cognito, S3): its Content-Security-Policy allows them. */
  connectOrigins: string[];
  /** Where images come from (the S3 endpoint). */
  imageOrigins: string[];
  port: number;
  host: string;
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const root = await realpath(options.root);
  const configBody = Buffer.from(`${JSON.stringify(options.config)}\n`);
  const securityHeaders = {
    'content-security-policy': contentSecurityPolicyFor({ images: options.imageOrigins, connect: options.connectOrigins, upgradeInsecureRequests: false }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'permissions-policy': PERMISSIONS_POLICY,
    'cross-origin-opener-policy': 'same-origin',
  };

  const answer = (response: ServerResponse, status: number, message: string) => {
    response.writeHead(status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8', 'cache-control': REVALIDATE_CACHE });
    response.end(`${message}\n`);
  };

  /** The file's path and size, or undefined when it is not a regular file inside the root. */
  const fileInRoot = async (relative: string) => {
    try {
      const real = await realpath(join(root, relative));
      if (!real.startsWith(root + sep)) return undefined;
      const info = await stat(real);
      return info.isFile() ? { real, size: info.size } : undefined;
    } catch {
      return undefined;
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const refused = guardRefusal(request, { kind: 'rules', allows: (origin) => isOwnOrigin(origin, request) });
    if (refused) return answer(response, 403, refused.message);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return answer(response, 405, `${request.method ?? ''} is not allowed: the web app is static files`);
    }
    const target = staticTarget(request.url ?? '/');
    if (target.kind === 'refused') return answer(response, target.status, target.message);
    if (target.path === `/${WEB_CONFIG_FILE}`) {
      response.writeHead(200, { ...securityHeaders, 'content-type': contentTypeOf(target.path), 'content-length': configBody.length, 'cache-control': REVALIDATE_CACHE });
      return response.end(request.method === 'HEAD' ? undefined : configBody);
    }
    let path = target.path;
    let file = await fileInRoot(path);
    if (!file && isClientRoute(path)) {
      path = INDEX_PATH;
      file = await fileInRoot(path);
    }
    if (!file) return answer(response, 404, 'not found');
    response.writeHead(200, { ...securityHeaders, 'content-type': contentTypeOf(path), 'content-length': file.size, 'cache-control': cacheControlOf(path) });
    if (request.method === 'HEAD') return response.end();
    createReadStream(file.real)
      .on('error', () => response.destroy())
      .pipe(response);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) answer(response, 500, 'internal error');
      else response.destroy();
    });
  });
  const url = await listen(server, options.port, options.host);
  return { url, close: () => closeServer(server) };
}

/** The app's own origin (a module script or a form on its own page): loopback, this very port. */
function isOwnOrigin(origin: string, request: IncomingMessage): boolean {
  if (!URL.canParse(origin)) return false;
  const { protocol, host, port } = new URL(origin);
  return protocol === 'http:' && port !== '' && isLoopbackHost(host, request.socket.localPort);
}
