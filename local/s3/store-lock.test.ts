/**
 * One store per data directory (store-lock.ts): a start while the previous run's store still
 * finishes a write (its front gone) waits for it to exit before it settles anything, goes on as
 * soon as a `kill -9` ends it, and fails, naming it, when it does not let go in time. The previous
 * store is a real store child holding one PUT mid-commit (testing/paused-store.ts). Nor does the
 * start empty the upload spool before it holds the directory.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { EventOutbox } from './outbox.ts';
import { type LocalS3Service, startLocalS3Service } from './start.ts';
import { holdStoreDirectory } from './store-lock.ts';
import { forkStore, pausedStore, type PausedStore } from './testing/paused-store.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const KEY = 'uploads/u/finishing.jpg';
const BODY = Buffer.from('written by the previous store while the next one starts');

const SPOOLED = 'upload-in-flight';
const SPOOLED_BODY = 'bytes of an upload the front spools';

/** The front's upload spool: each file and its contents. */
function spool(dataDir: string): Record<string, string> {
  const dir = join(dataDir, 'incoming');
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

const dataDirs: string[] = [];
afterAll(async () => {
  await Promise.all(dataDirs.map((dataDir) => rm(dataDir, { recursive: true, force: true })));
});

/** The previous run's store, holding a PUT of KEY before its commit, and a new start on its data directory, once that start says it waits. */
async function startBesidePreviousStore(previousStoreWaitMs?: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-hold-'));
  dataDirs.push(dataDir);
  const previous = await pausedStore(dataDir, { bucket: BUCKET, region: REGION, key: KEY, body: BODY, step: 'before-commit' });
  // An upload the previous run's front was spooling when the start began.
  mkdirSync(join(dataDir, 'incoming'));
  writeFileSync(join(dataDir, 'incoming', SPOOLED), SPOOLED_BODY);
  const delivered: S3EventRecord[] = [];
  const lines: string[] = [];
  let saidWaiting: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (saidWaiting = resolve));
  const starting = startLocalS3Service({
    dataDir,
    bucket: BUCKET,
    region: REGION,
    credentials: CREDENTIALS,
    onEvent: (event) => void delivered.push(event),
    log: (line) => {
      lines.push(line);
      saidWaiting();
    },
    ...(previousStoreWaitMs === undefined ? {} : { previousStoreWaitMs }),
  });
  await Promise.race([
    waiting,
    starting.then(
      () => Promise.reject(new Error('started without waiting for the previous store')),
      (error: unknown) => Promise.reject(error as Error),
    ),
  ]);
  expect(lines).toEqual([`waiting for the previous local S3 store (pid ${String(previous.child.pid)}) to finish with ${dataDir}`]);
  // Nothing settled while it waits: the write's event still pending, its bytes' temporary file there.
  expect(pendingWrites(dataDir).map(({ write }) => existsSync(join(dataDir, 'objects', write)))).toEqual([true]);
  expect(spool(dataDir)).toEqual({ [SPOOLED]: SPOOLED_BODY });
  return { dataDir, previous, starting, delivered, lines };
}

function pendingWrites(dataDir: string) {
  const outbox = new EventOutbox(dataDir, 'delivery');
  try {
    return outbox.pendingWrites();
  } finally {
    outbox.close();
  }
}

/** Whether `pid` still runs: a zombie (exited, not yet reaped) has let go of its files and locks. */
function running(pid: number | undefined): boolean {
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Reads KEY through the service, and returns the events it delivered once its outbox is empty. */
async function readAndDrain(service: LocalS3Service, dataDir: string, delivered: S3EventRecord[]) {
  const client = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
  const outbox = new EventOutbox(dataDir, 'delivery');
  try {
    const body = await client
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))
      .then(async (object) => Buffer.from(await object.Body!.transformToByteArray()))
      .catch((error: unknown) => (error as Error).name);
    await expect.poll(() => outbox.size()).toBe(0);
    return { body, events: delivered.map((event) => [event.eventName, event.s3.object.key, event.s3.object.eTag]) };
  } finally {
    outbox.close();
    client.destroy();
    await service.close();
  }
}

