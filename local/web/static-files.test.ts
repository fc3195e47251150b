import { describe, expect, it } from 'vitest';
import { cacheControlOf, contentTypeOf, IMMUTABLE_CACHE, isClientRoute, REVALIDATE_CACHE, staticTarget } from './static-files.ts';

describe('staticTarget', () => {
  it('maps paths to files under the root, / to index.html, ignoring the query', () => {
    expect(staticTarget('/')).toEqual({ kind: 'file', path: '/index.html' });
    expect(staticTarget('/assets/index-abc.js?v=1')).toEqual({ kind: 'file', path: '/assets/index-abc.js' });
    expect(staticTarget('/a%20b.txt')).toEqual({ kind: 'file', path: '/a b.txt' });
  });

  it('resolves .. against the root, never above it', () => {
    expect(staticTarget('/../../etc/passwd')).toEqual({ kind: 'file', path: '/etc/passwd' });
    expect(staticTarget('/assets/../../../etc/passwd')).toEqual({ kind: 'file', path: '/etc/passwd' });
    expect(staticTarget('/%2e%2e/%2e%2e/etc/passwd')).toEqual({ kind: 'file', path: '/etc/passwd' });
  });

  it('refuses encoded separators, backslashes, NUL and malformed encodings', () => {
    for (const path of ['/..%2f..%2fetc/passwd', '/..%5c..%5cwin.ini', '/a\\b', '/index.html%00.js', '/%E0%A4%A']) {
      expect(staticTarget(path), path).toMatchObject({ kind: 'refused', status: 400 });
    }
    expect(staticTarget('relative')).toMatchObject({ kind: 'refused', status: 400 });
  });

  it('does not serve dot files (the build manifest)', () => {
    expect(staticTarget('/.vite/manifest.json')).toMatchObject({ kind: 'refused', status: 404 });
    expect(staticTarget('/assets/.hidden')).toMatchObject({ kind: 'refused', status: 404 });
  });
});

describe('headers', () => {
  it('gives each file type its content type, unknown ones none a browser would sniff', () => {
    expect(contentTypeOf('/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/assets/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/assets/a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('/favicon.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('/config.json')).toBe('application/json; charset=utf-8');
    expect(contentTypeOf('/x.unknown')).toBe('application/octet-stream');
  });

  it('caches hashed assets for a year and revalidates the rest, as deployed', () => {
    expect(cacheControlOf('/assets/index-abc.js')).toBe(IMMUTABLE_CACHE);
    expect(cacheControlOf('/index.html')).toBe(REVALIDATE_CACHE);
    expect(cacheControlOf('/config.json')).toBe(REVALIDATE_CACHE);
  });

  it('treats extension-less paths outside assets as client-side routes', () => {
    expect(isClientRoute('/image/01ABC')).toBe(true);
    expect(isClientRoute('/missing.js')).toBe(false);
    expect(isClientRoute('/assets/chunk')).toBe(false);
  });
});
