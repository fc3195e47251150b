/**
 * Makes s3rver's file system store write objects as S3 does: a write is answered only once its
 * bytes are written (read-after-write), a GET or HEAD sees the old object or the new one and never
 * a mix, and a write that fails leaves the old object as it was (S3 user guide, "Amazon S3 data
 * consistency model": "Updates to a single key are atomic").
 *
 * s3rver (3.7.1, lib/stores/filesystem.js) keeps an object as three files (`<key>._S3rver_object`,
 * its `.md5` ETag, and `._S3rver_metadata.json`) written in place one after another: a GET could
 * read new bytes with the old ETag or metadata, or an emptied ETag file, a failed write left the
 * old object truncated, and s3rver answered before the bytes were on disk.
 *
 * Design, the simplest that is atomic for a reader: each write puts its three files beside their
 * final names (temporary names in the same directory, so renames stay on one file system) and then
 * renames them into place while it holds its key exclusively; every read of an object's files
 * (GET, HEAD, a listing's metadata, a copy's source) holds the key shared while it reads the
 * metadata and opens the bytes, and then streams from the open file, which a later rename does
 * not change. Renaming three files is not one atomic step, but no reader runs between them. The
 * locks are in the store process, which alone reads these files, and a commit holds its lock for
 * three renames, never for a body: readers do not wait for uploads.
 *
 * The bytes are renamed first: that rename commits the write. A write cut short (a failure, or a
 * crash of the store) is settled by one rule, when it fails and for a crash at the next start: while
 * its bytes' temporary file exists the write never committed and its temporary files are removed
 * (that one last); once it is gone the other two are renamed into place.
 *
 * The write's event follows the same rule (WriteEvents): it is recorded, durably, under the key's
 * lock just before the bytes' rename, naming the bytes' temporary file, and marked ready after the
 * renames; a write cut short before its commit forgets it before removing that file, and at start
 * a recorded event is kept or dropped as its write is completed or undone (`changeCommitted`).
 * A delete's event is recorded the same way before the object's files are removed, naming its
 * bytes file: at start it is kept if that file is gone, dropped if it is still there.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, lstat, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KeyLocks } from './key-locks.ts';

/** s3rver's S3Object, as its controllers hand it to the store. */
export interface StoredObject {
  bucket: string;
  key: string;
  content: Readable | Buffer;
  metadata: Record<string, unknown>;
}

/** The parts of s3rver's FilesystemStore this replaces or uses. */
export interface WritingStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoredObject | null>;
  putObject(object: StoredObject): Promise<Written>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata: Record<string, unknown> | null): Promise<Record<string, unknown>>;
  deleteObject(bucket: string, key: string): Promise<void>;
  putPart(bucket: string, uploadId: string, partNumber: number | string, content: Readable): Promise<Written>;
}

/** A write about to commit: what its event reports, and its bytes' temporary file, which names it until it commits. */
export interface CommittingWrite {
  bucket: string;
  key: string;
  /** A copy (CopyObject) or any other write (PUT, POST upload, multipart completion). */
  operation: 'put' | 'copy';
  size: number;
  md5: string;
  temporaryBytes: string;
}

/** A delete about to remove an object: its key, and its bytes' file, whose removal commits the delete. */
export interface RemovingObject {
  bucket: string;
  key: string;
  bytes: string;
}

/** Where the store's writes and deletes record their events (the outbox, store-process.ts). */
export interface WriteEvents {
  /** Under the key's lock, just before the commit; durable when it returns. Undefined: no event for this write. */
  record(write: CommittingWrite): number | undefined;
  /** Under the key's lock, just before the object's files are removed; durable when it returns. Undefined: no event for this delete. */
  recordRemoval(removal: RemovingObject): number | undefined;
  /** The write or delete committed (the bytes are in place, or gone): deliver its event. */
  ready(id: number): void;
  /** The write or delete did not commit: drop its event (durably; for a write, before its bytes' temporary file goes). */
  forget(id: number): void;
}

export interface Written {
  size: number;
  /** Hex MD5 of the bytes: s3rver's ETag. */
  md5: string;
}

const require = createRequire(import.meta.url);
const S3Object = require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] };
const S3rverError = require('s3rver/lib/models/error') as new (code: string, message: string, detail: Record<string, string>) => Error;

/** An object's files by role, as s3rver names them (the resource of `getResourcePath`). */
const RESOURCES = { bytes: 'object', etag: 'object.md5', metadata: 'metadata.json' } as const;
type Role = keyof typeof RESOURCES;
type ObjectFiles = Record<Role, string>;
/**
 * A temporary file is `<base>._S3rver_<generation>.<letter>.tmp`: no key's file ends in `.tmp`
 * (they end in `._S3rver_<resource>`), so listings and reads never see one. It is no longer than
 * `._S3rver_metadata.json`, the suffix store-keys.ts leaves room for after a 233-byte name, so a
 * generation has at most 7 characters (a counter in base 36: 78 billion writes per start).
 */
