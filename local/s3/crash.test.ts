/**
 * `kill -9` of the local S3 service (front and outbox drain; its store child sees the front go, or
 * is killed with it) during a burst of writes: after a restart, every object stored, acknowledged
 * or not, has its event delivered, and no event is missing for an acknowledged write. And `kill -9`
 * of the store at the steps of one write's commit: after a restart the object and its event are
 * there together (once), or neither is.
 */
import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { EventOutbox } from './outbox.ts';
import { startLocalS3Service } from './start.ts';
import type { PauseStep } from './testing/pause-store.ts';
import { pausedStore } from './testing/paused-store.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const WRITERS = 8;
const KILL_AFTER = 30;
const BODY = Buffer.alloc(300_000, 7);

const dataDirs: string[] = [];
afterAll(async () => {
  await Promise.all(dataDirs.map((dataDir) => rm(dataDir, { recursive: true, force: true })));
});
const newDataDir = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-crash-'));
  dataDirs.push(dataDir);
  return dataDir;
};

/**
 * The writers' calls: after the kill a retry may reach whatever took the freed port (another test's
 * server that accepts and never answers); three attempts of at most 5 s end each writer well within
 * the poll budget.
 */
const WRITER_TIMEOUTS = { connectMs: 1_000, requestMs: 5_000 };

// The store finishes its requests when the front dies; killed with it, it leaves writes cut at any step.
it.each([
  ['the service', false],
  ['the service and its store', true],
])('after kill -9 of %s mid-burst and a restart, every stored object has its event, every acknowledged one included', async (_, killStore) => {
  const dataDir = await newDataDir();
  const serviceDir = join(dataDir, 's3');
  const served = fork(new URL('./testing/serve.ts', import.meta.url).pathname, [serviceDir, CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey], {
    execArgv: ['--import', 'tsx'],
  });
  let endpoint: string | undefined;
  served.once('message', (message) => (endpoint = message as string));
  const acknowledged: string[] = [];
  try {
    await expect.poll(() => endpoint ?? served.exitCode, { message: 'the service (serve.ts) sends its endpoint' }).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const writer = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: endpoint, s3Timeouts: WRITER_TIMEOUTS }, CREDENTIALS);
    const failures: string[] = [];
    let killed = false;
    let next = 0;
    // Each writer uploads until an upload fails or the service is killed: an upload after that
    // could only fail, or reach another server on the freed port.
    const writing = Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (!killed) {
          const key = `uploads/u/burst/${next++}.jpg`;
          try {
            await writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: BODY }));
          } catch (error) {
            failures.push(String(error));
            return;
          }
          acknowledged.push(key);
          if (acknowledged.length !== KILL_AFTER) continue;
          killed = true;
          if (killStore) {
            const stores = storeProcessesOf(serviceDir);
            // None found would quietly make this the other case.
            expect(stores, 'the store process to kill').not.toEqual([]);
            for (const pid of stores) process.kill(Number(pid), 'SIGKILL');
          }
          served.kill('SIGKILL');
        }
      }),
    ).finally(() => writer.destroy());
    await settledWithin(writing, 'the writers to end');
    expect(killed, `the service is killed once ${KILL_AFTER} uploads are acknowledged; ${acknowledged.length} were before the writers failed: ${failures.join('; ')}`).toBe(true);
    await expect.poll(() => served.signalCode, { message: 'the killed service (serve.ts) exits' }).toBe('SIGKILL');
  } finally {
    // A test failed before the kill leaves no service behind (its store exits when it goes).
    if (served.exitCode === null && served.signalCode === null) served.kill('SIGKILL');
  }

  // The store child finishes what it was writing and exits once the front is gone; the restart
  // waits for it (store-lock.ts), as a developer's next `npm start` would.
  const delivered: S3EventRecord[] = [];
  const restarted = await settledWithin(
    startLocalS3Service({ dataDir: serviceDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: (event) => void delivered.push(event) }),
    "the restarted service to listen (its store waits for the killed one's to let the directory go)",
  );
  const reader = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: restarted.endpoint }, CREDENTIALS);
  try {
    const listed = (await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/' }))).Contents ?? [];
    const stored = listed.map((object) => object.Key ?? '');
    // Nothing half-written survives: S3 stores a body whole or not at all.
    expect(listed.every((object) => object.Size === BODY.length)).toBe(true);
    expect(stored).toEqual(expect.arrayContaining(acknowledged));
    await expect.poll(() => new Set(delivered.map((event) => event.s3.object.key)), { message: "every stored object's event is delivered" }).toEqual(new Set(stored));
  } finally {
    reader.destroy();
    await restarted.close();
  }
  // Five waits, each within the poll budget (vitest.config.ts) and failing with its own message, and
  // a listing within its client's timeouts: this timeout only backs them.
}, 180_000);

