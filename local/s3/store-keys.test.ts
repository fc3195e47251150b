import { describe, expect, it } from 'vitest';
import { keyOfStoredNames, keyPrefixOfDirectory, storedNames, utf8Length } from './store-keys.ts';

const NAME_MAX = 255;
const LONGEST_SUFFIX = '._S3rver_metadata.json'.length;

describe('storedNames', () => {
  it('keeps ordinary keys as s3rver lays them out, so existing stores read the same', () => {
    expect(storedNames('uploads/u/i/cat.gif')).toEqual(['uploads', 'u', 'i', 'cat.gif']);
    expect(storedNames('photos/')).toEqual(['photos', '']);
    expect(storedNames('')).toEqual(['']);
  });

  it('stores a segment too long for a file name as marked pieces that each fit with any suffix', () => {
    for (const segment of ['x'.repeat(1000), 'é'.repeat(500), '😀'.repeat(250), `${'a'.repeat(232)}😀`]) {
      const key = `uploads/${segment}/${segment.slice(0, 300)}`;
      const names = storedNames(key);
      expect(names.length).toBeGreaterThan(3);
      for (const name of names) expect(utf8Length(name) + LONGEST_SUFFIX).toBeLessThanOrEqual(NAME_MAX);
      // No character is split between pieces.
      for (const name of names) expect(name).not.toMatch(/[\uD800-\uDFFF]/u);
      expect(keyOfStoredNames(names)).toBe(key);
    }
  });

  it('never lets a segment act as a path: ., .., empty middle segments, and names that look marked or like s3rver\'s', () => {
    for (const key of ['a/../b', '../../etc/passwd', 'a/./b', 'a//b', '/a', '~+x/~=y', '._S3rver_uploads/1/key']) {
      const names = storedNames(key);
      for (const name of names.slice(0, -1)) expect(['', '.', '..']).not.toContain(name);
      expect(names[0]?.startsWith('._S3rver_')).toBe(false);
      expect(keyOfStoredNames(names)).toBe(key);
    }
  });

  it('is injective: distinct keys never share stored names', () => {
    const keys = ['a/b', 'a//b', 'a/~=b', '~=a/b', 'a/' + 'b'.repeat(300), 'a/' + 'b'.repeat(231) + '/' + 'b'.repeat(69), '~+a/b', 'a~+/b'];
    const layouts = new Set(keys.map((key) => JSON.stringify(storedNames(key))));
    expect(layouts.size).toBe(keys.length);
  });

  it('reads names it did not make as no key', () => {
    expect(keyOfStoredNames(['~+abc'])).toBeNull();
    expect(keyOfStoredNames(['~+abc', 'plain'])).toBeNull();
  });
});

describe('keyPrefixOfDirectory', () => {
  it('is the text every key below the directory starts with', () => {
    const key = `p/${'q'.repeat(600)}/r`;
    const names = storedNames(key);
    for (let depth = 1; depth < names.length; depth += 1) expect(key.startsWith(keyPrefixOfDirectory(names.slice(0, depth)))).toBe(true);
    expect(keyPrefixOfDirectory(['p'])).toBe('p/');
  });
});

describe('keys no file name holds as it is', () => {
  it('stores a segment holding a NUL marked, its NULs and %s escaped, and reads it back', () => {
    for (const key of ['a\0b', 'dir/x\0y/z', '%00\0%25', `n/${'\0'.repeat(300)}`, '~%+a/~%=b', `p/${'%'.repeat(100)}\0/q`]) {
      const names = storedNames(key);
      for (const name of names) {
        expect(name).not.toContain('\0');
        expect(utf8Length(name) + LONGEST_SUFFIX).toBeLessThanOrEqual(NAME_MAX);
      }
      expect(keyOfStoredNames(names)).toBe(key);
      for (let depth = 1; depth < names.length; depth += 1) expect(key.startsWith(keyPrefixOfDirectory(names.slice(0, depth)))).toBe(true);
    }
    expect(storedNames('a\0b')).toEqual(['~%=a%00b']);
    // A kept segment that merely starts like the NUL marking is not read as one.
    expect(storedNames('~%ab/c')).toEqual(['~%ab', 'c']);
  });

  it("stores a directory named like one of s3rver's files marked, so it never takes that file's place", () => {
    for (const key of ['foo._S3rver_object/x', 'k._S3rver_5.e.tmp/y', 'a/b._S3rver_metadata.json/c']) {
      const names = storedNames(key);
      for (const name of names.slice(0, -1)) expect(name).not.toMatch(/^[^~].*\._S3rver_/);
      expect(keyOfStoredNames(names)).toBe(key);
    }
    // As a last segment it only ever names files (`foo._S3rver_object._S3rver_object`): kept.
    expect(storedNames('a/foo._S3rver_object')).toEqual(['a', 'foo._S3rver_object']);
  });

  it("never names a directory as another key's file, when the segments are marked too", () => {
    // s3rver's suffixes on a key's files: its bytes, ETag, metadata, and a write's temporary bytes.
    const files = (key: string) => {
      const names = storedNames(key);
      return ['._S3rver_object', '._S3rver_object.md5', '._S3rver_metadata.json', '._S3rver_0.o.tmp'].map((suffix) => [...names.slice(0, -1), `${names.at(-1)}${suffix}`].join('/'));
    };
    const directories = (key: string) => storedNames(key).slice(0, -1).map((_, depth, names) => names.slice(0, depth + 1).join('/'));
    const keys = ['a/..', 'a/.._S3rver_object/x', 'a/n\0', 'a/n\0._S3rver_object/y', `a/${'x'.repeat(240)}`, `a/${'x'.repeat(240)}._S3rver_metadata.json/y`, 'a/._S3rver_0.o.tmp', 'a/._S3rver_0.o.tmp._S3rver_0.o.tmp/b'];
    const allFiles = new Set(keys.flatMap(files));
    for (const key of keys) {
      for (const directory of directories(key)) expect(allFiles).not.toContain(directory);
      expect(keyOfStoredNames(storedNames(key))).toBe(key);
    }
    expect(storedNames('a/.._S3rver_object/x')).toEqual(['a', '~%=%2E%2E_S3rver_object', 'x']);
  });

  it('reads a chain of mixed markings as no key', () => {
    expect(keyOfStoredNames(['~+ab', '~%=c'])).toBeNull();
  });
});
