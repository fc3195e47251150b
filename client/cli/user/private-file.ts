import { randomUUID } from 'node:crypto';
import { appendFileSync, createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Writes `text` to `file`, readable only by the user: 0600, in a directory made 0700 when this
 * creates it. Written beside it and renamed into place, so the file is never readable by others
 * for a moment (writing then chmod-ing an older 0644 file was), a crash or Ctrl-C never leaves half
 * of it, two processes never interleave, and a symbolic link in its place is replaced, not followed.
 */
export function writePrivateFile(file: string, text: string): void {
  const temporary = temporaryBeside(file);
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

/** writePrivateFile for text produced as it is written, so it is never held whole. */
export async function streamPrivateFile(file: string, text: AsyncIterable<string>): Promise<void> {
  const temporary = temporaryBeside(file);
  try {
    await pipeline(Readable.from(text), createWriteStream(temporary, { mode: 0o600, flags: 'wx' }));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  renameSync(temporary, file);
}

/** Appends `text` to `file`, created 0600 (its directory 0700) when missing. */
export function appendPrivateFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, text, { mode: 0o600 });
}

/** A fresh name beside `file`, its directory made 0700 when missing. */
function temporaryBeside(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return `${file}.${randomUUID()}.tmp`;
}
