import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface Spooled {
  /** The temporary file; remove it with `discard`. */
  path: string;
  /** Every byte read, also those beyond `maxBytes`. */
  size: number;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  /** True when the body had more than `maxBytes`; the file then holds only the first ones. */
  overflowed: boolean;
  discard(): Promise<void>;
}

/**
 * Streams a body into a temporary file in `directory`, hashing and counting it, so it can be
 * checked (size, payload hash) before the store sees any of it: S3 stores nothing it refuses.
 * Bytes beyond `maxBytes` are counted and dropped, so the client can finish sending and read the
 * error instead of seeing the connection reset.
 */
export function spool(body: Readable, directory: string, maxBytes = Infinity): Promise<Spooled> {
  const path = join(directory, randomUUID());
  const file = createWriteStream(path);
  const hash = createHash('sha256');
  let size = 0;
  const discard = () => rm(path, { force: true });
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      body.unpipe();
      file.destroy();
      void discard().then(() => reject(error), reject);
    };
    body.on('data', (chunk: Buffer) => {
      const room = maxBytes - size;
      size += chunk.length;
      if (room <= 0) return;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      hash.update(kept);
      if (!file.write(kept)) {
        body.pause();
        file.once('drain', () => body.resume());
      }
    });
    body.once('error', fail);
    file.once('error', fail);
    body.once('end', () => {
      file.end(() => resolve({ path, size, sha256: hash.digest('hex'), overflowed: size > maxBytes, discard }));
    });
  });
}
