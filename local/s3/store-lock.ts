/**
 * One store (store-process.ts) at a time per data directory. A store whose front died finishes the
 * requests it was handling for up to 10 s before it exits; a store started meanwhile on the same
 * directory must not settle interrupted writes (store-writes.ts, the outbox's pending entries) while
 * the old one may still commit them, nor number temporary files beside it. So a store holds the
 * directory before it settles or serves anything, and a new one waits for the old one to let go.
 *
 * The hold is local/directory-lock.ts's (an SQLite EXCLUSIVE lock the system releases when the
 * process ends, `kill -9` included), named `store-lock` in the store's directory.
 */
import { holdDirectory } from '../directory-lock.ts';

const HOLD_NAME = 'store-lock';

export interface HoldOptions {
  /** How long to wait for the store holding the directory to let it go before failing. */
  waitMs: number;
  /** Told once, with a line for the developer, when another store holds the directory. */
  onWaiting: (line: string) => void;
}

/** Holds `dataDir` until this process ends, waiting up to `waitMs` for the store holding it; rejects, naming that store, if it still does. */
export async function holdStoreDirectory(dataDir: string, { waitMs, onWaiting }: HoldOptions): Promise<void> {
  const hold = await holdDirectory(dataDir, HOLD_NAME, { waitMs, onWaiting: (holder) => onWaiting(`waiting for ${describe(holder)} to finish with ${dataDir}`) });
  if (!hold.held) {
    throw new Error(
      `The local S3 data directory ${dataDir} is still held by ${describe(hold.holder)} after ${waitMs} ms; stop that process${hold.holder === undefined ? '' : ` (kill ${hold.holder})`} and start again.`,
    );
  }
}

function describe(holder: number | undefined): string {
  return holder === undefined ? 'the previous local S3 store' : `the previous local S3 store (pid ${holder})`;
}
