import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `text` to `file`, readable only by the user: 0600, in a directory made 0700 when this
 * creates it. Written beside it and renamed into place, so the file is never readable by others
 * for a moment (writing then chmod-ing an older 0644 file was), a crash or Ctrl-C never leaves half
 * of it, two processes never interleave, and a symbolic link in its place is replaced, not followed.
 */
export function writePrivateFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

/** Appends `text` to `file`, created 0600 (its directory 0700) when missing. */
export function appendPrivateFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, text, { mode: 0o600 });
}
