import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { applyKeyLayout, LISTING_METADATA_READS } from './store-layout.ts';
import { applyAtomicWrites } from './store-writes.ts';
import { S3Object, s3rverStore } from './testing/s3rver-store.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'imagegraph-store-layout-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

// macOS lets a process open 256 files by default, and each metadata read opens two.
it('reads a listing page’s metadata a bounded number at a time', async () => {
  const store = await s3rverStore(directory);
  applyKeyLayout(store);
  applyAtomicWrites(store);
  const OBJECTS = 300;
  for (let n = 0; n < OBJECTS; n += 1) await store.putObject(new S3Object('b', `meta/${String(n).padStart(3, '0')}.json`, Buffer.from('{}'), {}));

  let reading = 0;
  let mostAtOnce = 0;
  const getMetadata = store.getMetadata.bind(store);
  store.getMetadata = async (bucket, key) => {
    reading += 1;
    mostAtOnce = Math.max(mostAtOnce, reading);
    try {
      return await getMetadata(bucket, key);
    } finally {
      reading -= 1;
    }
  };
  const listed = await store.listObjects('b', { prefix: 'meta/', maxKeys: 1000 });
  expect(listed.objects).toHaveLength(OBJECTS);
  expect(mostAtOnce).toBe(LISTING_METADATA_READS);
});
