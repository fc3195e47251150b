import type { ImageFormat, ImageStatus } from '../../schema/generated/graphql.ts';

/**
 * Bounds on every user-supplied string and list, in one place. The resolvers (APPSYNC_JS) and the
 * Lambda functions (Node) check the same numbers and word their refusals the same way, through
 * the `...Problem` functions below: each returns the BadRequest message, or null when the value is
 * fine. They are plain code that both runtimes run (no regex, loops, exceptions or function
 * arguments). The schema's descriptions state these numbers.
 */

// Typed by the schema's enums, so a new format or status cannot be forgotten in the list limits.
const FORMATS: Record<ImageFormat, true> = { JPEG: true, PNG: true, WEBP: true, GIF: true, AVIF: true, TIFF: true, HEIC: true, HEIF: true };
const STATUSES: Record<ImageStatus, true> = { PROCESSING: true, PROCESSED: true, FAILED: true, DELETED: true };

export const INPUT_LIMITS = {
  /**
   * searchImages(query). The resolver matches the text 7 times: against the 3 content fields twice
   * (scored, and again as the content tier's constant score) and against the file name; with
   * fuzziness each word may expand to 50 index terms per field (Lucene's top-terms rewrite).
   * OpenSearch refuses queries whose rewritten tree has more than 1024 leaf clauses
   * (indices.query.bool.max_clause_count; since Lucene 9 it counts the whole rewritten query, fuzzy
   * expansions included). So typos are tolerated for up to 2 words (2 x 7 x 50 = 700 clauses at
   * worst; 3 words would be 1050) and longer queries match words exactly (10 x 7 = 70); with at
   * most 22 filter clauses the total stays near 70% of the limit.
   */
  query: { maxLength: 200, maxWords: 10, maxFuzzyWords: 2 },
  /** searchImages(first). */
  first: { default: 24, max: 100 },
  /** similarImages(first): a strip of photos; the resolver ranks a pool of max + 1 candidates. */
  similarFirst: { default: 12, max: 50 },
  /** searchImages(after): a cursor the server hands out is at most 120 characters. */
  cursor: { maxLength: 200 },
  /** filter.labels: each one is a term clause; Rekognition's label names are far shorter. */
  labels: { maxCount: 10, maxLength: 100 },
  /** filter.formats and filter.statuses: more entries than values can only repeat one. */
  formats: { maxCount: Object.keys(FORMATS).length },
  statuses: { maxCount: Object.keys(STATUSES).length },
  /** filter.camera: a `Camera.name` from EXIF ("Olympus E-M1"), as `facets.cameras` lists it. */
  camera: { maxLength: 256 },
  /** filter.near: half the Earth's circumference covers every point from any centre. */
  near: { maxRadiusKm: 20000 },
  /** requestUpload: no common file system allows longer names (ext4, APFS, NTFS: 255). */
  fileName: { maxLength: 255 },
  /** requestUpload: RFC 6838 4.2 allows 127 characters for a type and for a subtype. */
  contentType: { maxLength: 255 },
  /** publishImageProcessed: failure reasons are one sentence. */
  reason: { maxLength: 1000 },
  /**
   * publishImageProcessed: the image as JSON. AppSync drops subscription payloads over 240 KB
   * (AppSync quotas); a processed image with 50 labels, 100 faces and 100 lines of text is ~120 KB.
   */
  imageJson: { maxLength: 200_000 },
} as const;

export function lengthProblem(field: string, value: string, maxLength: number): string | null {
  return value.length > maxLength ? `${field} is longer than ${maxLength} characters` : null;
}

export function countProblem(field: string, values: readonly unknown[], maxCount: number): string | null {
  return values.length > maxCount ? `${field} has more than ${maxCount} entries` : null;
}

/** Crockford's base32, the alphabet of ULIDs. */
const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Image ids are made by the server (functions/shared/image-id.ts): ULIDs in canonical form, 26
 * upper-case Crockford base32 characters, the first at most 7 (48-bit time). Anything else is not
 * an id of ours, and could widen a key prefix or a subscription filter.
 */
export function imageIdProblem(field: string, value: string): string | null {
  const valid =
    value.length === 26 &&
    '01234567'.includes(value.charAt(0)) &&
    value.split('').every((character) => ULID_ALPHABET.includes(character));
  return valid ? null : `${field} is not an image id: 26 characters, as requestUpload returns it`;
}

const UUID_HYPHENS = [8, 13, 18, 23];

/** User ids are Cognito user pool `sub`s: lower-case UUIDs. */
export function userIdProblem(field: string, value: string): string | null {
  const valid =
    value.length === 36 &&
    value
      .split('')
      .every((character, i) => (UUID_HYPHENS.includes(i) ? character === '-' : '0123456789abcdef'.includes(character)));
  return valid ? null : `${field} is not a user id: a 36-character Cognito sub`;
}

/** requestUpload's input, checked by its resolver and again by functions/request-upload. */
export function uploadInputProblem(input: { fileName: string; contentType: string }): string | null {
  return (
    lengthProblem('input.fileName', input.fileName, INPUT_LIMITS.fileName.maxLength) ??
    lengthProblem('input.contentType', input.contentType, INPUT_LIMITS.contentType.maxLength)
  );
}
