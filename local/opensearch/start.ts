import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine } from './engine/engine.ts';
import { Storage } from './engine/storage.ts';
import { createSearchServer } from './server.ts';
import { closeServer, listen } from '../http-server.ts';
import type { KeyPair } from '../sigv4.ts';

/**
 * V8 flags for a process that runs the engine, given at process start by its launchers (the local
 * cloud, bench:search, durability.test.ts).
 *   - Between two full GCs V8 lets the old generation grow by a factor it derives from GC and
 *     mutator speed, up to 4x: bulk indexing piled ~70 MB of garbage onto ~65 MB of live heap,
 *     and bench:search's peak RSS was 406 MB at 100,000 docs. 1.3x held it near 285 MB (1.2x and
 *     1.5x measured the same) for ~2 s more GC time over the 100 batches. Not a cap: the heap
 *     still grows as far as the data needs, e.g. for a 100 MB _bulk body (large-bulk.test.ts).
 *   - Under query load V8 grows the young generation's two semi-spaces to 16 MB each and keeps
 *     them committed (~33 MB of RSS); 8 MB each halves that at no measured latency cost. 4 MB took
 *     another ~13 MB off bench:search's peak (273 vs 286 MB) but made the largest owner's searches
 *     ~1 ms slower (p95 ~16.5 -> ~18 ms, measured back to back); 2 MB promoted so much per-query
 *     garbage into old space that RSS after queries grew instead.
 */
export const SEARCH_ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=30'];

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
 * strings, outgrown columns), and V8 keeps the heap it grew for that garbage reserved long after.
 * A full GC every COMPACT_EVERY of input, and when requests pause after some input, frees it and
 * returns the emptied pages to the OS. So does the first read (search, count, refresh) after
 * COMPACT_IDLE_MIN of writes: writers usually finish a batch that way, and searches keep requests
 * coming without the pause. It runs from a timer, after the reply is sent, so no request waits for
 * it beyond the event loop turn, and its cost (~0.1 s) is paced by input volume. V8 chooses which
 * pages it compacts: forcing all of them (--compact-on-every-full-gc) shrank the heap further but
 * first copied the whole live heap into new pages, ~50 MB over the resident heap at 100,000 docs,
 * and that copy set the process's peak RSS. No heap cap is set: larger data sets still fit.
 */
function heapCompaction(): { afterRequest: (bodyLength: number, read: boolean) => void; stop: () => void } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Only this context needs gc(); others (and workers) keep the default.
  setFlagsFromString('--no-expose-gc');
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
