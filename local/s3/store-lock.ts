/**
 * One store (store-process.ts) at a time per data directory. A store whose front died finishes the
 * requests it was handling for up to 10 s before it exits; a store started meanwhile on the same
 * directory must not settle interrupted writes (store-writes.ts, the outbox's pending entries) while
 * the old one may still commit them, nor number temporary files beside it. So a store holds the
 * directory before it settles or serves anything, and a new one waits for the old one to let go.
 *
 * The hold is local/service-lock.ts's (an SQLite EXCLUSIVE lock the system releases when the
 * process ends, `kill -9` included), named `store-lock` in the store's directory.
 */
import { holdServiceDirectory, SERVICE_HOLDS, type ServiceHoldOptions } from '../service-lock.ts';

/** Holds `dataDir` until this process ends, waiting up to `waitMs` for the store holding it; rejects, naming that store, if it still does. */
export async function holdStoreDirectory(dataDir: string, options: ServiceHoldOptions): Promise<void> {
  await holdServiceDirectory(dataDir, SERVICE_HOLDS.s3, options);
}
