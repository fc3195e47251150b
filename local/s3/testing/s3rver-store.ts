/**
 * s3rver's own file system store and object model (the store store-process.ts runs), for unit tests
 * of the corrections applied to it (store-layout.ts, store-writes.ts, the tests' plain-store.ts).
 */
import { createRequire } from 'node:module';
import type { FilesystemStore } from '../store-layout.ts';
import type { StoredObject, WritingStore } from '../store-writes.ts';

const require = createRequire(import.meta.url);
const FilesystemStoreClass = require('s3rver/lib/stores/filesystem') as new (directory: string) => S3rverStore;
export const S3Object = require('s3rver/lib/models/object') as new (bucket: string, key: string, content: StoredObject['content'], metadata: Record<string, unknown>) => StoredObject;

export type S3rverStore = FilesystemStore & WritingStore & { putBucket(bucket: string): Promise<void> };

/** A store in `directory` holding the bucket `b`, not yet corrected. */
export async function s3rverStore(directory: string): Promise<S3rverStore> {
  const store = new FilesystemStoreClass(directory);
  await store.putBucket('b');
  return store;
}
