import type { DominantColor } from '../../schema/generated/graphql.ts';
import { FIELD, type ImageDocument } from './imageDocument.ts';

/**
 * "More like this" for `similarImages`: the OpenSearch request, and the ranking of what it returns.
 * Plain code that both runtimes run (APPSYNC_JS in the resolver, Node in the clients, which explain
 * a match with the same rules): no regex, loops with counters, exceptions or AppSync utilities.
 */
type Clause = Record<string, unknown>;

/**
 * The largest Hamming distance between the 64-bit perceptual hashes of two copies of one photo
 * (re-encoded, resized, messenger-style), for `nearDuplicateOf` and `similarImages` alike.
 * Calibrated by `npm run eval:duplicates` (bench/eval/duplicates.eval.ts; figures in
 * bench/eval/README.md) on copies of the fixtures and every pair of distinct fixture photos.
 */
export const NEAR_DUPLICATE_MAX_DISTANCE = 8;
/** Two dominant colours match within this RGB distance (of 441): about one step of a colour picker. */
export const COLOR_MATCH_DISTANCE = 60;
/** What a full colour match adds to the text relevance: about one shared uncommon label's BM25. */
const COLOR_WEIGHT = 2;
/** Ranks the source document above any candidate; BM25 sums of 100 terms stay far below it. */
const SOURCE_SCORE = 1_000_000;

/** What the candidates are compared on: label names, the words of detected text, identical bytes or hashes. */
const LIKE_FIELDS = [FIELD.labelKeyword, FIELD.detectedText, FIELD.sha256, FIELD.perceptualHash];

/**
 * One search returns both the source image and its candidates, so the owner check and the
 * similarity query cost one request: the source matches the `ids` clause only when it is the
 * caller's and not deleted, and the response refuses when it is not among the hits. The owner
 * filter applies to every hit. more_like_this fetches the liked document itself and picks its most
 * telling terms (tf x idf); min_doc_freq 2 skips terms no other document has, and one shared term
 * (a label, a word, the same bytes or perceptual hash) is enough for a candidate, as is pointing at
 * the image as its duplicate. `pool` hits are ranked by `rankSimilar`.
 */
export function similarImagesQuery(ownerSub: string, id: string, pool: number): Clause {
  return {
    size: pool + 1,
    // Hits carry their _score for the ranking even though the sort has more than _score.
    track_scores: true,
    query: {
      bool: {
        filter: [{ term: { [FIELD.owner]: ownerSub } }],
        must_not: [{ term: { [FIELD.status]: 'DELETED' } }],
        should: [
          { constant_score: { filter: { ids: { values: [id] } }, boost: SOURCE_SCORE } },
          {
            bool: {
              filter: [{ term: { [FIELD.status]: 'PROCESSED' } }],
              must_not: [{ term: { [FIELD.moderated]: true } }],
              should: [
                {
                  more_like_this: {
                    fields: LIKE_FIELDS,
                    // Without _index the liked document is looked up in the searched index.
                    like: [{ _id: id }],
                    min_term_freq: 1,
                    min_doc_freq: 2,
                    max_query_terms: 25,
                    minimum_should_match: 1,
                  },
                },
                // Copies that point at this image.
                { term: { [FIELD.duplicateOf]: id } },
                { term: { [FIELD.nearDuplicateOf]: id } },
              ],
              minimum_should_match: 1,
            },
          },
        ],
        minimum_should_match: 1,
      },
    },
    sort: [{ _score: { order: 'desc' } }, { [FIELD.uploadedAt]: { order: 'desc' } }, { [FIELD.id]: { order: 'asc' } }],
  };
}

/** The fields a comparison reads. */
export type Comparable = Pick<ImageDocument, 'id' | 'sha256' | 'perceptualHash' | 'duplicateOf' | 'nearDuplicateOf' | 'dominantColors'>;

/** 2: the same bytes; 1: a near-duplicate (the same photo resized or re-encoded); 0: neither. */
export function duplicateTier(source: Comparable, other: Comparable): number {
  const sameBytes = (source.sha256 && source.sha256 === other.sha256) || other.duplicateOf === source.id || source.duplicateOf === other.id;
  if (sameBytes) {
    return 2;
  }
  const linked = (other.nearDuplicateOf && other.nearDuplicateOf === source.id) || (source.nearDuplicateOf && source.nearDuplicateOf === other.id);
  const distance = hammingDistance(source.perceptualHash, other.perceptualHash);
  return linked || (distance !== null && distance <= NEAR_DUPLICATE_MAX_DISTANCE) ? 1 : 0;
}

const HEX = '0123456789abcdef';
const NIBBLE_BITS = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** Differing bits of two equally long hex hashes; null when either is missing or they differ in length. */
export function hammingDistance(a: string | null | undefined, b: string | null | undefined): number | null {
  if (!a || !b || a.length !== b.length) {
    return null;
  }
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left.split('').reduce((bits, character, i) => bits + (NIBBLE_BITS[HEX.indexOf(character) ^ HEX.indexOf(right.charAt(i))] ?? 4), 0);
}

/** `#rrggbb` as [r, g, b]. */
function rgb(hex: string): number[] {
  const digits = hex.toLowerCase();
  return [1, 3, 5].map((at) => HEX.indexOf(digits.charAt(at)) * 16 + HEX.indexOf(digits.charAt(at + 1)));
}

export function colorsMatch(a: string, b: string): boolean {
  const [r1 = 0, g1 = 0, b1 = 0] = rgb(a);
  const [r2 = 0, g2 = 0, b2 = 0] = rgb(b);
  return Math.sqrt((r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2)) <= COLOR_MATCH_DISTANCE;
}

/** The source's dominant colours that the other image also has (within COLOR_MATCH_DISTANCE). */
export function sharedColors(source: DominantColor[], other: DominantColor[]): DominantColor[] {
  return source.filter((color) => other.some((candidate) => colorsMatch(color.hex, candidate.hex)));
}

/** How much of the two images' area is in matching colours, 0 to 1. */
export function colorOverlap(source: DominantColor[], other: DominantColor[]): number {
  const shared = source.reduce((sum, color) => {
    const matching = other.filter((candidate) => colorsMatch(color.hex, candidate.hex));
    const best = matching.reduce((most, candidate) => Math.max(most, candidate.pixelPercent), 0);
    return sum + Math.min(color.pixelPercent, best);
  }, 0);
  return Math.min(1, shared / 100);
}

export interface ScoredCandidate<T extends Comparable> {
  doc: T;
  /** The search engine's relevance (shared labels and words). */
  score: number;
}

/**
 * Duplicates first (the same bytes, then near-duplicates), then by relevance plus colour overlap;
 * the engine's order (newest first) among equals.
 */
export function rankSimilar<T extends Comparable>(source: Comparable, candidates: ScoredCandidate<T>[]): T[] {
  const keyed = candidates.map((candidate) => ({
    doc: candidate.doc,
    tier: duplicateTier(source, candidate.doc),
    relevance: candidate.score + COLOR_WEIGHT * colorOverlap(source.dominantColors, candidate.doc.dominantColors),
  }));
  // An insertion sort (APPSYNC_JS has no sort with a comparator), before the first that ranks
  // lower, so that equals keep the engine's order. At most a pool of 50.
  const ranked = keyed.reduce<typeof keyed>((sorted, entry) => {
    const at = sorted.findIndex((other) => entry.tier > other.tier || (entry.tier === other.tier && entry.relevance > other.relevance));
    return at < 0 ? [...sorted, entry] : [...sorted.slice(0, at), entry, ...sorted.slice(at)];
  }, []);
  return ranked.map((entry) => entry.doc);
}