const LETTERS: Record<Role, string> = { bytes: 'o', etag: 'e', metadata: 'm' };
const TEMPORARY = /^(.*\._S3rver_)([0-9a-z]{1,7})\.([oem])\.tmp$/;

let generations = 0;
const nextGeneration = () => (generations++).toString(36);

/**
 * Makes `store`'s writes atomic, each recording its event in `events` (a store without
 * notifications, as the functions' tests use, passes none).
 */
export function applyAtomicWrites(store: WritingStore, events?: WriteEvents): void {
  const locks = new KeyLocks();
  const files = (bucket: string, key: string): ObjectFiles => mapRoles((role) => store.getResourcePath(bucket, key, RESOURCES[role]));
  // A key's lock is named by its bytes' path (computed alone: reads need no other path).
  const lockOf = (bucket: string, key: string) => store.getResourcePath(bucket, key, RESOURCES.bytes);

  // s3rver's reads, by path. Its getObject reads the metadata through `this.getMetadata`: it runs
  // with s3rver's own here, as it already holds the key (the locks are not re-entrant).
  const readMetadata = store.getMetadata.bind(store);
  const readObject = store.getObject.bind(Object.create(store, { getMetadata: { value: readMetadata } }) as WritingStore);
  store.getMetadata = (bucket, key) => locks.shared([lockOf(bucket, key)], () => readMetadata(bucket, key));
  // It opens the bytes before the lock is released, and the answer streams from that open file.
  store.getObject = (bucket, key, options) => locks.shared([lockOf(bucket, key)], () => readObject(bucket, key, options));

  const write = async (operation: CommittingWrite['operation'], bucket: string, key: string, content: Readable | Buffer, metadata: Record<string, unknown>): Promise<Written> => {
    const finals = files(bucket, key);
    const generation = nextGeneration();
    const temps = mapRoles((role) => store.getResourcePath(bucket, key, `${generation}.${LETTERS[role]}.tmp`));
    let event: number | undefined;
    let committed = false;
    try {
      const written = await writeHashed(temps.bytes, content);
      await Promise.all([writeFile(temps.etag, written.md5), writeFile(temps.metadata, storedMetadata(metadata))]);
      await locks.exclusive(finals.bytes, async () => {
        event = events?.record({ bucket, key, operation, ...written, temporaryBytes: temps.bytes });
        await rename(temps.bytes, finals.bytes);
        committed = true;
        await Promise.all([rename(temps.etag, finals.etag), rename(temps.metadata, finals.metadata)]);
        if (event !== undefined) events?.ready(event);
      });
      return written;
    } catch (error) {
      await locks.exclusive(finals.bytes, async () => {
        // Known here, where the file rule could be misled by another process's clean-up. Not
        // committed: forgotten before its temporary bytes go (a failed forget leaves them, so the
        // next start drops the entry). Committed: its files completed whether or not the mark
        // (which failed once if it threw above) goes through now.
        if (event !== undefined && !committed) events?.forget(event);
        try {
          await settleWrite(temps, finals);
        } finally {
          if (event !== undefined && committed) events?.ready(event);
        }
      });
      throw error;
    }
  };

  store.putObject = (object) => write('put', object.bucket, object.key, object.content, object.metadata);

  // The source is read as a GET reads it: its metadata and its open bytes, from one write.
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const source = await store.getObject(srcBucket, srcKey);
    // Deleted since s3rver's controller found it.
    if (!source) throw new S3rverError('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
    const written = await write('copy', destBucket, destKey, source.content, replacementMetadata ?? source.metadata);
    // A DELETE of the copy may run right after it (S3 orders the two either way): its answer's
    // ETag and date (what s3rver's controller reads) are still this copy's, not a 500.
    const metadata = await store.getMetadata(destBucket, destKey).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      return { ...(replacementMetadata ?? source.metadata), 'last-modified': new Date().toUTCString() };
    });
    // The answer is about this copy, even if another write has replaced it since.
    return { ...metadata, etag: JSON.stringify(written.md5), 'content-length': written.size };
  };

  // A delete's event follows the write's rule with the object's bytes file in place of the
  // temporary one: recorded before that file is removed, the delete committed once it is gone.
  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) => {
    const bytes = lockOf(bucket, key);
    return locks.exclusive(bytes, async () => {
      // s3rver's controller found the object before this lock: a delete beside it may have removed
      // it since, and removed it with its one event.
      if (!(await isFile(bytes))) return;
      const event = events?.recordRemoval({ bucket, key, bytes });
      try {
        await deleteObject(bucket, key);
      } catch (error) {
        // The clean-up of its directories (or of its ETag and metadata files) may fail once the
        // bytes are gone: the object is removed then, and so notified.
        if (event !== undefined) {
          if (await changeCommitted(bytes)) events?.ready(event);
          else events?.forget(event);
        }
        throw error;
      }
      if (event !== undefined) events?.ready(event);
    });
  };

  // A part is read back when the upload is completed; a failed re-upload of a part keeps the old one.
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const temp = `${partPath}.${nextGeneration()}.tmp`;
    try {
      const written = await writeHashed(temp, content);
      await rename(temp, partPath);
      await writeFile(`${partPath}.md5`, written.md5);
      return written;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  };
}

