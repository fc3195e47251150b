import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3EventRecord } from 'aws-lambda';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventRecord } from './events.ts';
import { drainOutbox, EventOutbox } from './outbox.ts';

const recordFor = (key: string): S3EventRecord =>
  eventRecord({ eventName: 'ObjectCreated:Post', bucket: 'b', key, size: 1, eTag: 'e', sourceIp: '127.0.0.1' }, { region: 'us-east-1', configurationId: 'c', sequencer: '01' });
const keysOf = (records: readonly S3EventRecord[]) => records.map((record) => record.s3.object.key);

/** Runs `script` (with EventOutbox imported) in a process that then kills itself: it never closes the database or runs an exit handler. */
function runAndKill(script: string): void {
  const importOutbox = `import { EventOutbox } from ${JSON.stringify(new URL('./outbox.ts', import.meta.url).href)};`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${importOutbox}\n${script}\nprocess.kill(process.pid, 'SIGKILL');`], { encoding: 'utf8' });
  expect(run.signal, run.stderr).toBe('SIGKILL');
}

describe('the event outbox', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-outbox-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers at start what a process killed (-9) after writing left undelivered, and nothing twice once drained', async () => {
    runAndKill(`import { eventRecord } from ${JSON.stringify(new URL('./events.ts', import.meta.url).href)};
      const outbox = new EventOutbox(${JSON.stringify(dataDir)});
      for (const key of ['uploads/a', 'uploads/b']) outbox.add(eventRecord({ eventName: 'ObjectCreated:Post', bucket: 'b', key, sourceIp: '127.0.0.1' }, { region: 'us-east-1', configurationId: 'c', sequencer: '01' }));`);

    const delivered: S3EventRecord[] = [];
    const outbox = new EventOutbox(dataDir, 'delivery');
    const drain = drainOutbox(outbox, { deliver: (record) => void delivered.push(record) });
    await expect.poll(() => outbox.size()).toBe(0);
    expect(keysOf(delivered)).toEqual(['uploads/a', 'uploads/b']);
    await drain.close();
    outbox.close();

    // The next start finds nothing to send again.
    const reopened = new EventOutbox(dataDir, 'delivery');
    const store = new EventOutbox(dataDir);
    const redelivered: S3EventRecord[] = [];
    const again = drainOutbox(reopened, { deliver: (record) => void redelivered.push(record) });
    store.add(recordFor('uploads/c'));
    again.nudge();
    await expect.poll(() => reopened.size()).toBe(0);
    expect(keysOf(redelivered)).toEqual(['uploads/c']);
    await again.close();
    reopened.close();
    store.close();
  });

  it("delivers a write's pending entry only once it is marked ready, and lists it with its write until then", async () => {
    const store = new EventOutbox(dataDir);
    const outbox = new EventOutbox(dataDir, 'delivery');
    const delivered: S3EventRecord[] = [];
    const drain = drainOutbox(outbox, { retryMs: 10, deliver: (record) => void delivered.push(record) });
    const pending = store.addPending(recordFor('uploads/pending'), 'b/uploads/pending._S3rver_0.o.tmp');
    store.add(recordFor('uploads/ready'));
    drain.nudge();
    await expect.poll(() => outbox.size()).toBe(1);
    expect(keysOf(delivered)).toEqual(['uploads/ready']);
    expect(outbox.pendingWrites()).toEqual([{ id: pending, write: 'b/uploads/pending._S3rver_0.o.tmp' }]);
    expect(() => outbox.markReady(pending)).toThrow(/store's outbox connection/);
    store.markReady(pending);
    await expect.poll(() => outbox.size()).toBe(0);
    expect(keysOf(delivered)).toEqual(['uploads/ready', 'uploads/pending']);
    expect(store.pendingWrites()).toEqual([]);
    // The mark is not synced; the adds after it are.
    expect((store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
    await drain.close();
    outbox.close();
    store.close();
  });

  it('opens an outbox written before pending entries existed, its entries ready', () => {
    const old = new Database(join(dataDir, 'event-outbox.sqlite'));
    old.exec('CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)');
    old.prepare('INSERT INTO outbox (record) VALUES (?)').run(JSON.stringify(recordFor('uploads/old')));
    old.close();
    const outbox = new EventOutbox(dataDir, 'delivery');
    expect(keysOf(outbox.pending(10).map((entry) => entry.record))).toEqual(['uploads/old']);
    expect(outbox.pendingWrites()).toEqual([]);
    outbox.close();
  });

  it('delivers entries another process added without a nudge', async () => {
    const outbox = new EventOutbox(dataDir, 'delivery');
    const delivered: S3EventRecord[] = [];
    const drain = drainOutbox(outbox, { retryMs: 10, deliver: (record) => void delivered.push(record) });
    const otherWriter = new EventOutbox(dataDir);
    otherWriter.add(recordFor('uploads/late'));
    otherWriter.close();
    await expect.poll(() => keysOf(delivered)).toEqual(['uploads/late']);
    await drain.close();
    outbox.close();
  });

  it('keeps an entry whose delivery failed and retries it until it is delivered', async () => {
    const outbox = new EventOutbox(dataDir, 'delivery');
    const store = new EventOutbox(dataDir);
    const log: string[] = [];
    let attempts = 0;
    const delivered: S3EventRecord[] = [];
    const drain = drainOutbox(outbox, {
      retryMs: 10,
      log: (line) => log.push(line),
      deliver: (record) => {
        attempts += 1;
        if (attempts <= 2) return Promise.reject(new Error('queue down'));
        delivered.push(record);
        return Promise.resolve();
      },
    });
    store.add(recordFor('uploads/x'));
    drain.nudge();
    await expect.poll(() => keysOf(delivered)).toEqual(['uploads/x']);
    expect(attempts).toBe(3);
    expect(outbox.size()).toBe(0);
    expect(log).toEqual(['S3 notification for uploads/x not delivered, retrying: Error: queue down', 'S3 notification for uploads/x not delivered, retrying: Error: queue down']);
    await drain.close();
    outbox.close();
    store.close();
  });

  it('keeps an entry it could not remove after delivering it, says so, and sends it again (at least once, never a crash)', async () => {
    const outbox = new EventOutbox(dataDir, 'delivery');
    const store = new EventOutbox(dataDir);
    const remove = outbox.remove.bind(outbox);
    let removals = 0;
    vi.spyOn(outbox, 'remove').mockImplementation((id) => {
      removals += 1;
      if (removals === 1) throw new Error('SQLITE_BUSY: database is locked');
      remove(id);
    });
    const log: string[] = [];
    const delivered: S3EventRecord[] = [];
    const drain = drainOutbox(outbox, { retryMs: 10, log: (line) => log.push(line), deliver: (record) => void delivered.push(record) });
    store.add(recordFor('uploads/y'));
    drain.nudge();
    await expect.poll(() => outbox.size()).toBe(0);
    expect(keysOf(delivered)).toEqual(['uploads/y', 'uploads/y']);
    expect(log).toEqual(['S3 notification for uploads/y delivered but not yet removed, it will be sent again: Error: SQLITE_BUSY: database is locked']);
    await drain.close();
    outbox.close();
    store.close();
  });

  it('keeps what was still being delivered when it closed unless the delivery succeeded, and sends each entry once at a time', async () => {
    const store = new EventOutbox(dataDir);
    for (const key of ['uploads/1', 'uploads/2', 'uploads/3']) store.add(recordFor(key));
    store.close();
    const outbox = new EventOutbox(dataDir, 'delivery');
    const calls: string[] = [];
    const settle: Array<(ok: boolean) => void> = [];
    const drain = drainOutbox(outbox, {
      concurrency: 2,
      log: () => undefined,
      deliver: (record) =>
        new Promise<void>((resolve, reject) => {
          calls.push(record.s3.object.key);
          settle.push((ok) => (ok ? resolve() : reject(new Error('lost'))));
        }),
    });
    drain.nudge();
    drain.nudge();
    // At most `concurrency` at once, and a nudge does not send an entry already under way.
    await expect.poll(() => settle).toHaveLength(2);
    expect(calls).toEqual(['uploads/1', 'uploads/2']);
    const closed = drain.close();
    settle[0]?.(true);
    settle[1]?.(false);
    await closed;
    expect(calls).toEqual(['uploads/1', 'uploads/2']);
    expect(keysOf(outbox.pending(10).map((entry) => entry.record))).toEqual(['uploads/2', 'uploads/3']);
    outbox.close();
  });

  it('syncs every add on the store\'s connection and no removal on the delivery connection, whose removals still survive kill -9', () => {
    const store = new EventOutbox(dataDir);
    const delivery = new EventOutbox(dataDir, 'delivery');
    const synchronous = (outbox: EventOutbox) => (outbox as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true });
    // sqlite's codes: 2 FULL (a sync per commit), 1 NORMAL (in WAL mode, syncs at checkpoints only).
    expect([synchronous(store), synchronous(delivery)]).toEqual([2, 1]);
    expect(() => delivery.add(recordFor('uploads/unsynced'))).toThrow(/store's outbox connection/);
    const ids = ['uploads/a', 'uploads/b', 'uploads/c'].map((key) => store.add(recordFor(key)));
    store.close();
    delivery.close();

    // A delivering process that removes the first two and is killed: they stay removed.
    runAndKill(`const outbox = new EventOutbox(${JSON.stringify(dataDir)}, 'delivery');
      for (const id of ${JSON.stringify(ids.slice(0, 2))}) outbox.remove(id);`);
    const reopened = new EventOutbox(dataDir, 'delivery');
    expect(keysOf(reopened.pending(10).map((entry) => entry.record))).toEqual(['uploads/c']);
    reopened.close();
  });
});
