import type { UploadContentType } from '../shared/image-types.ts';

/** Longest stored file name, in bytes: enough to recognise a file, short enough for any key. */
export const MAX_FILE_NAME_BYTES = 128;

// For names with nothing usable left. A Record, so allowing a new type does not compile without one.
const DEFAULT_EXTENSIONS: Record<UploadContentType, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/avif': '.avif',
  'image/tiff': '.tiff',
  'image/heic': '.heic',
  'image/heif': '.heif',
};

// What counts as an extension worth keeping when the name is shortened or has no stem left.
const EXTENSION = /\.[A-Za-z0-9]{1,10}$/;

/**
 * The user's file name made safe to be the last segment of a key and to show: its base name only,
 * in NFC, reduced to [A-Za-z0-9._-], without leading dots or dashes, and at most
 * MAX_FILE_NAME_BYTES with the extension kept. It never contains '/' or '..', and is never empty.
 */
export function sanitizeFileName(fileName: string, contentType: UploadContentType): string {
  const baseName = fileName.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = baseName
    // Invisible characters (controls, bidi overrides, zero-width joiners) go without a trace.
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/[.-]+$/, '');
  const extension = EXTENSION.exec(cleaned)?.[0] ?? '';
  // Only ASCII is left, so a character is a byte.
  const stem = trimDotsAndDashes(
    cleaned.slice(0, cleaned.length - extension.length).slice(0, MAX_FILE_NAME_BYTES - extension.length),
  );
  if (!stem) return `image${extension || DEFAULT_EXTENSIONS[contentType]}`;
  return stem + extension;
}

// Leading dots would hide the file or read as a relative path; trailing ones would double up with
// the extension's dot.
function trimDotsAndDashes(value: string): string {
  return value.replace(/^[.-]+|[.-]+$/g, '');
}
