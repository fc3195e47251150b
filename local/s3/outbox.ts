/**
 * The notifications the local S3 owes, kept on disk until the queue has them. "Amazon S3 event
 * notifications are designed to be delivered at least once"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html), so the store writes
 * each event here, fsync'd, before it answers the upload (store-process.ts), and the service sends
 * it on and removes it only once `deliver` has resolved (start.ts). Whatever a `kill -9` leaves here
 * is sent again at the next start: duplicates are possible, losses are not.
 *
 * Removals need no sync: they run on the service's main thread (a full sync per row cost ~3 ms of
 * blocked event loop per upload), and a removal lost to a power cut only sends the event again,
 * which at-least-once delivery allows. In WAL mode a commit with synchronous=NORMAL still survives
 * `kill -9` (https://www.sqlite.org/pragma.html#pragma_synchronous); the store's adds stay FULL.
 *
 * An object write's event is added before the write commits, as pending (with the write's
 * temporary bytes file, which names it), and marked ready once the write is in place
 * (store-writes.ts); only ready entries are delivered. At start the store decides each pending
 * entry as it decides the write's files: ready once the bytes were renamed, removed while their
 * temporary file exists. So a crash between a commit and its event loses no event, and a write
 * that never committed sends none. The mark needs no sync: a mark lost to a power cut is made
 * again by that rule at the next start. A delete's event is pending the same way, named by the
 * object's bytes file, which the delete removes: ready once it is gone, removed while it is there.
 */
import type { S3EventRecord } from 'aws-lambda';
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

const FILE_NAME = 'event-outbox.sqlite';

/**
 * 'store': the store child's connection, which adds (each add synced before it returns).
 * 'delivery': the service's, which reads and removes (removals not synced).
 */
export type OutboxConnection = 'store' | 'delivery';

export interface OutboxEntry {
  id: number;
  record: S3EventRecord;
}

/** The outbox table in `dataDir`; the store child and the service each open it. */
export class EventOutbox {
  private readonly db: Database.Database;
  private readonly statements: Record<'insert' | 'insertPending' | 'markReady' | 'oldest' | 'pendingWrites' | 'count' | 'remove', Database.Statement>;

  constructor(
    dataDir: string,
    private readonly connection: OutboxConnection = 'store',
  ) {
    this.db = openDurableDatabase(dataDir, FILE_NAME);
    if (connection === 'delivery') this.db.pragma('synchronous = NORMAL');
    // pending_write: NULL once the entry is ready; else the file naming the write or delete it waits for (see the top of this file).
    this.db.exec('CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL, pending_write TEXT)');
    // An outbox from before pending entries: every entry in it is ready. (Checked again under the write lock, which only a migration takes.)
    const migrated = () => (this.db.pragma('table_info(outbox)') as { name: string }[]).some((column) => column.name === 'pending_write');
    if (!migrated()) {
      this.db
        .transaction(() => {
          if (!migrated()) this.db.exec('ALTER TABLE outbox ADD COLUMN pending_write TEXT');
        })
        .immediate();
    }
    // Prepared once: these run for every upload.
    this.statements = {
      insert: this.db.prepare('INSERT INTO outbox (record) VALUES (?)'),
      insertPending: this.db.prepare('INSERT INTO outbox (record, pending_write) VALUES (?, ?)'),
      markReady: this.db.prepare('UPDATE outbox SET pending_write = NULL WHERE id = ?'),
      oldest: this.db.prepare('SELECT id, record FROM outbox WHERE pending_write IS NULL ORDER BY id LIMIT ?'),
      pendingWrites: this.db.prepare('SELECT id, pending_write AS write FROM outbox WHERE pending_write IS NOT NULL ORDER BY id'),
      count: this.db.prepare('SELECT count(*) AS n FROM outbox'),
      remove: this.db.prepare('DELETE FROM outbox WHERE id = ?'),
    };
  }

