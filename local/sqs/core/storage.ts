import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../../sqlite.ts';
import type { QueueSettings } from './queue-attributes.ts';

/**
 * Queues and messages in SQLite (WAL, synchronous=FULL): a send is acknowledged only after its
 * transaction commits, so it survives kill -9 and power loss. Times are epoch milliseconds.
 */
export interface StoredQueue {
  name: string;
  settings: QueueSettings;
  createdAt: number;
  modifiedAt: number;
}

export interface StoredMessage {
  queue: string;
  id: string;
  body: string;
  /** JSON of the message attributes. */
  attributes: string;
  senderId: string;
  sentAt: number;
  /** Not receivable before this time (delay, or the visibility timeout of the last receive). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  /** When the current receive happened; null while never received. */
  receivedAt: number | null;
  /** The token of the current receive: only the newest receipt handle carries it. */
  receipt: string | null;
}

interface MessageRow {
  queue: string;
  id: string;
  body: string;
  attributes: string;
  sender_id: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  received_at: number | null;
  receipt: string | null;
}

const fromRow = (r: MessageRow): StoredMessage => ({
  queue: r.queue,
  id: r.id,
  body: r.body,
  attributes: r.attributes,
  senderId: r.sender_id,
  sentAt: r.sent_at,
  visibleAt: r.visible_at,
  receiveCount: r.receive_count,
  firstReceivedAt: r.first_received_at,
  receivedAt: r.received_at,
  receipt: r.receipt,
});

export class Storage {
  private readonly db: Database.Database;
  private readonly statements;

  /** `dataDir` ':memory:' keeps everything in memory (tests). */
  constructor(dataDir: string) {
    this.db = openDurableDatabase(dataDir, 'sqs.sqlite');
    // seq keeps send order, so receives hand out the oldest visible messages first.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS queues (
        name TEXT PRIMARY KEY, settings TEXT NOT NULL, created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
        attributes TEXT NOT NULL, sender_id TEXT NOT NULL, sent_at INTEGER NOT NULL, visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL, first_received_at INTEGER, received_at INTEGER, receipt TEXT);
      CREATE INDEX IF NOT EXISTS messages_visible ON messages (queue, visible_at, seq);
    `);
    const columns = 'queue, id, body, attributes, sender_id, sent_at, visible_at, receive_count, first_received_at, received_at, receipt';
    this.statements = {
      queues: this.db.prepare<[], { name: string; settings: string; created_at: number; modified_at: number }>('SELECT * FROM queues ORDER BY name'),
      putQueue: this.db.prepare('INSERT OR REPLACE INTO queues (name, settings, created_at, modified_at) VALUES (?, ?, ?, ?)'),
      insert: this.db.prepare(`INSERT INTO messages (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, NULL)`),
      visible: this.db.prepare<[string, number, number], MessageRow>(
        `SELECT ${columns} FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?`,
      ),
      byId: this.db.prepare<[string], MessageRow>(`SELECT ${columns} FROM messages WHERE id = ?`),
      markReceived: this.db.prepare(
        'UPDATE messages SET visible_at = ?, receive_count = receive_count + 1, first_received_at = COALESCE(first_received_at, ?), received_at = ?, receipt = ? WHERE id = ?',
      ),
      setVisibleAt: this.db.prepare('UPDATE messages SET visible_at = ? WHERE id = ?'),
      moveTo: this.db.prepare('UPDATE messages SET queue = ?, visible_at = ?, receive_count = 0, received_at = NULL, receipt = NULL WHERE id = ?'),
      delete: this.db.prepare('DELETE FROM messages WHERE id = ?'),
      expire: this.db.prepare('DELETE FROM messages WHERE queue = ? AND sent_at <= ?'),
      purge: this.db.prepare('DELETE FROM messages WHERE queue = ?'),
      counts: this.db.prepare<[number, number, number, string], { visible: number; inFlight: number; delayed: number }>(
        `SELECT COALESCE(SUM(visible_at <= ?), 0) AS visible,
                COALESCE(SUM(visible_at > ? AND receipt IS NOT NULL), 0) AS inFlight,
                COALESCE(SUM(visible_at > ? AND receipt IS NULL), 0) AS delayed
         FROM messages WHERE queue = ?`,
      ),
      nextVisible: this.db.prepare<[string, number], { at: number | null }>('SELECT MIN(visible_at) AS at FROM messages WHERE queue = ? AND visible_at > ?'),
    };
  }

  queues(): StoredQueue[] {
    return this.statements.queues.all().map((r) => ({
      name: r.name,
      settings: JSON.parse(r.settings) as QueueSettings,
      createdAt: r.created_at,
      modifiedAt: r.modified_at,
    }));
  }

  putQueue(queue: StoredQueue): void {
    this.statements.putQueue.run(queue.name, JSON.stringify(queue.settings), queue.createdAt, queue.modifiedAt);
  }

  /** Several writes as one transaction: one commit (one fsync) for a whole batch. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  insert(message: Pick<StoredMessage, 'queue' | 'id' | 'body' | 'attributes' | 'senderId' | 'sentAt' | 'visibleAt'>): void {
    this.statements.insert.run(message.queue, message.id, message.body, message.attributes, message.senderId, message.sentAt, message.visibleAt);
  }

  /** Up to `limit` messages of `queue` visible at `now`, oldest first. */
  visible(queue: string, now: number, limit: number): StoredMessage[] {
    return this.statements.visible.all(queue, now, limit).map(fromRow);
  }

  message(id: string): StoredMessage | undefined {
    const row = this.statements.byId.get(id);
    return row && fromRow(row);
  }

  markReceived(id: string, now: number, visibleAt: number, receipt: string): void {
    this.statements.markReceived.run(visibleAt, now, now, receipt, id);
  }

  setVisibleAt(id: string, visibleAt: number): void {
    this.statements.setVisibleAt.run(visibleAt, id);
  }

  /** Moves a message to another queue (a dead-letter queue), visible at once, as never received. */
  moveTo(id: string, queue: string, now: number): void {
    this.statements.moveTo.run(queue, now, id);
  }

  delete(id: string): void {
    this.statements.delete.run(id);
  }

  /** Deletes the messages of `queue` sent at or before `sentBefore` (retention). */
  expire(queue: string, sentBefore: number): void {
    this.statements.expire.run(queue, sentBefore);
  }

  purge(queue: string): void {
    this.statements.purge.run(queue);
  }

  counts(queue: string, now: number): { visible: number; inFlight: number; delayed: number } {
    return this.statements.counts.get(now, now, now, queue) ?? { visible: 0, inFlight: 0, delayed: 0 };
  }

  /** The next time a hidden message of `queue` becomes visible, if any. */
  nextVisibleAt(queue: string, now: number): number | undefined {
    return this.statements.nextVisible.get(queue, now)?.at ?? undefined;
  }

  close(): void {
    this.db.close();
  }
}
