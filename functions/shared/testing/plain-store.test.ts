import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { S3Object, type S3rverStore, s3rverStore } from '../../../local/s3/testing/s3rver-store.ts';
import { correctPlainStore } from './plain-store.ts';

let directory: string;
// The store s3rver-process.ts runs.
let store: S3rverStore;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'imagegraph-plain-store-'));
  store = await s3rverStore(directory);
  correctPlainStore(store);
  await store.putObject(new S3Object('b', 'uploads/user/image', Buffer.from('bytes'), {}));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const stored = (...names: string[]) => existsSync(join(directory, 'b', ...names));

it('removes the object and the directories its key emptied, not the bucket', async () => {
  await store.deleteObject('b', 'uploads/user/image');
  expect([stored('uploads'), stored()]).toEqual([false, true]);
});

// A delete beside it removed the directories first: s3rver's readdirSync failed this DELETE with ENOENT.
it('succeeds when a concurrent delete removed the directories first', async () => {
  await rm(join(directory, 'b', 'uploads'), { recursive: true });
  await expect(store.deleteObject('b', 'uploads/user/image')).resolves.toBeUndefined();
  expect(stored()).toBe(true);
});

// A write landing in the directory once it is empty: s3rver's rmdir after its readdirSync failed with ENOTEMPTY.
it('keeps a directory a write landed in after the object went, and succeeds', async () => {
  const getResourcePath = store.getResourcePath.bind(store);
  store.getResourcePath = (bucket, key, resource) => {
    const file = getResourcePath(bucket, key, resource);
    // The object's last file is about to go: the neighbour arrives before the clean-up runs.
    if (key === 'uploads/user/image' && resource === 'metadata.json') writeFileSync(join(directory, 'b', 'uploads', 'user', 'neighbour._S3rver_object'), 'x');
    return file;
  };
  await store.deleteObject('b', 'uploads/user/image');
  expect([stored('uploads', 'user', 'image._S3rver_object'), stored('uploads', 'user', 'neighbour._S3rver_object')]).toEqual([false, true]);
});
