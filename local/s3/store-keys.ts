/**
 * Object keys as the store (s3rver's file system store) holds them, and the bucket listing over
 * them (pure: store-layout.ts applies both to s3rver's store).
 *
 * An S3 key is up to 1,024 bytes of UTF-8 with no limit per '/'-separated segment (AWS, "Naming
 * Amazon S3 objects"), but s3rver stores `a/b/c` as the file `a/b/c._S3rver_object`, one directory
 * per segment, so a segment longer than a file name may be (NAME_MAX, 255 bytes, less s3rver's
 * suffixes) failed with ENAMETOOLONG, `.`, `..` or empty segments were resolved as paths
 * (`a/../b` stored as `b`, `../x` outside the bucket), a NUL (which S3 takes, "any Unicode
 * character", and no file name holds) failed every request naming the key, and a directory named
 * like one of s3rver's files (`foo._S3rver_object/x`) competed with that file (`foo`'s bytes).
 * Such a segment is stored as a chain of directory names that spell it back: pieces marked `~+`
 * (continued in the next name) and a last piece marked `~=`; a segment holding a NUL, or a
 * directory's holding `._S3rver_`, is marked `~%+` and `~%=`, its NULs written `%00`, its `%`s
 * `%25` and its `.`s `%2E`. The mapping is reversible and injective (a segment kept as it is never
 * starts with a marker, nor holds s3rver's `._S3rver_` unless it is the last, which only ever
 * names files; one that does is stored marked), so the store needs no index, and the true key is
 * read back from the path alone. No directory is named like a file: a file's name holds
 * `._S3rver_` (its suffix) and starts as a kept segment, `~=` or `~%=` does; no directory's name
 * starting so holds `._S3rver_` (`a/..` is the file `a/~=.._S3rver_object`, `a/.._S3rver_object/x`
 * is under the directory `a/~%=%2E%2E_S3rver_object`). Ordinary keys keep s3rver's layout.
 *
 * The bucket listing walks these names (store-listing.ts): `keyPrefixOfDirectory` is what lets it
 * order and skip directories by the keys they hold.
 */

/** S3's key limit (bytes of UTF-8). */
export const MAX_KEY_BYTES = 1024;
/** NAME_MAX (Linux, macOS), less s3rver's longest suffix on an object's file (`._S3rver_metadata.json`). */
const MAX_NAME_BYTES = 255 - '._S3rver_metadata.json'.length;
/** What every name s3rver gives its own files and directories holds (`<key>._S3rver_object`, `._S3rver_uploads`). */
const S3RVER_NAME = '._S3rver_';

/** How a marked segment's pieces are named and their text held. */
interface Marking {
  continued: string;
  last: string;
  write(character: string): string;
  read(text: string): string;
}
const PLAIN: Marking = { continued: '~+', last: '~=', write: (character) => character, read: (text) => text };
/** What ESCAPED writes as `%` and two hex digits: its names hold no NUL, and no `.`, so no `._S3rver_`. */
const ESCAPED_CHARACTERS: Record<string, string> = { '\0': '%00', '%': '%25', '.': '%2E' };
const UNESCAPED_CHARACTERS = Object.fromEntries(Object.entries(ESCAPED_CHARACTERS).map(([character, code]) => [code, character]));
const ESCAPED: Marking = {
  continued: '~%+',
  last: '~%=',
  write: (character) => ESCAPED_CHARACTERS[character] ?? character,
  read: (text) => text.replace(/%(00|25|2E)/g, (code) => UNESCAPED_CHARACTERS[code] ?? code),
};
const MARKINGS = [PLAIN, ESCAPED];
/** A marked name's text, decoded, and whether its segment continues in the next name. */
interface Piece {
  text: string;
  continued: boolean;
  marking: Marking;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The names of the path (directories, then the object's base name) the store keeps `key` under. */
export function storedNames(key: string): string[] {
  const segments = key.split('/');
  return segments.flatMap((segment, index) => {
    const isLast = index === segments.length - 1;
    return keptAsIs(segment, isLast) ? [segment] : marked(segment, isLast);
  });
}

/** The key stored under `names` (what `storedNames` made), or null for names it cannot have made. */
export function keyOfStoredNames(names: readonly string[]): string | null {
  const segments: string[] = [];
  /** The text of a marked segment read so far, and its marking (a chain never mixes two). */
  let pending: Piece | null = null;
  for (const name of names) {
    const piece = markedPiece(name);
    if (!piece || (pending && pending.marking !== piece.marking)) {
      if (pending) return null;
      segments.push(name);
      continue;
    }
    const text: string = (pending ? pending.text : '') + piece.text;
    if (piece.continued) {
      pending = { ...piece, text };
    } else {
      segments.push(text);
      pending = null;
    }
  }
  return pending ? null : segments.join('/');
}

/**
 * The text every key stored below the directory `names` starts with (a listing skips directories
 * outside its prefix): its whole segments, each with its '/', and the start of a marked segment.
 */
export function keyPrefixOfDirectory(names: readonly string[]): string {
  return names
    .map((name) => {
      const piece = markedPiece(name);
      if (!piece) return `${name}/`;
      return piece.continued ? piece.text : `${piece.text}/`;
    })
    .join('');
}

/** The piece a marked name holds; null for a name kept as it is. */
function markedPiece(name: string): Piece | null {
  for (const marking of MARKINGS) {
    for (const [marker, continued] of [[marking.continued, true], [marking.last, false]] as const) {
      if (name.startsWith(marker)) return { text: marking.read(name.slice(marker.length)), continued, marking };
    }
  }
  return null;
}

function keptAsIs(segment: string, isLast: boolean): boolean {
  if (MARKINGS.some(({ continued, last }) => segment.startsWith(continued) || segment.startsWith(last))) return false;
  // s3rver's own names stay its own: its multipart uploads live in the bucket's `._S3rver_uploads`,
  // and a directory named like a file of s3rver's (`foo._S3rver_object`, `foo._S3rver_7.o.tmp`)
  // would take the place of that file. A last segment only ever names files, with a suffix.
  if (segment.startsWith(S3RVER_NAME) || (!isLast && segment.includes(S3RVER_NAME))) return false;
  if (segment === '.' || segment === '..' || segment.includes('\0')) return false;
  // An empty last segment (`photos/`, a "folder" object) is the file `photos/._S3rver_object`.
  if (segment === '') return isLast;
  return utf8Length(segment) <= MAX_NAME_BYTES;
}

/**
 * `segment` as marked names of at most MAX_NAME_BYTES each, split between characters. A
 * directory's holding `._S3rver_` is escaped: marked plainly, `a/.._S3rver_object/x` would make
 * the directory `a/~=.._S3rver_object`, the file of `a/..`.
 */
function marked(segment: string, isLast: boolean): string[] {
  const marking = segment.includes('\0') || (!isLast && segment.includes(S3RVER_NAME)) ? ESCAPED : PLAIN;
  const room = MAX_NAME_BYTES - Math.max(marking.continued.length, marking.last.length);
  const pieces: string[] = [];
  let piece = '';
  for (const character of segment) {
    const written = marking.write(character);
    if (utf8Length(piece + written) > room) {
      pieces.push(piece);
      piece = '';
    }
    piece += written;
  }
  pieces.push(piece);
  return pieces.map((text, index) => (index === pieces.length - 1 ? marking.last : marking.continued) + text);
}
