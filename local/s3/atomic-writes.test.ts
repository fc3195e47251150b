/**
 * Object writes are atomic, as S3's are: through the real SDK against the running service, a GET
 * or HEAD during overwrites sees one whole object (its bytes, ETag and metadata from one write), a
 * write whose body breaks off leaves the object it would have replaced as it was, a delete's
 * directory clean-up never fails a write beside it, and a listing page of more objects than a
 * macOS process may open files at once (256) is served.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { type LocalS3Service, startLocalS3Service } from './start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };

let dataDir: string;
let service: LocalS3Service;
let s3: S3Client;
/** No retries: the SDK retries a 500, which would hide one. */
let s3Once: S3Client;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-atomic-'));
  service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: () => undefined });
  s3 = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
  // createS3Client's options (functions/shared/s3-client.ts), but for the retries.
  s3Once = new S3Client({ region: REGION, endpoint: service.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  s3.destroy();
  s3Once.destroy();
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
});

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
/** Version `n` of an object: its own size and bytes. */
const version = (n: number) => Buffer.alloc(256 * 1024 + n * 1024, `version ${n};`);
const objectsDir = () => join(dataDir, 'objects');
const temporaryFiles = async () => (await readdir(objectsDir(), { recursive: true })).filter((name) => name.endsWith('.tmp'));

it('serves every GET and HEAD during concurrent overwrites one whole object: its bytes, ETag and metadata from one write', async () => {
  const key = 'meta/atomic/overwritten.bin';
  const VERSIONS = 40;
  const bodies = Array.from({ length: VERSIONS }, (_, n) => version(n));
  const etags = bodies.map(md5);
  const put = (n: number) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bodies[n], Metadata: { version: String(n) } }));
  await put(0);

  let writing = true;
  let next = 1;
  const writers = Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < VERSIONS) await put(next++);
    }),
  ).finally(() => {
    writing = false;
  });
  const seen: number[] = [];
  const readers = Array.from({ length: 4 }, async (_, reader) => {
    do {
      if (reader % 2) {
        const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        const n = Number(head.Metadata?.version);
        expect({ etag: head.ETag, length: head.ContentLength }).toEqual({ etag: `"${etags[n]}"`, length: bodies[n]?.length });
        seen.push(n);
      } else {
        const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        const body = Buffer.from(await got.Body!.transformToByteArray());
        const n = Number(got.Metadata?.version);
        // Compared as digests: a mismatch then prints two short strings, not 300 kB.
        expect({ body: md5(body), etag: got.ETag }).toEqual({ body: etags[n], etag: `"${etags[n]}"` });
        seen.push(n);
      }
    } while (writing);
  });
  await Promise.all([writers, ...readers]);
  expect(seen.length).toBeGreaterThanOrEqual(4);
  const last = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const n = Number(last.Metadata?.version);
  expect(md5(Buffer.from(await last.Body!.transformToByteArray()))).toBe(etags[n]);
  expect(await temporaryFiles()).toEqual([]);
}, 120_000);

it('keeps the old object whole when a write over it breaks off mid-body, and leaves no temporary file', async () => {
  const key = 'meta/atomic/kept.bin';
  const old = version(1);
  const { ETag } = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: old, Metadata: { version: '1' } }));
  // The front checks a body whole before it forwards it, so a body breaks off at the store when the
  // front dies mid-forward: sent here as the front sends it, on the store's socket, and cut short.
  const forward = request({ socketPath: join(dataDir, 'store', 's3rver.sock'), method: 'PUT', path: `/${BUCKET}/${key}`, headers: { 'content-length': 600_000 } });
  forward.on('error', () => undefined);
  forward.write(Buffer.alloc(300_000, 'new'));
  // The store is writing the new version beside the old one...
  await expect.poll(() => temporaryFiles()).not.toEqual([]);
  forward.destroy();
  // ...and removes what it wrote once the body breaks off.
  await expect.poll(() => temporaryFiles()).toEqual([]);
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(old));
  expect({ etag: got.ETag, version: got.Metadata?.version }).toEqual({ etag: ETag, version: '1' });
}, 60_000);

it('never answers 500 to a write whose directory a delete of its sibling is removing', async () => {
  const failures: unknown[] = [];
  for (let round = 0; round < 150; round += 1) {
    const directory = `meta/race/${round % 3}`;
    await s3Once.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${directory}/deleted`, Body: 'x' }));
    // The delete empties the directory and removes it while the write beside it makes it again.
    const outcomes = await Promise.allSettled([
      s3Once.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${directory}/deleted` })),
      s3Once.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${directory}/written`, Body: 'y' })),
    ]);
    for (const outcome of outcomes) if (outcome.status === 'rejected') failures.push(outcome.reason as unknown);
    await s3Once.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${directory}/written` }));
  }
  expect(failures).toEqual([]);
}, 120_000);

const storePid = () =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .find((pid) => {
      try {
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return commandLine.includes('store-process.ts') && commandLine.includes(dataDir);
      } catch {
        return false;
      }
    });
const hasPrlimit = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return process.platform === 'linux';
  } catch {
    return false;
  }
})();

// macOS lets a process open 256 files by default; the store is held to that here (Linux's prlimit).
it.skipIf(!hasPrlimit)('lists a page of 1,000 objects in a store that may open only 256 files at once', async () => {
  const OBJECTS = 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < OBJECTS) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `meta/many/${String(next++).padStart(4, '0')}.json`, Body: '{}' }));
    }),
  );
  const pid = storePid();
  expect(pid).toBeDefined();
  execFileSync('prlimit', [`--pid=${pid}`, '--nofile=256:256']);
  const listed = await s3Once.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'meta/many/' }));
  expect(listed.KeyCount).toBe(OBJECTS);
  expect(listed.Contents?.every((object) => object.ETag === `"${md5(Buffer.from('{}'))}"`)).toBe(true);
}, 120_000);
