import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export interface Spooled {
  /** Every byte read, also those beyond `maxBytes`. */
  size: number;
  /** Hex SHA-256 of the kept bytes; null unless asked for (a POST upload has no payload hash to check). */
  sha256: string | null;
  /** True when the body had more than `maxBytes`; only the first ones are kept. */
  overflowed: boolean;
  /** The kept bytes, to forward once they are checked. */
  read(): Readable;
  /** Removes the temporary file, if there is one, and gives held bytes back to the memory budget. */
  discard(): Promise<void>;
}

/**
 * Bytes all bodies being spooled at once may hold in memory. A body that would take more goes to a
 * file: without a shared cap, many large uploads in flight at once would each hold up to
 * `inMemoryBytes`, and memory would grow with the number of requests.
 */
export class MemoryBudget {
  private used = 0;
  constructor(readonly bytes: number) {}

  /** Reserves `count` bytes; false (nothing reserved) when they do not fit. */
  take(count: number): boolean {
    if (this.used + count > this.bytes) return false;
    this.used += count;
    return true;
  }

  release(count: number): void {
    this.used -= count;
  }

  get inUse(): number {
    return this.used;
  }
}

export interface SpoolOptions {
  /** Bytes kept at most; default no limit. */
  maxBytes?: number;
  /** Hash the kept bytes (to check a signed payload hash). */
  sha256?: boolean;
  /** Sees each kept chunk, in order (to digest the body: body-digests.ts). */
  observe?: (chunk: Buffer) => void;
  /** Bodies up to this size stay in memory; larger ones go to a file. */
  inMemoryBytes?: number;
  /** Shared by every body spooled at once; default one for the whole process. */
  memory?: MemoryBudget;
}

/**
 * Thumbnails, sidecars and most photos: held in memory, they cost no temporary file to create,
 * write, read back and remove. Larger bodies go to disk, so memory per upload stays bounded.
 */
const IN_MEMORY_BYTES = 8 * 1024 * 1024;
/** The process's budget: eight such bodies in memory at once; more in flight go to disk. */
export const SPOOL_MEMORY = new MemoryBudget(8 * IN_MEMORY_BYTES);

/**
 * Holds a body, counting it (and hashing it if asked), so it can be checked (size, payload hash)
 * before the store sees any of it: S3 stores nothing it refuses. Small bodies are held in memory
 * while `memory` has room, others in a temporary file in `directory`. Bytes beyond `maxBytes` are
 * counted and dropped, so the client can finish sending and read the error instead of seeing the connection reset.
 */
export function spool(body: Readable, directory: string, options: SpoolOptions & { sha256: true }): Promise<Spooled & { sha256: string }>;
export function spool(body: Readable, directory: string, options?: SpoolOptions): Promise<Spooled>;
export function spool(body: Readable, directory: string, options: SpoolOptions = {}): Promise<Spooled> {
  const { maxBytes = Infinity, sha256 = false, observe, inMemoryBytes = IN_MEMORY_BYTES, memory = SPOOL_MEMORY } = options;
  const hash = sha256 ? createHash('sha256') : null;
  const held: Buffer[] = [];
  let heldBytes = 0;
  const releaseHeld = () => {
    memory.release(heldBytes);
    heldBytes = 0;
  };
  let file: { path: string; stream: WriteStream } | undefined;
  let size = 0;
  const discard = async () => {
    releaseHeld();
    if (!file) return;
    await unlink(file.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  };
  return new Promise((resolve, reject) => {
    let failed = false;
    // The first error is the answer: destroying the file below fails its pending writes too
    // (ERR_STREAM_DESTROYED), which must not replace a refusal the body stream failed with.
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      releaseHeld();
      body.unpipe();
      void closed(file?.stream)
        .then(discard)
        .then(() => reject(error), reject);
    };
    const write = (chunk: Buffer) => {
      if (!file) {
        const path = join(directory, randomUUID());
        file = { path, stream: createWriteStream(path) };
        file.stream.on('error', fail);
        for (const earlier of held.splice(0)) file.stream.write(earlier);
        releaseHeld();
      }
      if (!file.stream.write(chunk)) {
        body.pause();
        file.stream.once('drain', () => body.resume());
      }
    };
    body.on('data', (chunk: Buffer) => {
      const room = maxBytes - size;
      size += chunk.length;
      if (room <= 0) return;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      hash?.update(kept);
      observe?.(kept);
      if (file || heldBytes + kept.length > inMemoryBytes || !memory.take(kept.length)) write(kept);
      else {
        held.push(kept);
        heldBytes += kept.length;
      }
    });
    body.once('error', fail);
    body.once('end', () => {
      const spooled = (read: () => Readable) => resolve({ size, sha256: hash?.digest('hex') ?? null, overflowed: size > maxBytes, read, discard });
      if (!file) {
        spooled(() => Readable.from(held, { objectMode: false }));
        return;
      }
      const { path } = file;
      file.stream.end(() => spooled(() => createReadStream(path)));
    });
  });
}

/**
 * Destroys a file stream and waits until it is closed: one still opening would create its file after
 * an unlink. Not `once(stream, 'close')`, which rejects on the 'error' that destroying it gives its
 * pending writes (ERR_STREAM_DESTROYED), and the file would then be left behind.
 */
async function closed(stream: WriteStream | undefined): Promise<void> {
  if (!stream || stream.closed) return;
  const closing = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  stream.destroy();
  await closing;
}
