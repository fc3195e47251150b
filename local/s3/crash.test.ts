/**
 * `kill -9` of the local S3 service (front and outbox drain; its store child sees the front go)
 * during a burst of writes: after a restart, every object stored, acknowledged or not, has its
 * event delivered, and no event is missing for an acknowledged write.
 */
import { fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, expect, it, vi } from 'vitest';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { startLocalS3Service } from './start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const WRITERS = 8;
const KILL_AFTER = 30;
const BODY = Buffer.alloc(300_000, 7);

let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('after kill -9 mid-burst and a restart, every stored object has its event, every acknowledged one included', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-crash-'));
  const endpointFile = join(dataDir, 'endpoint');
  const serviceDir = join(dataDir, 's3');
  const served = fork(new URL('./testing/serve.ts', import.meta.url).pathname, [serviceDir, endpointFile, CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey], {
    execArgv: ['--import', 'tsx'],
  });
  const exited = new Promise((resolve) => served.once('exit', resolve));
  await vi.waitFor(() => expect(existsSync(endpointFile)).toBe(true), { timeout: 30_000 });
  const writer = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: readFileSync(endpointFile, 'utf8') }, CREDENTIALS);

  const acknowledged: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (;;) {
        const key = `uploads/u/burst/${next++}.jpg`;
        try {
          await writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: BODY }));
        } catch {
          return;
        }
        acknowledged.push(key);
        if (acknowledged.length === KILL_AFTER) served.kill('SIGKILL');
      }
    }),
  );
  writer.destroy();
  await exited;
  expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);

  // The store child finishes what it was writing and exits once the front is gone.
  await vi.waitFor(() => expect(storeProcessesOf(serviceDir)).toEqual([]), { timeout: 30_000 });
  const delivered: S3EventRecord[] = [];
  const restarted = await startLocalS3Service({ dataDir: serviceDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: (event) => void delivered.push(event) });
  const reader = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: restarted.endpoint }, CREDENTIALS);
  try {
    const listed = (await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/' }))).Contents ?? [];
    const stored = listed.map((object) => object.Key ?? '');
    // Nothing half-written survives: S3 stores a body whole or not at all.
    expect(listed.every((object) => object.Size === BODY.length)).toBe(true);
    expect(stored).toEqual(expect.arrayContaining(acknowledged));
    await vi.waitFor(() => expect(new Set(delivered.map((event) => event.s3.object.key))).toEqual(new Set(stored)));
  } finally {
    reader.destroy();
    await restarted.close();
  }
}, 60_000);

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
