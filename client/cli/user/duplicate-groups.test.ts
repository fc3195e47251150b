import { describe, expect, it } from 'vitest';
import { duplicateGroups, formatBytes, groupLines, missingOriginals, type ListedImage } from './duplicate-groups.ts';

const image = (id: string, day: number, fields: Partial<ListedImage> = {}): ListedImage => ({
  id,
  fileName: `${id}.jpg`,
  bytes: 1000,
  uploadedAt: `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`,
  duplicateOf: null,
  nearDuplicateOf: null,
  ...fields,
});

describe('duplicateGroups', () => {
  it('groups copies under their original, oldest first, with the bytes the copies hold', () => {
    const groups = duplicateGroups([
      image('a', 1, { bytes: 5000 }),
      image('a-small', 3, { nearDuplicateOf: 'a', bytes: 1200 }),
      image('a-same', 2, { duplicateOf: 'a', bytes: 5000 }),
      image('b', 4),
      image('b-copy', 5, { duplicateOf: 'b' }),
      image('alone', 6),
    ]);
    expect(groups.map((group) => [group.original.id, group.copies.map(({ image: copy, kind }) => `${copy.id}:${kind}`), group.freeableBytes])).toEqual([
      ['a', ['a-same:identical', 'a-small:near'], 6200],
      ['b', ['b-copy:identical'], 1000],
    ]);
  });

  it('puts a copy of a copy in its first original’s group; an absent original leaves the oldest copy in charge', () => {
    const chained = duplicateGroups([image('a', 1), image('b', 2, { nearDuplicateOf: 'a' }), image('c', 3, { nearDuplicateOf: 'b' })]);
    expect(chained.map((group) => [group.original.id, group.copies.map((copy) => copy.image.id)])).toEqual([['a', ['b', 'c']]]);
    const orphaned = duplicateGroups([image('b', 2, { nearDuplicateOf: 'gone' }), image('c', 3, { duplicateOf: 'b' })]);
    expect(orphaned.map((group) => [group.original.id, group.copies.map((copy) => copy.image.id)])).toEqual([['b', ['c']]]);
  });

  it('survives a cycle of pointers', () => {
    expect(() => duplicateGroups([image('a', 1, { nearDuplicateOf: 'b' }), image('b', 1, { nearDuplicateOf: 'a' })])).not.toThrow();
  });
});

describe('missingOriginals', () => {
  it('names the originals the copies point at that are not listed, once each', () => {
    expect(missingOriginals([image('x', 1, { duplicateOf: 'a' }), image('y', 2, { nearDuplicateOf: 'a' }), image('z', 3, { nearDuplicateOf: 'x' })])).toEqual(['a']);
  });
});

describe('groupLines', () => {
  it('prints each original, its copies marked by kind, and what deleting them frees', () => {
    const groups = duplicateGroups([image('a', 1), image('a2', 2, { duplicateOf: 'a', bytes: 2048 }), image('a3', 3, { nearDuplicateOf: 'a', bytes: 1024 })]);
    expect(groupLines(groups)).toEqual([
      'a.jpg  1000 B  a',
      '  = same file   a2.jpg  2.0 KB  a2',
      '  ~ looks same  a3.jpg  1.0 KB  a3',
      '1 group, 2 copies: deleting the copies would free 3.0 KB',
    ]);
    expect(groupLines([])).toEqual(['0 groups, 0 copies: deleting the copies would free 0 B']);
  });

  it('formats sizes in binary units', () => {
    expect([0, 1023, 1536, 5 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.5 KB', '5.0 MB', '3.0 GB']);
  });
});
