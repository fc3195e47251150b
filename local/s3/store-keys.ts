/**
 * Object keys as the store (s3rver's file system store) holds them, and the bucket listing over
 * them (pure: store-layout.ts applies both to s3rver's store).
 *
 * An S3 key is up to 1,024 bytes of UTF-8 with no limit per '/'-separated segment (AWS, "Naming
 * Amazon S3 objects"), but s3rver stores `a/b/c` as the file `a/b/c._S3rver_object`, one directory
 * per segment, so a segment longer than a file name may be (NAME_MAX, 255 bytes, less s3rver's
 * suffixes) failed with ENAMETOOLONG, and `.`, `..` or empty segments were resolved as paths
 * (`a/../b` stored as `b`, `../x` outside the bucket). Such a segment is stored as a chain of
 * directory names that spell it back: pieces marked `~+` (continued in the next name) and a last
 * piece marked `~=`. The mapping is reversible and injective (a segment kept as it is never starts
 * with a marker or s3rver's `._S3rver_`; one that does is stored marked), so the store needs no
 * index, and the true key is read back from the path alone. Ordinary keys keep s3rver's layout.
 *
 * The bucket listing walks these names (store-listing.ts): `keyPrefixOfDirectory` is what lets it
 * order and skip directories by the keys they hold.
 */

/** S3's key limit (bytes of UTF-8). */
export const MAX_KEY_BYTES = 1024;
/** NAME_MAX (Linux, macOS), less s3rver's longest suffix on an object's file (`._S3rver_metadata.json`). */
const MAX_NAME_BYTES = 255 - '._S3rver_metadata.json'.length;
const CONTINUED = '~+';
const LAST = '~=';

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The names of the path (directories, then the object's base name) the store keeps `key` under. */
export function storedNames(key: string): string[] {
  const segments = key.split('/');
  return segments.flatMap((segment, index) => (keptAsIs(segment, index === segments.length - 1) ? [segment] : marked(segment)));
}

/** The key stored under `names` (what `storedNames` made), or null for names it cannot have made. */
export function keyOfStoredNames(names: readonly string[]): string | null {
  const segments: string[] = [];
  let pending: string | null = null;
  for (const name of names) {
    if (name.startsWith(CONTINUED)) {
      pending = (pending ?? '') + name.slice(CONTINUED.length);
    } else if (name.startsWith(LAST)) {
      segments.push((pending ?? '') + name.slice(LAST.length));
      pending = null;
    } else {
      if (pending !== null) return null;
      segments.push(name);
    }
  }
  return pending === null ? segments.join('/') : null;
}

/**
 * The text every key stored below the directory `names` starts with (a listing skips directories
 * outside its prefix): its whole segments, each with its '/', and the start of a marked segment.
 */
export function keyPrefixOfDirectory(names: readonly string[]): string {
  return names.map((name) => (name.startsWith(CONTINUED) ? name.slice(CONTINUED.length) : `${name.startsWith(LAST) ? name.slice(LAST.length) : name}/`)).join('');
}

function keptAsIs(segment: string, isLast: boolean): boolean {
  // s3rver's own names (its multipart uploads live in the bucket's `._S3rver_uploads`) stay its own.
  if (segment.startsWith(CONTINUED) || segment.startsWith(LAST) || segment.startsWith('._S3rver_')) return false;
  if (segment === '.' || segment === '..') return false;
  // An empty last segment (`photos/`, a "folder" object) is the file `photos/._S3rver_object`.
  if (segment === '') return isLast;
  return utf8Length(segment) <= MAX_NAME_BYTES;
}

/** `segment` as marked names of at most MAX_NAME_BYTES each, split between characters. */
function marked(segment: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const character of segment) {
    if (utf8Length(piece + character) > MAX_NAME_BYTES - LAST.length) {
      pieces.push(piece);
      piece = '';
    }
    piece += character;
  }
  pieces.push(piece);
  return pieces.map((text, index) => (index === pieces.length - 1 ? LAST : CONTINUED) + text);
}
