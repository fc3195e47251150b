/**
 * Makes s3rver's file system store keep every S3 key (store-keys.ts): each object's files are
 * placed by `storedNames`, and listing and the removal of emptied directories follow the same
 * names. s3rver builds every object path with `getResourcePath` from the true key, so that one
 * method places objects, metadata, copies, multipart completions and subresources; only
 * `deleteObject`'s directory clean-up and `listObjects` read the key as a path themselves.
 * POSIX file systems only (s3rver's Windows escaping is not applied; the store's Unix socket needs
 * POSIX too).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createCipheriv, randomBytes } from 'node:crypto';
import { readdir, rmdir, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { characterReferences } from './s3-error.ts';
import { storedNames } from './store-keys.ts';
import { type ListOptions, type ListPage, listPage, type ReadStoreDirectory, type StoreEntry } from './store-listing.ts';

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
// s3rver's error, which its error handler answers with its code's status.
const S3rverError = require('s3rver/lib/models/error') as new (code: string, message: string, detail?: Record<string, string>) => Error;

const OBJECT_SUFFIX = '._S3rver_object';
/**
 * Metadata reads a listing page runs at once. Each opens two files (s3rver's getMetadata), and a
 * page holds up to 1,000 objects: all at once they would take most of macOS's default limit of
 * 256 open files, and fail other requests' opens with EMFILE meanwhile.
 */
export const LISTING_METADATA_READS = 16;

export function applyKeyLayout(store: FilesystemStore): void {
  const bucketPath = (bucket: string) => join(store.rootDirectory, bucket);

  store.getResourcePath = (bucket, key = '', resource) => {
    const names = storedNames(key);
    const base = names.pop() ?? '';
    return join(bucketPath(bucket), ...names, `${base}._S3rver_${resource}`);
  };

  // The directories the key's path made are named as the key layout stores them.
  applyObjectDeletes(store, (key) => storedNames(key).slice(0, -1));

  store.listObjects = async (bucket, options) => {
    const page = await listPage(storeDirectoryReader(bucketPath(bucket)), options);
    const limit = pLimit(LISTING_METADATA_READS);
    const objects = await Promise.all(
      page.keys.map(async (key) => {
        const metadata = await limit(() => store.getMetadata(bucket, key)).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        return metadata && new S3Object(bucket, key, null, metadata);
      }),
    );
    const answer = listingAnswers.getStore();
    if (answer) answer.page = page;
    // s3rver's controller would name the next page by the last object (and fail on a page of
    // common prefixes only); it is told the page is whole, and correctListingAnswers says the rest.
    return { objects: objects.filter((object) => object !== null), commonPrefixes: page.commonPrefixes, isTruncated: answer ? false : page.isTruncated };
  };
}

/**
 * Deletes an object's files, then the directories its key made (`directoriesOf`, outermost first),
 * innermost first while they are empty, as s3rver does. s3rver's own clean-up read a directory
 * (readdirSync) and then removed it, so a write landing between the two failed the DELETE with
 * ENOTEMPTY, and a concurrent delete that removed it first failed the read with ENOENT; rmdir alone
 * removes only an empty directory, and one that holds anything or is gone ends the climb.
 */
export function applyObjectDeletes(store: Pick<FilesystemStore, 'rootDirectory' | 'getResourcePath' | 'deleteObject'>, directoriesOf: (key: string) => string[]): void {
  store.deleteObject = async (bucket, key) => {
    for (const resource of ['object', 'object.md5', 'metadata.json']) {
      await unlink(store.getResourcePath(bucket, key, resource)).catch(ignoreMissing);
    }
    const directories = directoriesOf(key);
    for (let depth = directories.length; depth > 0; depth -= 1) {
      const directory = join(store.rootDirectory, bucket, ...directories.slice(0, depth));
      const removed = await rmdir(directory).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'ENOTEMPTY' || error.code === 'EEXIST') return false;
          throw error;
        },
      );
      if (!removed) break;
    }
  };
}

