import { mkdir, readFile, readdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shrinkSharpSkips, withLoadShrink } from './jpeg-shrink-on-load.ts';
import { scratchTmpdir } from './testing/scratch-tmpdir.ts';

describe('shrinkSharpSkips', () => {
  it.each([
    [2.52, 2],
    [2, 2],
    [2.99, 2],
    [4, 4],
    [4.69, 4],
    [8.125, 8],
    // sharp shrinks these on load itself, by 2, 4 and 8.
    [3, 1],
    [3.5, 1],
    [5.04, 1],
    [24, 1],
    // No factor fits.
    [1.99, 1],
    [1, 1],
  ])('a shrink of %f: load by %i', (shrink, factor) => {
    expect(shrinkSharpSkips(shrink)).toBe(factor);
  });

  it('never loads smaller than the target, nor more than 1.5 times it (sharp would shrink again from 2)', () => {
    for (let shrink = 1; shrink < 20; shrink += 0.01) {
      const factor = shrinkSharpSkips(shrink);
      expect(factor).toBeLessThanOrEqual(shrink);
      if (factor > 1) expect(shrink / factor).toBeLessThanOrEqual(1.5);
    }
  });
});

describe('withLoadShrink', () => {
  const tmp = scratchTmpdir('jpeg-shrink-test-');
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);

  // First: the scan for stale directories runs on the process's first temporary copy.
  it("removes an earlier process's directory left for over 10 minutes, and keeps a recent one", async () => {
    const stale = join(tmp.at(), 'imagegraph-jpeg-stale');
    const recent = join(tmp.at(), 'imagegraph-jpeg-recent');
    await Promise.all([mkdir(stale), mkdir(recent)]);
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000);
    await utimes(stale, elevenMinutesAgo, elevenMinutesAgo);
    await withLoadShrink(bytes, 2, () => Promise.resolve());
    expect(await readdir(tmp.at())).toEqual(['imagegraph-jpeg-recent']);
    await rm(recent, { recursive: true });
  });

  it('hands over the bytes when there is no factor', async () => {
    expect(await withLoadShrink(bytes, 1, (input) => Promise.resolve(input))).toBe(bytes);
  });

  it('hands over a file holding the bytes, with the load option, and removes it afterwards', async () => {
    const seen = await withLoadShrink(bytes, 4, async (input) => {
      expect(typeof input).toBe('string');
      const [file, option] = (input as string).split('[');
      expect(option).toBe('shrink=4]');
      expect(new Uint8Array(await readFile(file ?? ''))).toEqual(bytes);
      return input;
    });
    expect(seen).toMatch(/\.jpg\[shrink=4\]$/);
    expect(await readdir(tmp.at())).toEqual([]);
  });

  it('removes the file when the decode fails, and passes the failure on', async () => {
    await expect(withLoadShrink(bytes, 2, () => Promise.reject(new Error('undecodable')))).rejects.toThrow('undecodable');
    expect(await readdir(tmp.at())).toEqual([]);
  });

  it('hands over the bytes when no file can be written', async () => {
    tmp.set(join(tmp.at(), 'missing'));
    try {
      expect(await withLoadShrink(bytes, 2, (input) => Promise.resolve(input))).toBe(bytes);
    } finally {
      tmp.set();
    }
  });
});
