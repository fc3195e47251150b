/**
 * A hold on a directory for the holding process's life (or until it releases it), by name: one
 * holder per directory and name. The local cloud holds its data directory (cloud-lock.ts), and
 * each service that runs in a process of its own its own directory (service-lock.ts).
 *
 * The hold is an SQLite EXCLUSIVE transaction on a lock-only database, left open for the process's
 * life. In the rollback-journal modes (the default; not WAL, where EXCLUSIVE is IMMEDIATE and readers
 * still get in: https://www.sqlite.org/lang_transaction.html) it takes the file's EXCLUSIVE lock,
 * which no other connection can take; no page is written (the journal SQLite makes holds only a
 * header whose first byte is zero, never a hot journal, even left behind by a holder that was
 * killed; the lock database stays empty). On Unix the lock is an fcntl lock, which the system
 * releases when the process ends, `kill -9` included: no stale lock to clean up. The holder's
 * pid, written beside it once held, only names it in messages.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';

/** How often a waiting holder tries again; the lock is taken within this of its release. */
const RETRY_MS = 25;

/** Connections holding a directory, for the process's life: referenced here so that garbage collection never closes one (which would let it go). */
const holds = new Set<Database.Database>();

/** The files a hold named `name` keeps in its directory: the lock, and the holder's pid. */
export function holdFiles(name: string): { lock: string; pid: string } {
  return { lock: `${name}.sqlite`, pid: `${name}.pid` };
}

export interface DirectoryHoldOptions {
  /** How long to wait for the holder to let go; 0 tries once. */
  waitMs: number;
  /** Told once, with the holder's pid when it wrote one, when the directory is held and this waits. */
  onWaiting?: (holder: number | undefined) => void;
}

/** Whether this process now holds `dir` (until it ends or releases it) or, when the holder kept it past `waitMs`, who holds it. */
export type DirectoryHold = { held: true; release: () => void } | { held: false; holder: number | undefined };

/** Holds `dir` under `name` until this process ends or releases it, waiting up to `waitMs` for its holder to let go. */
export async function holdDirectory(dir: string, name: string, { waitMs, onWaiting }: DirectoryHoldOptions): Promise<DirectoryHold> {
  const files = holdFiles(name);
  mkdirSync(dir, { recursive: true });
  // No busy timeout: SQLite's would block this thread, and a waiting process must stay responsive.
  const db = new Database(join(dir, files.lock), { timeout: 0 });
  const deadline = Date.now() + waitMs;
  let waiting = false;
  while (!tryHold(db)) {
    const holder = holderPid(join(dir, files.pid));
    if (Date.now() >= deadline) {
      db.close();
      return { held: false, holder };
    }
    if (!waiting) onWaiting?.(holder);
    waiting = true;
    await delay(RETRY_MS);
  }
  holds.add(db);
  // Whole or not at all, for the process that reads it.
  writeFileSync(join(dir, `${files.pid}.tmp`), String(process.pid));
  renameSync(join(dir, `${files.pid}.tmp`), join(dir, files.pid));
  return {
    held: true,
    release: () => {
      holds.delete(db);
      db.close();
    },
  };
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
function holderPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
