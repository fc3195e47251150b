import { describe, expect, it } from 'vitest';
import { storedNames } from './store-keys.ts';
import { type ListOptions, type ListPage, listPage, type ReadStoreDirectory, type StoreEntry } from './store-listing.ts';

/** A store holding `keys` as s3rver's file system store lays them out (store-keys.ts), and the directories each listing read. */
function storeOf(keys: readonly string[]): { read: ReadStoreDirectory; reads: string[] } {
  // Per directory, its entries by kind and name (`a` may be an object and a directory, as `a._S3rver_object` and `a/`).
  const directories = new Map<string, Map<string, StoreEntry>>();
  const directory = (names: readonly string[]) => {
    const path = names.join('/');
    if (!directories.has(path)) directories.set(path, new Map());
    return directories.get(path) as Map<string, StoreEntry>;
  };
  for (const key of keys) {
    const names = storedNames(key);
    names.forEach((name, depth) => {
      const kind = depth === names.length - 1 ? 'object' : 'directory';
      directory(names.slice(0, depth)).set(`${kind}:${name}`, { name, kind });
    });
  }
  const reads: string[] = [];
  const read: ReadStoreDirectory = (names) => {
    reads.push(names.join('/'));
    return Promise.resolve([...(directories.get(names.join('/'))?.values() ?? [])]);
  };
  return { read, reads };
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** S3's listing, stated directly: roll keys up, sort the entries by bytes, keep those after start-after, cut at max-keys. */
function expectedPage(keys: readonly string[], { prefix = '', delimiter = '', startAfter = '', maxKeys = Infinity }: ListOptions): ListPage {
  const rolledUp = (key: string) => {
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    return at < 0 ? null : key.slice(0, at + delimiter.length);
  };
  const prefixes = new Set(keys.filter((key) => key.startsWith(prefix)).flatMap((key) => rolledUp(key) ?? []));
  const plain = keys.filter((key) => key.startsWith(prefix) && rolledUp(key) === null);
  const entries = [...prefixes, ...plain].sort(byBytes).filter((entry) => byBytes(entry, startAfter) > 0);
  const page = entries.slice(0, maxKeys);
  return {
    keys: page.filter((entry) => !prefixes.has(entry)),
    commonPrefixes: page.filter((entry) => prefixes.has(entry)),
    isTruncated: entries.length > page.length,
    lastEntry: page.at(-1),
  };
}

/** Every page from the start, each continuing after the last entry of the one before. */
async function allPages(read: ReadStoreDirectory, options: ListOptions): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  let startAfter = options.startAfter;
  do {
    pages.push(await listPage(read, { ...options, startAfter }));
    startAfter = pages.at(-1)?.lastEntry;
  } while (pages.at(-1)?.isTruncated);
  return pages;
}

const LONG = 'q'.repeat(600);
/** 231 bytes: a long segment's first stored piece (`~+` + this), and a 233-byte segment kept as it is that starts with it. */
const PIECE = 'p'.repeat(231);
const KEYS = [
  'a',
  'a-c',
  'a/b',
  `a/${'z'.repeat(400)}`,
  'b\uFFFD',
  'b😀',
  'photos/',
  'photos/x',
  'photos/y/z',
  'photos/y-/z',
  `x/${LONG}/k`,
  `x/${LONG}/m`,
  'x/b/1',
  'x/c',
  `x/${PIECE}ab!z/1`,
  `x/${PIECE}ab/2`,
  `x/${PIECE}abc/3`,
  'x/~+y/4',
  'x/./5',
  'x//6',
  `x/é${'é'.repeat(300)}/7`,
];