  /** Durable when it returns (a full sync per commit); only the store's connection adds. */
  add(record: S3EventRecord): number {
    this.assertStoreConnection();
    return Number(this.statements.insert.run(JSON.stringify(record)).lastInsertRowid);
  }

  /** Adds the event of `write` (the file naming the write or delete) before it commits; not delivered until marked ready. Durable when it returns. */
  addPending(record: S3EventRecord, write: string): number {
    this.assertStoreConnection();
    return Number(this.statements.insertPending.run(JSON.stringify(record), write).lastInsertRowid);
  }

  /** Its write or delete committed: deliver it. Not synced (see the top of this file). */
  markReady(id: number): void {
    this.assertStoreConnection();
    this.db.pragma('synchronous = NORMAL');
    try {
      this.statements.markReady.run(id);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Entries whose write or delete was not yet known to have committed, with the file naming it. */
  pendingWrites(): { id: number; write: string }[] {
    return this.statements.pendingWrites.all() as { id: number; write: string }[];
  }

  /** The oldest `limit` ready entries not in `excluded`. */
  pending(limit: number, excluded: ReadonlySet<number> = new Set()): OutboxEntry[] {
    const rows = this.statements.oldest.all(limit + excluded.size) as { id: number; record: string }[];
    return rows.filter((row) => !excluded.has(row.id)).slice(0, limit).map((row) => ({ id: row.id, record: JSON.parse(row.record) as S3EventRecord }));
  }

  /** Entries, pending ones included. */
  size(): number {
    return (this.statements.count.get() as { n: number }).n;
  }

  /** Synced only on the store's connection (see the top of this file): the store removes the pending entry of a write or delete that failed. */
  remove(id: number): void {
    this.statements.remove.run(id);
  }

  close(): void {
    this.db.close();
  }

  private assertStoreConnection(): void {
    if (this.connection !== 'store') throw new Error("events are added through the store's outbox connection, whose adds are synced");
  }
}

export interface OutboxDrainOptions {
  /** Resolves once the event is delivered (the queue acknowledged it); a rejection is retried. */
  deliver: (record: S3EventRecord) => Promise<void> | void;
  /**
   * How often the outbox is read again, for failed deliveries and for entries no nudge announced
   * (a store child of a previous run still finishing its last writes).
   */
  retryMs?: number;
  /** Deliveries at once. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface OutboxDrain {
  /** Something was added: deliver it. */
  nudge(): void;
  /** Stops retrying and waits for the deliveries under way (their entries are removed if they succeeded). */
  close(): Promise<void>;
}

/** Delivers every entry of `outbox`, those already there first, and removes each once delivered. */
export function drainOutbox(outbox: EventOutbox, options: OutboxDrainOptions): OutboxDrain {
  const { deliver, retryMs = 1000, concurrency = 16, log = console.error } = options;
  const inFlight = new Map<number, Promise<void>>();
  let closed = false;
  const pump = () => {
    if (closed) return;
    for (const entry of outbox.pending(concurrency - inFlight.size, new Set(inFlight.keys()))) {
      const delivery = Promise.resolve()
        .then(() => deliver(entry.record))
        .then(
          () => {
            try {
              outbox.remove(entry.id);
            } catch (error) {
              // The store child writes the same database; if it holds the lock past the busy
              // timeout the entry stays, and is sent again: a duplicate, which S3 allows and the
              // pipeline skips, where an uncaught error would stop the cloud.
              log(`S3 notification for ${entry.record.s3.object.key} delivered but not yet removed, it will be sent again: ${String(error)}`);
            }
            inFlight.delete(entry.id);
            pump();
          },
          (error: unknown) => {
            inFlight.delete(entry.id);
            log(`S3 notification for ${entry.record.s3.object.key} not delivered, retrying: ${String(error)}`);
          },
        );
      inFlight.set(entry.id, delivery);
    }
  };
  pump();
  const rereading = setInterval(pump, retryMs).unref();
  return {
    nudge: pump,
    async close() {
      closed = true;
      clearInterval(rereading);
      await Promise.all(inFlight.values());
    },
  };
}
