/** The judged set loads, and a malformed `lettering` is named. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTextFree, loadJudgedSet } from './judged-set.ts';

const dir = mkdtempSync(join(tmpdir(), 'judged-set-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const photo = { file: 'photos/cat.jpg', upload: 'cat.jpg', labels: ['Cat'], people: false, faces: false, words: [], heldOut: false };
const written = (photos: object[]) => {
  const file = join(dir, `set-${photos.length}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify({ photos, queries: [] }));
  return file;
};

describe('judged set', () => {
  it('tells text-free photos (no words, no lettering) from the others', () => {
    const set = loadJudgedSet(written([photo, { ...photo, upload: 'logo.jpg', lettering: true }, { ...photo, upload: 'sign.jpg', words: ['PARKING'] }]));
    expect(set.photos.map(isTextFree)).toEqual([true, false, false]);
  });

  it('refuses a lettering that is not true or false', () => {
    expect(() => loadJudgedSet(written([{ ...photo, lettering: 'yes' }]))).toThrow(/photos\[0\] \(photos\/cat.jpg\): lettering must be true or false/);
  });

  it('the shipped set has text-free photos in both halves', () => {
    const textFree = loadJudgedSet().photos.filter(isTextFree);
    expect(textFree.filter((p) => p.heldOut).length).toBeGreaterThan(5);
    expect(textFree.filter((p) => !p.heldOut).length).toBeGreaterThan(5);
  });
});
