/**
 * Makes s3rver's file system store keep every S3 key (store-keys.ts): each object's files are
 * placed by `storedNames`, and listing and the removal of emptied directories follow the same
 * names. s3rver builds every object path with `getResourcePath` from the true key, so that one
 * method places objects, metadata, copies, multipart completions and subresources; only
 * `deleteObject`'s directory clean-up and `listObjects` read the key as a path themselves.
 * POSIX file systems only (s3rver's Windows escaping is not applied; the store's Unix socket needs
 * POSIX too).
 */
import { readdir, rmdir, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { keyOfStoredNames, keyPrefixOfDirectory, listKeys, type ListOptions, storedNames } from './store-keys.ts';

/** The parts of s3rver's FilesystemStore (lib/stores/filesystem.js) this adapts. */
export interface FilesystemStore {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
  deleteObject(bucket: string, key: string): Promise<void>;
  listObjects(bucket: string, options: ListOptions): Promise<{ objects: unknown[]; commonPrefixes: string[]; isTruncated: boolean }>;
}

const require = createRequire(import.meta.url);
// s3rver's object model, what its bucket controller expects of a listing.
const S3Object = require('s3rver/lib/models/object') as new (bucket: string, key: string, content: null, metadata: Record<string, unknown>) => unknown;

const OBJECT_SUFFIX = '._S3rver_object';

export function applyKeyLayout(store: FilesystemStore): void {
  const bucketPath = (bucket: string) => join(store.rootDirectory, bucket);

  store.getResourcePath = (bucket, key = '', resource) => {
    const names = storedNames(key);
    const base = names.pop() ?? '';
    return join(bucketPath(bucket), ...names, `${base}._S3rver_${resource}`);
  };

  store.deleteObject = async (bucket, key) => {
    for (const resource of ['object', 'object.md5', 'metadata.json']) {
      await unlink(store.getResourcePath(bucket, key, resource)).catch(ignoreMissing);
    }
    // The directories the key's path made, innermost first, while they are empty (as s3rver does).
    const directories = storedNames(key).slice(0, -1);
    for (let depth = directories.length; depth > 0; depth -= 1) {
      const directory = join(bucketPath(bucket), ...directories.slice(0, depth));
      const entries = await readdir(directory).catch(() => null);
      if (entries === null || entries.length > 0) break;
      // A write may have just put a file there (as with s3rver's own clean-up): then it stays.
      await rmdir(directory).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT' && error.code !== 'ENOTEMPTY') throw error;
      });
    }
  };

  store.listObjects = async (bucket, options) => {
    const keys = await storedKeys(bucketPath(bucket), [], options.prefix ?? '');
    const page = listKeys(keys, options);
    const objects = await Promise.all(
      page.keys.map(async (key) => {
        const metadata = await store.getMetadata(bucket, key).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        return metadata && new S3Object(bucket, key, null, metadata);
      }),
    );
    return { objects: objects.filter((object) => object !== null), commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated };
  };
}

/** The true keys of the objects below `directory` (the store names `names`), skipping directories outside `prefix`. */
async function storedKeys(directory: string, names: readonly string[], prefix: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const keys: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) {
      const below = [...names, entry.name];
      const start = keyPrefixOfDirectory(below);
      if (start.startsWith(prefix) || prefix.startsWith(start)) keys.push(...(await storedKeys(join(directory, entry.name), below, prefix)));
    } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
      const key = keyOfStoredNames([...names, entry.name.slice(0, -OBJECT_SUFFIX.length)]);
      if (key !== null) keys.push(key);
    }
  }
  return keys;
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