it('a start waits while the previous store, its front gone, finishes a write, and settles only after it exited: object and event once', async () => {
  const { dataDir, previous, starting, delivered } = await startBesidePreviousStore();
  // The front dies (the store finishes what it handles, then exits); the write goes on and commits.
  previous.child.disconnect();
  previous.child.kill('SIGUSR2');
  const service = await starting;
  expect(running(previous.child.pid)).toBe(false);
  expect((await previous.answered).statusCode).toBe(200);
  expect(await previous.exited).toBe(0);
  expect(await readAndDrain(service, dataDir, delivered)).toEqual({
    body: BODY,
    events: [['ObjectCreated:Put', KEY, createHash('md5').update(BODY).digest('hex')]],
  });
}, 60_000);

it('a kill -9 of the previous store lets the waiting start go on, which undoes the write it never committed', async () => {
  const { dataDir, previous, starting, delivered } = await startBesidePreviousStore();
  previous.child.kill('SIGKILL');
  // Under the default wait (15 s): only the lock's release lets it start, never the wait's end.
  const service = await starting;
  expect(await previous.exited).toBe(null);
  // Once it holds the directory: the spool's bodies were never stored, so they go.
  expect(spool(dataDir)).toEqual({});
  expect(await readAndDrain(service, dataDir, delivered)).toEqual({ body: 'NoSuchKey', events: [] });
  expect(pendingWrites(dataDir)).toEqual([]);
}, 60_000);

it('a start fails, naming the store and the directory, when the previous store still holds it after the wait, and leaves its write alone', async () => {
  const { dataDir, previous, starting } = await startBesidePreviousStore(300);
  const pid = String(previous.child.pid);
  await expect(starting).rejects.toThrow(
    `The local S3 data directory ${dataDir} is still held by the previous local S3 store (pid ${pid}) after 300 ms; stop that process (kill ${pid}) and start again.`,
  );
  // The previous store was not disturbed: its write is still pending, and completes; nor its front's spool.
  expect(spool(dataDir)).toEqual({ [SPOOLED]: SPOOLED_BODY });
  expect(pendingWrites(dataDir)).toHaveLength(1);
  await finish(previous);
  expect(pendingWrites(dataDir)).toEqual([]);
}, 60_000);

async function finish(store: PausedStore): Promise<void> {
  store.child.kill('SIGUSR2');
  expect((await store.answered).statusCode).toBe(200);
  store.child.disconnect();
  expect(await store.exited).toBe(0);
}

it('a store whose front dies while it waits exits, without settling or serving', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-hold-'));
  dataDirs.push(dataDir);
  const previous = await pausedStore(dataDir, { bucket: BUCKET, region: REGION, key: KEY, body: BODY, step: 'before-commit' });
  const next = await forkStore(dataDir, { bucket: BUCKET, region: REGION });
  await next.said('waiting');
  next.child.disconnect();
  expect(await next.exited).toBe(0);
  expect(running(previous.child.pid)).toBe(true);
  expect(pendingWrites(dataDir)).toHaveLength(1);
  await finish(previous);
}, 60_000);

it('a start with a wait that is not a whole number of milliseconds fails, saying so', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-hold-'));
  dataDirs.push(dataDir);
  await expect(startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: () => undefined, previousStoreWaitMs: 1.5 })).rejects.toThrow(
    'The wait for the previous local S3 store (previousStoreWaitMs) must be a whole number of milliseconds, not 1.5.',
  );
}, 60_000);

describe('holdStoreDirectory', () => {
  it('tells the wait once and fails without a pid when the holder wrote none', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-hold-'));
    dataDirs.push(dataDir);
    // SQLite keeps its own connections' locks apart within a process, as across processes.
    await holdStoreDirectory(dataDir, { waitMs: 0, onWaiting: () => expect.fail('nothing held it') });
    expect(readFileSync(join(dataDir, 'store-lock.pid'), 'utf8')).toBe(String(process.pid));
    await rm(join(dataDir, 'store-lock.pid'));
    const lines: string[] = [];
    await expect(holdStoreDirectory(dataDir, { waitMs: 100, onWaiting: (line) => lines.push(line) })).rejects.toThrow(
      `The local S3 data directory ${dataDir} is still held by the previous local S3 store after 100 ms; stop that process and start again.`,
    );
    expect(lines).toEqual([`waiting for the previous local S3 store to finish with ${dataDir}`]);
  });
});
