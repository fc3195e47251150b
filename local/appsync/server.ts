/**
 * The HTTP and WebSocket edge: POST /graphql and the real-time endpoint at /graphql/realtime (ws);
 * start.ts may put TLS in front of it on the same port (https, wss).
 * It only adapts I/O; authorization, execution and the protocol live in the modules it calls.
 */
import { OperationTypeNode } from 'graphql';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { type BrowserOrigins, guardRefusal } from '../request-guard.ts';
import type { Authenticator } from './auth/authenticate.ts';
import type { ExplorerAssets } from './explorer/build.ts';
import { lowerCaseHeaders } from './auth/identity.ts';
import { RequestRefused } from './errors.ts';
import type { Executor } from './execution.ts';
import type { RealtimeHub } from './realtime/hub.ts';
import { SUBPROTOCOL, connectionHeaders } from './realtime/protocol.ts';
import { RealtimeSession } from './realtime/session.ts';

export const GRAPHQL_PATH = '/graphql';
export const REALTIME_PATH = '/graphql/realtime';

export interface ServerLimits {
  /** Largest POST body accepted. */
  maxRequestBytes: number;
  /** Largest real-time message answered with an error; larger frames close the socket (1009). */
  maxMessageBytes: number;
  keepAliveMs: number;
  connectionTimeoutMs: number;
  maxSubscriptionsPerConnection: number;
}

export interface ServerParts {
  authenticator: Authenticator;
  executor: Executor;
  hub: RealtimeHub;
  limits: ServerLimits;
  /** The explorer: its page at GET /, its built files under /explorer/ (built on first request). */
  explorer?: { page: (origin: string) => string; assets: () => Promise<ExplorerAssets> };
  onPublishError?: (error: unknown) => void;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, x-api-key',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
};

/**
 * AppSync answers CORS for any origin, and so does the local one: browsers call it with a token
 * or a signature a page cannot forge. Only the Host is checked (DNS rebinding).
 */
const BROWSER_ORIGINS: BrowserOrigins = { kind: 'any' };

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...CORS });
  res.end(JSON.stringify(body));
}

function sourceIpOf(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface AppSyncServer {
  server: Server;
  /** Ends every WebSocket (upgraded sockets are not among the server's connections). */
  closeRealtime: () => void;
}

export function createAppSyncServer(parts: ServerParts): AppSyncServer {
  const { authenticator, executor, hub, limits } = parts;

  async function graphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, limits.maxRequestBytes);
    if (raw === undefined) return reply(res, 413, { errors: [{ errorType: 'PayloadTooLargeException', message: `Request body is over ${limits.maxRequestBytes} bytes.` }] });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(res, 400, { errors: [{ errorType: 'MalformedHttpRequestException', message: 'Invalid JSON payload in POST request.' }] });
    }
    const headers = lowerCaseHeaders(req.headers);
    const url = new URL(req.url ?? '/', 'http://localhost');
    let caller;
    try {
      caller = await authenticator.authenticate({ method: 'POST', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: raw }, sourceIpOf(req));
    } catch (error) {
      if (error instanceof RequestRefused) return reply(res, error.status, error.toBody());
      throw error;
    }
    const prepared = executor.prepare(body);
    if ('errors' in prepared) return reply(res, 400, { data: null, errors: prepared.errors });
    if (prepared.operation.operation === OperationTypeNode.SUBSCRIPTION) {
      return reply(res, 400, { errors: [{ errorType: 'UnsupportedOperation', message: 'Subscriptions are served on the real-time endpoint' }] });
    }
    const { response, publications } = await executor.run(prepared, caller, headers);
    reply(res, 200, response);
    for (const publication of publications) hub.publish(publication).catch((error: unknown) => parts.onPublishError?.(error));
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const refused = guardRefusal(req, BROWSER_ORIGINS);
    if (refused) {
      req.resume();
      return reply(res, 403, { errors: [{ errorType: 'AccessDeniedException', message: refused.message }] });
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      return res.end();
    }
    if (req.method === 'POST' && path === GRAPHQL_PATH) {
      return void graphql(req, res).catch((error: unknown) => {
        reply(res, 500, { errors: [{ errorType: 'InternalFailure', message: (error as Error).message }] });
      });
    }
    const explorer = parts.explorer;
    if (req.method === 'GET' && explorer && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' });
      // Served over TLS, the page talks https/wss to the same port (local/http-server.ts).
      const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      return res.end(explorer.page(`${scheme}://${req.headers.host ?? 'localhost'}`));
    }
    if (req.method === 'GET' && explorer && path.startsWith('/explorer/')) {
      return void explorer.assets().then(
        ({ files }) => {
          const file = files.get(path.slice('/explorer/'.length));
          if (!file) return reply(res, 404, { errors: [{ errorType: 'NotFoundException', message: `No explorer file ${path}` }] });
          res.writeHead(200, { 'content-type': file.type, 'cache-control': 'max-age=3600' });
          res.end(file.body);
        },
        (error: Error) => reply(res, 500, { errors: [{ errorType: 'InternalFailure', message: `Explorer build failed: ${error.message}` }] }),
      );
    }
    reply(res, 404, { errors: [{ errorType: 'NotFoundException', message: `No route for ${req.method} ${path}` }] });
  });

  const wss = new WebSocketServer({
    noServer: true,
    // Frames beyond twice the message limit are not even read: ws closes with 1009.
    maxPayload: limits.maxMessageBytes * 2,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  server.on('upgrade', (req, socket, head) => {
    if (guardRefusal(req, BROWSER_ORIGINS)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    if (url.pathname !== REALTIME_PATH || !protocols.includes(SUBPROTOCOL)) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const session = new RealtimeSession(
        {
          authenticator,
          executor,
          hub,
          graphqlPath: GRAPHQL_PATH,
          sourceIp: sourceIpOf(req),
          keepAliveMs: limits.keepAliveMs,
          connectionTimeoutMs: limits.connectionTimeoutMs,
          maxMessageBytes: limits.maxMessageBytes,
          maxSubscriptions: limits.maxSubscriptionsPerConnection,
          send: (message) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
          },
          close: (code, reason) => ws.close(code, reason),
        },
        connectionHeaders(url, protocols),
      );
      ws.on('message', (data: Buffer, isBinary) => {
        const text = isBinary ? '' : data.toString('utf8');
        session.receive(text, data.length).catch(() => ws.close(1011, 'Internal error'));
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => session.dispose());
    });
  });

  return {
    server,
    closeRealtime: () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
