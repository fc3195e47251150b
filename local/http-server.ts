import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How every local service opens and closes its HTTP server. Port 0 picks a free port, so the
 * origin is only known once the server listens.
 */
export async function listen(server: Server, port: number, host: string): Promise<string> {
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