describe('listPage', () => {
  it('lists in UTF-8 byte order, not UTF-16 nor the stored names\' order', async () => {
    const { read } = storeOf(KEYS);
    const { keys } = await listPage(read, {});
    expect(keys).toEqual([...KEYS].sort(byBytes));
    expect(keys.slice(0, 8)).toEqual(['a', 'a-c', 'a/b', `a/${'z'.repeat(400)}`, 'b\uFFFD', 'b😀', 'photos/', 'photos/x']);
    // A long segment's stored pieces (`~+p…`) hold a plain sibling's range (`p…ab/`) inside their own.
    expect(keys.filter((key) => key.startsWith(`x/${PIECE}`))).toEqual([`x/${PIECE}ab!z/1`, `x/${PIECE}ab/2`, `x/${PIECE}abc/3`]);
    // U+FFFD sorts after U+1F600 in UTF-16 code units, before it in UTF-8 bytes.
    expect('b\uFFFD' < 'b😀').toBe(false);
  });

  it('is S3\'s listing for every prefix, delimiter, start-after and max-keys, and pages through it once', async () => {
    const { read } = storeOf(KEYS);
    const prefixes = ['', 'a', 'a/', 'photos/', 'x/', `x/${PIECE.slice(0, 100)}`, `x/${LONG.slice(0, 300)}`, 'nothing/'];
    const delimiters = ['', '/', '-', 'ab', 'é'];
    const startAfters = ['', 'a-c', 'a/', 'photos/y', `x/${LONG}`, `x/${PIECE}ab`, 'x/b/1', 'zzz'];
    for (const prefix of prefixes) {
      for (const delimiter of delimiters) {
        for (const startAfter of startAfters) {
          for (const maxKeys of [1, 2, 3, 1000]) {
            const options = { prefix, delimiter, startAfter, maxKeys };
            expect(await listPage(read, options), JSON.stringify(options)).toEqual(expectedPage(KEYS, options));
          }
        }
        const pages = await allPages(read, { prefix, delimiter, maxKeys: 2 });
        const whole = expectedPage(KEYS, { prefix, delimiter });
        expect(pages.flatMap((page) => page.keys)).toEqual(whole.keys);
        expect(pages.flatMap((page) => page.commonPrefixes)).toEqual(whole.commonPrefixes);
        for (const page of pages) expect(page.keys.length + page.commonPrefixes.length).toBeLessThanOrEqual(2);
      }
    }
  });

  it('counts common prefixes and objects together toward max-keys, and a page may end with a common prefix', async () => {
    const { read } = storeOf(['d/1', 'd/2', 'e', 'f/1']);
    expect(await listPage(read, { delimiter: '/', maxKeys: 1 })).toEqual({ keys: [], commonPrefixes: ['d/'], isTruncated: true, lastEntry: 'd/' });
    expect(await listPage(read, { delimiter: '/', maxKeys: 2, startAfter: 'd/' })).toEqual({ keys: ['e'], commonPrefixes: ['f/'], isTruncated: false, lastEntry: 'f/' });
    // A start-after inside a common prefix: that prefix sorts before it and is not listed again.
    expect(await listPage(read, { delimiter: '/', startAfter: 'd/1' })).toMatchObject({ keys: ['e'], commonPrefixes: ['f/'] });
    expect(await listPage(read, { maxKeys: 0 })).toEqual({ keys: [], commonPrefixes: [], isTruncated: true, lastEntry: undefined });
  });

  describe('reads only the directories a page needs', () => {
    const owners = Array.from({ length: 20 }, (_, owner) => `owner-${String(owner).padStart(2, '0')}`);
    const sidecars = owners.flatMap((owner) => Array.from({ length: 30 }, (_, index) => `meta/${owner}/${String(index).padStart(3, '0')}.json`));

    it('stops once the page is full and its truncation known', async () => {
      const { read, reads } = storeOf(sidecars);
      const page = await listPage(read, { prefix: 'meta/', maxKeys: 30 });
      expect(page).toMatchObject({ isTruncated: true, lastEntry: 'meta/owner-00/029.json' });
      // The 31st key's directory is read to know the page is truncated; no other owner's.
      expect(reads).toEqual(['', 'meta', 'meta/owner-00', 'meta/owner-01']);
    });

    it('skips directories whose keys all sort at or before start-after', async () => {
      const { read, reads } = storeOf(sidecars);
      const page = await listPage(read, { prefix: 'meta/', startAfter: 'meta/owner-10/020.json', maxKeys: 5 });
      expect(page.keys).toEqual(['021', '022', '023', '024', '025'].map((id) => `meta/owner-10/${id}.json`));
      expect(reads).toEqual(['', 'meta', 'meta/owner-10']);
      // A continuation at a directory's own key prefix still reads it.
      reads.length = 0;
      expect((await listPage(read, { prefix: 'meta/', startAfter: 'meta/owner-11/', maxKeys: 1 })).keys).toEqual(['meta/owner-11/000.json']);
      expect(reads).toEqual(['', 'meta', 'meta/owner-11']);
    });

    it('prunes long segments by the keys their stored pieces hold, not by the pieces\' names', async () => {
      // `~+qqq…` sorts after `b` as a name; its keys (`x/qqq…`) sort after `x/b` too, and before `x/r`.
      const { read, reads } = storeOf([`x/${LONG}/k`, 'x/b/1', 'x/r', 'x/s/1']);
      expect((await listPage(read, { startAfter: 'x/r' })).keys).toEqual(['x/s/1']);
      expect(reads).toEqual(['', 'x', 'x/s']);
      reads.length = 0;
      // Start-after inside the long segment: its directories must be read.
      expect((await listPage(read, { startAfter: `x/${LONG.slice(0, 300)}`, maxKeys: 1 })).keys).toEqual([`x/${LONG}/k`]);
      expect(reads.filter((path) => path.includes('~'))).not.toEqual([]);
      expect(reads).not.toContain('x/b');
    });

    it('under a delimiter, reads a directory inside one common prefix only until it finds an object', async () => {
      const nested = [...sidecars, ...owners.map((owner) => `meta/${owner}/deeper/x.json`), 'meta/only-nested/a/b/c.json', 'meta/only-nested/a/d/e.json'];
      const { read, reads } = storeOf(nested);
      const page = await listPage(read, { prefix: 'meta/', delimiter: '/' });
      expect(page.commonPrefixes).toEqual(['meta/only-nested/', ...owners.map((owner) => `meta/${owner}/`)]);
      // Each owner's directory holds an object itself: its `deeper` is never read.
      expect(reads).toEqual(['', 'meta', 'meta/only-nested', 'meta/only-nested/a', 'meta/only-nested/a/b', ...owners.map((owner) => `meta/${owner}`)]);
    });

    it('does not read a directory for a common prefix already listed, nor for one at or before start-after', async () => {
      const { read, reads } = storeOf(['a-1/x', 'a-2/y', 'a-3', 'b-1/z']);
      expect(await listPage(read, { delimiter: '-' })).toMatchObject({ keys: [], commonPrefixes: ['a-', 'b-'] });
      // `a-` is known from the object `a-3` without reading a-1 or a-2.
      expect(reads).toEqual(['', 'b-1']);
      reads.length = 0;
      expect(await listPage(read, { delimiter: '/', startAfter: 'a-2/' })).toMatchObject({ keys: ['a-3'], commonPrefixes: ['b-1/'] });
      expect(reads).toEqual(['', 'b-1']);
    });
  });
});