/** The listing's view of the bucket's directories (store-listing.ts): subdirectories, and objects by their base name. */
function storeDirectoryReader(bucketDirectory: string): ReadStoreDirectory {
  return async (names) => {
    const entries = await readdir(join(bucketDirectory, ...names), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries.flatMap((entry): StoreEntry[] => {
      if (entry.isDirectory()) return [{ name: entry.name, kind: 'directory' }];
      return entry.name.endsWith(OBJECT_SUFFIX) ? [{ name: entry.name.slice(0, -OBJECT_SUFFIX.length), kind: 'object' }] : [];
    });
  };
}

/** The page a ListObjects(V2) request listed, for its answer. */
const listingAnswers = new AsyncLocalStorage<{ page?: ListPage }>();

/** The parts of s3rver's bucket controller (lib/controllers/bucket.js) and of its Koa context this corrects. */
export interface BucketController {
  getBucket(ctx: ListingContext): Promise<void>;
}
interface ListingContext {
  params: { bucket: string };
  query: Record<string, string | string[] | undefined>;
  body?: { ListBucketResult?: Record<string, unknown> };
}

/**
 * ListObjects(V2) answers as S3 gives them (store-listing.ts): s3rver's controller validates the
 * request and writes the answer; its truncation, KeyCount (objects and common prefixes, as S3 and
 * moto count them), NextContinuationToken and NextMarker (the last entry, object or common prefix)
 * come from the page. `encoding-type=url` (which s3rver ignored) encodes the keys and key-like
 * elements, and any other encoding type is refused, as S3 does.
 */
export function correctListingAnswers(controller: BucketController): void {
  const getBucket = controller.getBucket.bind(controller);
  controller.getBucket = async (ctx) => {
    const encodingType = ctx.query['encoding-type'];
    if (encodingType !== undefined && encodingType !== 'url') {
      throw new S3rverError('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: String(encodingType) });
    }
    const answer: { page?: ListPage } = {};
    await listingAnswers.run(answer, () => getBucket(ctx));
    const result = ctx.body?.ListBucketResult;
    const { page } = answer;
    if (!page || !result) return;
    const next = page.isTruncated ? page.lastEntry : undefined;
    result.IsTruncated = page.isTruncated;
    if (ctx.query['list-type'] === '2') {
      result.KeyCount = (result.Contents as unknown[]).length + page.commonPrefixes.length;
      result.NextContinuationToken = next === undefined ? undefined : continuationToken(ctx.params.bucket, next);
    } else {
      result.NextMarker = ctx.query.delimiter ? next : undefined;
    }
    if (encodingType === 'url') urlEncodeListing(result);
  };
}

/**
 * The elements S3 encodes for `encoding-type=url` (ListObjectsV2 and ListObjects references:
 * Delimiter, Prefix, Key, StartAfter, Marker, NextMarker), encoded as S3 encodes them: UTF-8
 * percent-encoding of all but unreserved characters and `/` ("test_file(3).png will appear as
 * test_file%283%29.png", EncodingType reference; `quux ab/` lists as `quux%20ab/` in ceph's
 * s3-tests, test_bucket_list_encoding_basic, which hold against AWS).
 */
function urlEncodeListing(result: Record<string, unknown>): void {
  for (const name of ['Delimiter', 'Prefix', 'StartAfter', 'Marker', 'NextMarker']) {
    if (typeof result[name] === 'string') result[name] = urlEncodeKey(result[name]);
  }
  for (const object of result.Contents as Array<{ Key: string }>) object.Key = urlEncodeKey(object.Key);
  for (const common of result.CommonPrefixes as Array<{ Prefix: string }>) common.Prefix = urlEncodeKey(common.Prefix);
  result.EncodingType = 'url';
}

function urlEncodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/**
 * s3rver's XML answers (its XML writer escapes text with `he.escape`) with the characters XML 1.0
 * cannot carry, which S3 keys may hold, written as character references as S3 writes them
 * (s3-error.ts), rather than as they are.
 */
export function writeCharacterReferences(he: { escape(text: string): string }): void {
  const escape = he.escape.bind(he);
  he.escape = (text) => characterReferences(escape(text));
}

/** s3rver's continuation token (generateContinuationToken in lib/controllers/bucket.js, not exported), which its controller reads back. */
function continuationToken(bucket: string, startAfter: string): string {
  const iv = randomBytes(8);
  // s3rver's own: an IV whose first byte lies in [212, 216), DES keyed with "S3RVER".
  iv[0] = ((iv[0] ?? 0) & 0b11) | 0b11010100;
  const cipher = createCipheriv('des', Buffer.alloc(8, 'S3RVER', 'utf8'), iv);
  return Buffer.concat([iv, cipher.update(`us-east-1/${bucket}/${startAfter}`, 'utf8'), cipher.final()]).toString('base64');
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
