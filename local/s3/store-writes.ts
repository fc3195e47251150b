/**
 * Makes s3rver's file system store answer a write only once its bytes are written, as S3 does
 * ("strong read-after-write consistency": a GET after a successful PUT returns the new object;
 * S3 user guide, "Amazon S3 data consistency model").
 *
 * s3rver (3.7.1, lib/stores/filesystem.js) resolves `putObject` and `putPart` when its hashing
 * Transform has seen the last byte (or right after `writeStream.end(buffer)`), not when the file
 * stream has written it; the metadata and the answer follow at once. A GET right after the answer
 * could then read the new ETag with an empty or partial body: 1 to 4 in 2,000 PUT-then-GET pairs on
 * the loaded 2-core machine, seen as `SyntaxError: Unexpected end of JSON input` on a sidecar read in
 * functions/process-image/pipeline.test.ts. These replacements write the same files, in the same
 * places, and resolve once the write stream has finished.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
  putObject(object: StoredObject): Promise<Written>;
  putPart(bucket: string, uploadId: string, partNumber: number | string, content: Readable): Promise<Written>;
}

export interface Written {
  size: number;
  /** Hex MD5 of the bytes: s3rver's ETag. */
  md5: string;
}

export function applyCompleteWrites(store: WritingStore): void {
  store.putObject = async (object) => {
    const written = await writeHashed(store.getResourcePath(object.bucket, object.key, 'object'), object.content);
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  // A part is read back when the upload is completed: the same promise is owed to it.
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await writeHashed(partPath, content);
    await writeFile(`${partPath}.md5`, written.md5);
    return written;
  };
}

/** Writes `content` to `path` (making its directory), resolving once every byte is written. */
async function writeHashed(path: string, content: Readable | Buffer): Promise<Written> {
  await mkdir(dirname(path), { recursive: true });
  const md5 = createHash('md5');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, hashing, createWriteStream(path));
  return { size, md5: md5.digest('hex') };
}
