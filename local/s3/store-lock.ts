/**
 * One store (store-process.ts) at a time per data directory. A store whose front died finishes the
 * requests it was handling for up to 10 s before it exits; a store started meanwhile on the same
 * directory must not settle interrupted writes (store-writes.ts, the outbox's pending entries) while
 * the old one may still commit them, nor number temporary files beside it. So a store holds the
 * directory before it settles or serves anything, and a new one waits for the old one to let go.
 *
 * The hold is an SQLite EXCLUSIVE transaction on a lock-only database, left open for the process's
 * life. In the rollback-journal modes (the default; not WAL, where EXCLUSIVE is IMMEDIATE and readers
 * still get in: https://www.sqlite.org/lang_transaction.html) it takes the file's EXCLUSIVE lock,
 * which no other connection can take; nothing is written, so no journal is made. On Unix the lock is
 * an fcntl lock, which the system releases when the process ends, `kill -9` included: no stale lock
 * to clean up. The holder's pid, written beside it once held, only names it in messages.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';

const LOCK_FILE = 'store-lock.sqlite';
const PID_FILE = 'store-lock.pid';
/** How often a waiting store tries again; the lock is taken within this of its release. */
const RETRY_MS = 25;

/** Connections holding a directory, for the process's life: referenced here so that garbage collection never closes one (which would let it go). */
const holds = new Set<Database.Database>();

export interface HoldOptions {
  /** How long to wait for the store holding the directory to let it go before failing. */
  waitMs: number;
  /** Told once, with a line for the developer, when another store holds the directory. */
  onWaiting: (line: string) => void;
}

/** Holds `dataDir` until this process ends, waiting up to `waitMs` for the store holding it; rejects, naming that store, if it still does. */
export async function holdStoreDirectory(dataDir: string, { waitMs, onWaiting }: HoldOptions): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  // No busy timeout: SQLite's would block this thread, and the waiting store must stay responsive.
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  const deadline = Date.now() + waitMs;
  let waiting = false;
  while (!tryHold(db)) {
    const holder = holderPid(dataDir);
    if (Date.now() >= deadline) {
      db.close();
      throw new Error(
        `The local S3 data directory ${dataDir} is still held by ${describe(holder)} after ${waitMs} ms; stop that process${holder === undefined ? '' : ` (kill ${holder})`} and start again.`,
      );
    }
    if (!waiting) onWaiting(`waiting for ${describe(holder)} to finish with ${dataDir}`);
    waiting = true;
    await delay(RETRY_MS);
  }
  holds.add(db);
  // Whole or not at all, for the waiting store that reads it.
  writeFileSync(join(dataDir, `${PID_FILE}.tmp`), String(process.pid));
  renameSync(join(dataDir, `${PID_FILE}.tmp`), join(dataDir, PID_FILE));
}

function tryHold(db: Database.Database): boolean {
  try {
    db.exec('BEGIN EXCLUSIVE');
    return true;
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code === 'SQLITE_BUSY') return false;
    throw error;
  }
}

/** The pid the holder wrote, if it has (it writes it just after taking the lock). */
function holderPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, PID_FILE), 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function describe(holder: number | undefined): string {
  return holder === undefined ? 'the previous local S3 store' : `the previous local S3 store (pid ${holder})`;
}
