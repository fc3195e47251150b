/**
 * What the local web server answers for a request path, decided without I/O beyond one lookup:
 * the file under the build directory (never outside it), its content type and caching, or the
 * single-page app's index.html. Headers follow what the deployed CloudFront distribution sends
 * (infra/constructs/web-hosting.ts): hashed assets cached for a year, everything else `no-cache`.
 */
import { posix } from 'node:path';

/** Vite's folder of content-hashed files (their names change with their content). */
export const HASHED_ASSETS_PREFIX = '/assets/';
export const INDEX_PATH = '/index.html';

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const REVALIDATE_CACHE = 'no-cache';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[posix.extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export function cacheControlOf(path: string): string {
  return path.startsWith(HASHED_ASSETS_PREFIX) ? IMMUTABLE_CACHE : REVALIDATE_CACHE;
}

export type StaticTarget =
  /** A file relative to the build directory (posix, leading slash). */
  | { kind: 'file'; path: string }
  | { kind: 'refused'; status: 400 | 404; message: string };

/**
 * The file a URL path names, normalized so that it stays inside the build directory: `..`
 * segments are resolved against the root (as a browser would), and encoded separators,
 * backslashes and NUL bytes are refused outright. Dot files (.vite/manifest.json) are not served.
 */
export function staticTarget(rawPath: string): StaticTarget {
  const pathOnly = rawPath.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathOnly);
  } catch {
    return { kind: 'refused', status: 400, message: 'malformed percent-encoding in the path' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\') || /%2f|%5c/i.test(pathOnly)) {
    return { kind: 'refused', status: 400, message: 'the path must be plain, absolute and without encoded separators' };
  }
  const normalized = posix.normalize(decoded);
  // normalize keeps a leading "/.." when the path climbs above the root.
  if (normalized.split('/').some((segment) => segment === '..' || segment.startsWith('.'))) {
    return { kind: 'refused', status: 404, message: 'not found' };
  }
  return { kind: 'file', path: normalized.endsWith('/') ? `${normalized}index.html` : normalized };
}

/**
 * A missing path without a file extension is a client-side route: the app's index.html answers it
 * (CloudFront maps S3's 403/404 to /index.html). A missing file with an extension stays a 404 here,
 * where CloudFront would answer index.html too: a missing script then fails loudly, not as HTML.
 */
export function isClientRoute(path: string): boolean {
  return !path.startsWith(HASHED_ASSETS_PREFIX) && posix.extname(path) === '';
}
