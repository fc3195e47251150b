/**
 * The notifications the local S3 owes, kept on disk until the queue has them. "Amazon S3 event
 * notifications are designed to be delivered at least once"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html), so the store writes
 * each event here, fsync'd, before it answers the upload (store-process.ts), and the service sends
 * it on and removes it only once `deliver` has resolved (start.ts). Whatever a `kill -9` leaves here
 * is sent again at the next start: duplicates are possible, losses are not.
 */
import type { S3EventRecord } from 'aws-lambda';
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

const FILE_NAME = 'event-outbox.sqlite';

export interface OutboxEntry {
  id: number;
  record: S3EventRecord;
}

/** The outbox table in `dataDir`; the store child and the service each open it. */
export class EventOutbox {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    this.db = openDurableDatabase(dataDir, FILE_NAME);
    this.db.exec('CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)');
  }

  /** Durable when it returns (a full sync per commit). */
  add(record: S3EventRecord): number {
    return Number(this.db.prepare('INSERT INTO outbox (record) VALUES (?)').run(JSON.stringify(record)).lastInsertRowid);
  }

  /** The oldest `limit` entries not in `excluded`. */
  pending(limit: number, excluded: ReadonlySet<number> = new Set()): OutboxEntry[] {
    const rows = this.db.prepare('SELECT id, record FROM outbox ORDER BY id LIMIT ?').all(limit + excluded.size) as { id: number; record: string }[];
    return rows.filter((row) => !excluded.has(row.id)).slice(0, limit).map((row) => ({ id: row.id, record: JSON.parse(row.record) as S3EventRecord }));
  }

  size(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
  }

  close(): void {
    this.db.close();
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
            outbox.remove(entry.id);
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
