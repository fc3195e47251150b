import type { IncomingMessage, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

/**
 * How every local service opens and closes its HTTP server. Port 0 picks a free port, so the
 * origin is only known once the server listens.
 */
export async function listen(server: NetServer, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/** Stops accepting, drops open (keep-alive) connections, and resolves once closed; idempotent. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
  });
}

/** A server certificate chain and its key (PEM), e.g. from local/tls/certificates.ts. */
export interface TlsIdentity {
  cert: string;
  key: string;
}

/** The first byte of a TLS connection: a handshake record (RFC 8446 section 5.1); HTTP starts with a letter. */
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * `server`'s requests and WebSocket upgrades over plain HTTP and over TLS on one port: the
 * returned front listens, and hands each connection by its first byte to `server` or to a TLS
 * server that passes its requests on to `server`. One port, either scheme: Amplify v6 opens its
 * real-time connection as wss:// on the GraphQL endpoint's own host and port even when the
 * endpoint is http://, and plain clients keep working. Handlers see `req.socket.encrypted`.
 */
export function servePlainAndTls(server: Server, identity: TlsIdentity): { front: NetServer; close(): Promise<void> } {
  // A TLS connection gets as long for its handshake, and then its headers, as a plain one for its headers.
  const tlsServer = createTlsServer({
    cert: identity.cert,
    key: identity.key,
    handshakeTimeout: server.headersTimeout,
    headersTimeout: server.headersTimeout,
    requestTimeout: server.requestTimeout,
  });
  tlsServer.on('request', (req, res) => server.emit('request', req, res));
  tlsServer.on('upgrade', (req, socket, head) => server.emit('upgrade', req, socket, head));
  // A failed handshake (a client that does not trust the CA) is the client's news, not the server's.
  tlsServer.on('tlsClientError', (_error, socket) => socket.destroy());
  // Connections that have not sent their first byte yet belong to neither server.
  const undecided = new Set<Socket>();
  const front = createNetServer((socket) => {
    undecided.add(socket);
    socket.on('close', () => undecided.delete(socket));
    socket.on('error', () => socket.destroy());
    // A connection that never speaks is dropped as node:http drops one that sends no headers.
    socket.setTimeout(server.headersTimeout, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      undecided.delete(socket);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(first);
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        // The TLS socket reads the bytes put back from the buffer itself, and then takes the socket over.
        tlsServer.emit('connection', socket);
      } else {
        server.emit('connection', socket);
        socket.resume();
      }
    });
  });
  // node:http starts enforcing headersTimeout and requestTimeout on its connections (and lets
  // closeAllConnections find them) when it emits 'listening'; the front listens for both servers.
  front.on('listening', () => {
    server.emit('listening');
    tlsServer.emit('listening');
  });
  return {
    front,
    close: async () => {
      // The front counts the connections it handed on as its own: they go first.
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      for (const socket of undecided) socket.destroy();
      await Promise.all([closeServer(server), closeServer(tlsServer)]);
      await closed;
    },
  };
}

/**
 * A request's whole body (services verify its SigV4 hash before they parse it), or `tooLarge()`'s
 * error once it passes `maxBytes`; the rest is then read and dropped, so the client sees the error.
 */
export function readBody(request: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}
