import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine } from './engine/engine.ts';
import { Storage } from './engine/storage.ts';
import { createSearchServer } from './server.ts';
import { closeServer, listen } from '../http-server.ts';
import type { KeyPair } from '../sigv4.ts';

/**
 * V8 flags for a process that runs the engine; they only take effect at process start, so the
 * launchers (the local cloud, bench:search) pass them. Under query load V8 grows the young
 * generation's two semi-spaces to 16 MB each and keeps them committed (~33 MB of RSS); 8 MB each
 * halves that at no measured latency cost, while 2 MB promoted so much per-query garbage into old
 * space that RSS after queries grew instead.
 */
export const SEARCH_ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

export interface SearchEngineOptions {
  /** Where SQLite keeps the data (created if missing); ':memory:' for a throwaway engine. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Every request must be signed (SigV4, service `es`) with this key pair for this region. */
  auth: { credentials: KeyPair; region: string };
}

export interface SearchEngine {
  url: string;
  close(): Promise<void>;
}

/** Loads the data directory, rebuilds the in-memory indexes, and serves the REST API. */
export async function startSearchEngine(options: SearchEngineOptions): Promise<SearchEngine> {
  const host = options.host ?? '127.0.0.1';
  const engine = new Engine(new Storage(options.dataDir));
  const compaction = heapCompaction();
  const server = createSearchServer(engine, { auth: options.auth, afterRequest: compaction.afterRequest });
  const url = await listen(server, options.port ?? 0, host);
  return {
    url,
    close: async () => {
      compaction.stop();
      try {
        await closeServer(server);
      } finally {
        engine.close();
      }
    },
  };
}

/** Request body input (UTF-16 units) between two compactions during sustained writes. */
const COMPACT_EVERY = 16 * 1024 * 1024;
/** Input after which a pause in requests of this long, or a read after writes, also compacts. */
const COMPACT_IDLE_MIN = 1024 * 1024;
const COMPACT_IDLE_MS = 200;

/**
 * Bulk indexing turns over far more memory than it keeps (request text, parsed documents, source
 * strings), and V8 keeps the heap it grew for that garbage reserved long after: ~470 MB RSS for
 * ~160 MB live data at 100,000 docs. A compacting full GC every COMPACT_EVERY of input, and when
 * requests pause after some input, returns it to the OS. So does the first read (search, count,
 * refresh) after COMPACT_IDLE_MIN of writes: writers usually finish a batch that way, and searches
 * keep requests coming without the pause. It runs from a timer, after the reply is sent, so no
 * request waits for it beyond the event loop turn, and its cost (~0.1-0.2 s) is paced by input
 * volume. No heap cap is set: larger data sets still fit.
 */
function heapCompaction(): { afterRequest: (bodyLength: number, read: boolean) => void; stop: () => void } {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  // Only this context needs gc(); others (and workers) keep the default.
  setFlagsFromString('--no-expose-gc');
  // A plain full GC frees the garbage but keeps the pages it lived on; compacting all of them is
  // what shrinks the heap. Only this GC compacts everything, V8's own ones stay as they are.
  const gc = () => {
    setFlagsFromString('--compact-on-every-full-gc');
    collect();
    setFlagsFromString('--no-compact-on-every-full-gc');
  };
  /** All input, and write input only, since the last compaction. */
  let pending = 0;
  let written = 0;
  let idle: NodeJS.Timeout | undefined;
  const compact = () => {
    pending = 0;
    written = 0;
    gc();
  };
  return {
    afterRequest: (bodyLength, read) => {
      pending += bodyLength;
      if (!read) written += bodyLength;
      clearTimeout(idle);
      if (pending >= COMPACT_EVERY || (read && written >= COMPACT_IDLE_MIN)) {
        pending = 0;
        written = 0;
        setImmediate(gc);
      } else if (pending >= COMPACT_IDLE_MIN) {
        idle = setTimeout(compact, COMPACT_IDLE_MS).unref();
      }
    },
    stop: () => clearTimeout(idle),
  };
}
