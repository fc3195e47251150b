/**
 * Measures full paging (ListObjectsV2, 1,000 per page, through the SDK) of a prefix of 20,000
 * objects, `meta/{owner}/{id}.json` under 20 owners and under 1, against the local S3. Run once by
 * hand, not a test (figures in local/s3/README.md): `node local/s3/testing/measure-listing.ts`.
 * The objects are written straight into the store in s3rver's layout (uploading 20,000 through
 * the front would take minutes and measure nothing of the listing).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { createS3Client } from '../../../functions/shared/s3-client.ts';
import { startLocalS3Service } from '../start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const OBJECTS = 20_000;

async function measure(owners: number): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-measure-listing-'));
  const bucketDir = join(dataDir, 'objects', BUCKET);
  const body = '{"labels":[]}';
  const md5 = createHash('md5').update(body).digest('hex');
  for (let owner = 0; owner < owners; owner += 1) {
    const ownerDir = join(bucketDir, 'meta', `owner-${String(owner).padStart(2, '0')}`);
    await mkdir(ownerDir, { recursive: true });
    for (let index = 0; index < OBJECTS / owners; index += 1) {
      const base = join(ownerDir, `${createHash('sha1').update(`${owner}/${index}`).digest('hex')}.json`);
      await writeFile(`${base}._S3rver_object`, body);
      await writeFile(`${base}._S3rver_object.md5`, md5);
      await writeFile(`${base}._S3rver_metadata.json`, JSON.stringify({ 'content-type': 'application/json' }));
    }
  }
  const service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: () => undefined });
  const s3 = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
  try {
    // The best of three pagings: the machine this ran on was shared, and only the listing's own cost is wanted.
    const runs: { total: number; pages: number[]; listed: number }[] = [];
    for (let run = 0; run < 3; run += 1) {
      const pages: number[] = [];
      let listed = 0;
      const started = performance.now();
      let pageStarted = started;
      for await (const page of paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: BUCKET, Prefix: 'meta/' })) {
        listed += page.Contents?.length ?? 0;
        const now = performance.now();
        pages.push(now - pageStarted);
        pageStarted = now;
      }
      runs.push({ total: performance.now() - started, pages, listed });
    }
    const { total, pages, listed } = runs.reduce((best, run) => (run.total < best.total ? run : best));
    const ms = (value: number) => `${Math.round(value)} ms`;
    const sorted = [...pages].sort((a, b) => a - b);
    console.log(
      `${owners} owner(s): ${listed} objects in ${pages.length} pages, best of 3 total ${ms(total)} (runs: ${runs.map((run) => ms(run.total)).join(', ')}); ` +
        `per page median ${ms(sorted[Math.floor(sorted.length / 2)] ?? 0)}, first ${ms(pages[0] ?? 0)}, last ${ms(pages.at(-1) ?? 0)}, max ${ms(sorted.at(-1) ?? 0)}`,
    );
  } finally {
    s3.destroy();
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await measure(20);
await measure(1);
