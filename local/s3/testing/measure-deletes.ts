/**
 * Measures DeleteObject through the SDK against the local S3: 1,000 objects of 1 KB under
 * `uploads/bench/` (each removal notified: its event recorded in the outbox and delivered), deleted
 * 4 in flight, best of 3 runs (the machine this runs on is shared); the objects are written before
 * each run, untimed. Run once by hand, not a test (figures in local/s3/README.md):
 * `node --import tsx local/s3/testing/measure-deletes.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { createS3Client } from '../../../functions/shared/s3-client.ts';
import { startLocalS3Service } from '../start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const DELETES = 1000;
const IN_FLIGHT = 4;

const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-measure-deletes-'));
const service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: () => undefined });
const s3 = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
const limit = pLimit(IN_FLIGHT);
const keys = Array.from({ length: DELETES }, (_, n) => `uploads/bench/${n}.jpg`);
try {
  const runs: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    await Promise.all(keys.map((key) => limit(() => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.alloc(1024, 'x') })))));
    const started = performance.now();
    await Promise.all(keys.map((key) => limit(() => s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })))));
    runs.push(performance.now() - started);
  }
  const best = Math.min(...runs);
  console.log(`${DELETES} DeleteObjects, ${IN_FLIGHT} in flight, best of 3: ${best.toFixed(0)} ms (${(best / DELETES).toFixed(2)} ms a delete; runs ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms)`);
} finally {
  s3.destroy();
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
}
