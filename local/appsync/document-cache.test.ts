import { parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { DocumentCache } from './document-cache.ts';

const failing = (query: string) => ({ errors: [`cannot parse ${query}`] });

describe('DocumentCache', () => {
  it('parses a query once and hands out the same document after', () => {
    const cache = new DocumentCache();
    const parser = vi.fn((query: string) => parse(query));
    const first = cache.parsed('{ a }', parser);
    expect(cache.parsed('{ a }', parser)).toBe(first);
    expect(parser).toHaveBeenCalledTimes(1);
    expect(cache.parsed('{ b }', parser)).not.toBe(first);
    expect(parser).toHaveBeenCalledTimes(2);
  });

  it('never keeps a failed parse', () => {
    const cache = new DocumentCache();
    const parser = vi.fn(failing);
    expect(cache.parsed('{', parser)).toEqual({ errors: ['cannot parse {'] });
    expect(cache.parsed('{', parser)).toEqual({ errors: ['cannot parse {'] });
    expect(parser).toHaveBeenCalledTimes(2);
  });

  it('keeps at most its bound of queries, pushing the oldest out, and no query longer than its limit', () => {
    const cache = new DocumentCache(2, 20);
    const parser = vi.fn((query: string) => parse(query));
    const a = cache.parsed('{ a }', parser);
    cache.parsed('{ b }', parser);
    cache.parsed('{ c }', parser);
    expect(parser).toHaveBeenCalledTimes(3);
    expect(cache.parsed('{ c }', parser)).toBeDefined();
    expect(parser).toHaveBeenCalledTimes(3);
    expect(cache.parsed('{ a }', parser)).not.toBe(a);
    expect(parser).toHaveBeenCalledTimes(4);
    const long = `{ ${'x '.repeat(20)}}`;
    cache.parsed(long, parser);
    cache.parsed(long, parser);
    expect(parser).toHaveBeenCalledTimes(6);
  });

  it('validates a valid document once, an invalid one every time', () => {
    const cache = new DocumentCache();
    const good = parse('{ a }');
    const bad = parse('{ b }');
    const validate = vi.fn((document: typeof good) => (document === bad ? ['no field b'] : []));
    expect(cache.problems(good, validate)).toEqual([]);
    expect(cache.problems(good, validate)).toEqual([]);
    expect(cache.problems(bad, validate)).toEqual(['no field b']);
    expect(cache.problems(bad, validate)).toEqual(['no field b']);
    expect(validate).toHaveBeenCalledTimes(3);
  });
});
