import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Points TMPDIR at a fresh directory for the enclosing tests, so that what they leave in it can be
 * seen; restored and removed after them. `at()` is its path; `set(path)` points TMPDIR elsewhere
 * until `set()` points it back.
 */
export function scratchTmpdir(prefix: string): { at(): string; set(path?: string): void } {
  let scratch = '';
  const previous = process.env.TMPDIR;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), prefix));
    process.env.TMPDIR = scratch;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(scratch, { recursive: true, force: true });
  });
  return { at: () => scratch, set: (path = scratch) => void (process.env.TMPDIR = path) };
}
