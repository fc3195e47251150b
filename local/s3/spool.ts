import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface Spooled {
  /** The temporary file; remove it with `discard`. */
  path: string;
  /** Every byte read, also those beyond `maxBytes`. */
  size: number;
  /** Hex SHA-256 of the stored bytes; null unless asked for (a POST upload has no payload hash to check). */
  sha256: string | null;
  /** True when the body had more than `maxBytes`; the file then holds only the first ones. */
  overflowed: boolean;
  discard(): Promise<void>;
}

export interface SpoolOptions {
  /** Bytes kept at most; default no limit. */
  maxBytes?: number;
  /** Hash the kept bytes (to check a signed payload hash). */
  sha256?: boolean;
}

/**
 * Streams a body into a temporary file in `directory`, counting it (and hashing it if asked), so
 * it can be checked (size, payload hash) before the store sees any of it: S3 stores nothing it
 * refuses. Bytes beyond `maxBytes` are counted and dropped, so the client can finish sending and
 * read the error instead of seeing the connection reset.
 */
export function spool(body: Readable, directory: string, options: SpoolOptions & { sha256: true }): Promise<Spooled & { sha256: string }>;
export function spool(body: Readable, directory: string, options?: SpoolOptions): Promise<Spooled>;
export function spool(body: Readable, directory: string, { maxBytes = Infinity, sha256 = false }: SpoolOptions = {}): Promise<Spooled> {
  const path = join(directory, randomUUID());
  const file = createWriteStream(path);
  const hash = sha256 ? createHash('sha256') : null;
  let size = 0;
  const discard = () => unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
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
      hash?.update(kept);
      if (!file.write(kept)) {
        body.pause();
        file.once('drain', () => body.resume());
      }
    });
    body.once('error', fail);
    file.once('error', fail);
    body.once('end', () => {
      file.end(() => resolve({ path, size, sha256: hash?.digest('hex') ?? null, overflowed: size > maxBytes, discard }));
    });
  });
}
