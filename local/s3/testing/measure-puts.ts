/**
 * Measures small PUTs through the SDK against the local S3: 1,000 objects of 10 KB, 4 in flight,
 * best of 3 runs (the machine this runs on is shared). Run once by hand, not a test (figures in
 * local/s3/README.md): `node --import tsx local/s3/testing/measure-puts.ts [key prefix] [checksum]`.
 * The keys are under `meta/bench/` by default, which notifies nothing; under `uploads/` each PUT's
 * event is recorded in the outbox and delivered too. `checksum` is `WHEN_REQUIRED` (the project's
 * client, no checksum on PutObject: the default) or `WHEN_SUPPORTED` (the SDK's default: a CRC32
 * header on each PUT, which the service checks).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../../functions/shared/s3-client.ts';
import { startLocalS3Service } from '../start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const PUTS = 1000;
const IN_FLIGHT = 4;
const BODY = Buffer.alloc(10 * 1024, 'x');
const KEY_PREFIX = process.argv[2] ?? 'meta/bench/';
const CHECKSUM = process.argv[3] === 'WHEN_SUPPORTED' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';

const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-measure-puts-'));
const service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: () => undefined });
const s3 =
  CHECKSUM === 'WHEN_REQUIRED'
    ? createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS)
    : new S3Client({ region: REGION, endpoint: service.endpoint, forcePathStyle: true, credentials: CREDENTIALS, requestChecksumCalculation: CHECKSUM });
try {
  const runs: { total: number; latencies: number[] }[] = [];
  for (let run = 0; run < 3; run += 1) {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < PUTS) {
          // Half new keys, half overwrites of a key written before (run 0 writes them first).
          const key = `${KEY_PREFIX}${next % 500}-${run === 0 ? 'a' : 'b'}${next < 500 ? '' : '-2'}.json`;
          next += 1;
          const sent = performance.now();
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: BODY }));
          latencies.push(performance.now() - sent);
        }
      }),
    );
    runs.push({ total: performance.now() - started, latencies });
  }
  const { total, latencies } = runs.reduce((best, run) => (run.total < best.total ? run : best));
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(
    `${PUTS} PUTs of 10 KB (${CHECKSUM}), ${IN_FLIGHT} in flight, best of 3: ${ms(total)} (${Math.round((PUTS / total) * 1000)} PUT/s; runs ${runs.map((run) => ms(run.total)).join(', ')}); ` +
      `latency median ${ms(sorted[Math.floor(sorted.length / 2)] ?? 0)}, p95 ${ms(sorted[Math.floor(sorted.length * 0.95)] ?? 0)}`,
  );
} finally {
  s3.destroy();
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
}