/** What s3rver's putMetadata stores of an object's metadata (lib/stores/filesystem.js). */
function storedMetadata(metadata: Record<string, unknown>): string {
  const stored = Object.fromEntries(Object.entries(metadata).filter(([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')));
  return JSON.stringify(stored, null, 2);
}

/**
 * Ends a write that stopped short (failed, or cut by a crash): undone while its bytes' temporary
 * file exists (that one removed last, so a crash meanwhile is settled the same way), else completed
 * (or it never made one: then there is nothing to rename either). Only files are a write's: a key's
 * path may make a directory of a temporary file's name (`k._S3rver_5.e.tmp/y`), which then failed
 * the write that drew that name, and is left as it is.
 */
async function settleWrite(temps: ObjectFiles, finals: ObjectFiles): Promise<void> {
  const committed = await changeCommitted(temps.bytes);
  for (const role of committed ? (['etag', 'metadata'] as const) : (['metadata', 'etag', 'bytes'] as const)) {
    if (!(await isFile(temps[role]))) continue;
    await (committed ? rename(temps[role], finals[role]) : rm(temps[role], { force: true }));
  }
}

/**
 * The rule that settles a write or a delete cut short, and its event: it committed once the file
 * that names it is gone, and not while that file exists. A write is named by its bytes' temporary
 * file (gone once renamed into place), a delete by the object's bytes file (removed first).
 */
export const changeCommitted = async (namingFile: string) => !(await isFile(namingFile));

const isFile = (path: string) =>
  lstat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );

/** The writes a crash of the store cut short, from the paths of the files under its root (pure). */
export function interruptedWrites(paths: readonly string[]): { temps: ObjectFiles; finals: ObjectFiles }[] {
  const writes = new Map<string, { temps: ObjectFiles; finals: ObjectFiles }>();
  for (const path of paths) {
    const match = TEMPORARY.exec(path);
    if (!match) continue;
    const [, base = '', generation = ''] = match;
    const id = `${base}${generation}`;
    if (!writes.has(id)) {
      writes.set(id, { temps: mapRoles((role) => `${base}${generation}.${LETTERS[role]}.tmp`), finals: mapRoles((role) => `${base}${RESOURCES[role]}`) });
    }
  }
  return [...writes.values()];
}

/** Settles, at start, what a crash of the store left: writes half renamed into place, and temporary files. */
export async function settleInterruptedWrites(root: string): Promise<void> {
  // Files only: a key's path may make a directory with any name, `.tmp` ones included (`backup.tmp/a.jpg`).
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  for (const { temps, finals } of interruptedWrites(paths)) await settleWrite(temps, finals);
  // What is left is parts' (`<part number>.<generation>.tmp`): no file of the store ends in `.tmp`.
  await Promise.all(paths.filter((path) => path.endsWith('.tmp')).map((path) => rm(path, { force: true })));
}

function mapRoles(path: (role: Role) => string): ObjectFiles {
  return { bytes: path('bytes'), etag: path('etag'), metadata: path('metadata') };
}

/** Writes `content` to the new file `path` (making its directory), resolving once every byte is written. */
async function writeHashed(path: string, content: Readable | Buffer): Promise<Written> {
  const file = await createFile(path);
  const md5 = createHash('md5');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, hashing, file.createWriteStream());
  return { size, md5: md5.digest('hex') };
}

/** Attempts at making a file's directory and the file, each undone by a delete's clean-up. */
const CREATE_ATTEMPTS = 10;

/**
 * Creates `path` and its directory. A delete of a sibling key removes the directory once it is
 * empty (store-layout.ts), which can fall between the mkdir and the file's creation (ENOENT): S3
 * has no directories and never fails a write for that, so it is made again. Once the file is in
 * it, the directory is not empty and stays.
 */
async function createFile(path: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await mkdir(dirname(path), { recursive: true });
      return await open(path, 'w');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === CREATE_ATTEMPTS) throw error;
    }
  }
}
