import type { AddressInfo } from 'node:net';
import { Engine } from './engine/engine.ts';
import { Storage } from './engine/storage.ts';
import { createSearchServer } from './server.ts';

export interface SearchEngineOptions {
  /** Where SQLite keeps the data (created if missing); ':memory:' for a throwaway engine. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface SearchEngine {
  url: string;
  close(): Promise<void>;
}

/** Loads the data directory, rebuilds the in-memory indexes, and serves the REST API. */
export async function startSearchEngine(options: SearchEngineOptions): Promise<SearchEngine> {
  const host = options.host ?? '127.0.0.1';
  const engine = new Engine(new Storage(options.dataDir));
  const server = createSearchServer(engine);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          engine.close();
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