describe('kill -9 of the store at a step of a write or a delete', () => {
  const KEY = 'uploads/u/paused.jpg';
  const OLD = Buffer.from('the old object');
  const NEW = Buffer.from('the new object, cut at a step of its commit');

  /** Starts the service on `dataDir`, runs `use` with an SDK client, and returns the events it delivered once its outbox is empty. */
  async function withService(dataDir: string, use: (client: ReturnType<typeof createS3Client>) => Promise<void>): Promise<S3EventRecord[]> {
    const delivered: S3EventRecord[] = [];
    const service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: (event) => void delivered.push(event) });
    const client = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
    const outbox = new EventOutbox(dataDir, 'delivery');
    try {
      await use(client);
      // Emptied: nothing more will be delivered.
      await expect.poll(() => outbox.size()).toBe(0);
    } finally {
      outbox.close();
      client.destroy();
      await service.close();
    }
    return delivered;
  }

  /** Runs the store child alone (as start.ts does), PUTs `NEW` to `KEY` (or DELETEs it) on its socket, and kills it once paused at `step`. */
  async function killStoreAt(dataDir: string, step: PauseStep): Promise<void> {
    const store = await pausedStore(dataDir, { bucket: BUCKET, region: REGION, key: KEY, body: NEW, step });
    store.child.kill('SIGKILL');
    await store.exited;
  }

  const bodyOf = async (client: ReturnType<typeof createS3Client>) => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))).Body!.transformToByteArray());

  it('delivers, exactly once, the event of a write killed after its renames, before its event was marked', async () => {
    const dataDir = await newDataDir();
    await killStoreAt(dataDir, 'after-renames');
    const delivered = await withService(dataDir, async (client) => {
      expect(await bodyOf(client)).toEqual(NEW);
    });
    expect(delivered.map((event) => [event.eventName, event.s3.object.key, event.s3.object.eTag, event.s3.object.size])).toEqual([
      ['ObjectCreated:Put', KEY, createHash('md5').update(NEW).digest('hex'), NEW.length],
    ]);
  }, 60_000);

  /** Stores `OLD` at `KEY` through the service, its event delivered. */
  async function stored(dataDir: string): Promise<void> {
    const first = await withService(dataDir, async (client) => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: OLD }));
    });
    expect(first.map((event) => event.s3.object.key)).toEqual([KEY]);
  }

  it.each([
    ['the event recorded by a write killed before its bytes were renamed, and keeps the old object', 'before-commit'],
    ['the removal event recorded by a delete killed before removing the object, which stays', 'before-remove'],
  ] as const)('drops %s', async (_, step) => {
    const dataDir = await newDataDir();
    await stored(dataDir);
    await killStoreAt(dataDir, step);
    // The change's event was on disk before it committed, waiting for it.
    const outbox = new EventOutbox(dataDir, 'delivery');
    expect(outbox.pendingWrites()).toHaveLength(1);
    outbox.close();
    const delivered = await withService(dataDir, async (client) => {
      expect(await bodyOf(client)).toEqual(OLD);
    });
    expect(delivered).toEqual([]);
  }, 60_000);

  it.each([
    ['after its files were removed', 'after-remove'],
    ['after its bytes were removed and before its ETag and metadata were, leaving none of them', 'after-bytes-removed'],
  ] as const)('delivers, exactly once, the removal event of a delete killed %s', async (_, step) => {
    const dataDir = await newDataDir();
    await stored(dataDir);
    await killStoreAt(dataDir, step);
    const delivered = await withService(dataDir, async (client) => {
      await expect(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    });
    expect(delivered.map((event) => [event.eventName, event.s3.object.key])).toEqual([['ObjectRemoved:Delete', KEY]]);
    // The delete is completed at start: no file of the object is left.
    expect(objectFiles(dataDir)).toEqual([]);
  }, 60_000);
});

/** The files of `paused.jpg` under the store's directory (`dataDir/objects`). */
function objectFiles(dataDir: string): string[] {
  const entries = readdirSync(join(dataDir, 'objects'), { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.startsWith('paused.jpg')).map((entry) => entry.name);
}

/** Store children (store-process.ts) serving `dataDir`, from /proc. */
function storeProcessesOf(dataDir: string): string[] {
  return readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      return command.includes('store-process.ts') && command.includes(join(dataDir, 'objects'));
    } catch {
      return false;
    }
  });
}

/** What `promise` settles to, waited for within the poll budget: a wait that does not end fails naming `what`. */
async function settledWithin<T>(promise: Promise<T>, what: string): Promise<T> {
  const outcome: { settled?: { value: T } | { error: unknown } } = {};
  promise.then(
    (value) => (outcome.settled = { value }),
    (error: unknown) => (outcome.settled = { error }),
  );
  try {
    await expect.poll(() => outcome.settled !== undefined, { message: `waiting for ${what}` }).toBe(true);
  } catch (timedOut) {
    // What settles after the test gave up on it is closed, not left running beside the next tests.
    void promise.then((late) => (late as { close?: () => unknown } | undefined)?.close?.(), () => undefined);
    throw timedOut;
  }
  if (outcome.settled && 'error' in outcome.settled) throw outcome.settled.error;
  return (outcome.settled as { value: T }).value;
}
