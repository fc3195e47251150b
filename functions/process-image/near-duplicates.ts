/**
 * Near-duplicates by perceptual hash: the 64-bit dHash of fingerprints.ts, compared by Hamming
 * distance. Pure functions; the index (image-index.ts) runs the search as an OpenSearch k-NN query
 * on binary vectors, which scores a candidate 1 / (1 + distance) in the `hamming` space.
 */

import { NEAR_DUPLICATE_MAX_DISTANCE, hammingDistance as bitsApart } from '../../resolvers/lib/similarity.ts';

/** One threshold for `nearDuplicateOf` here and `similarImages`' ranking (resolvers/lib/similarity.ts). */
export { NEAR_DUPLICATE_MAX_DISTANCE };

/** Bits of the hash: the `dimension` of the binary k-NN vector. */
export const HASH_BITS = 64;

/**
 * The hash as OpenSearch takes a binary vector: one signed byte (-128..127) per 8 bits, most
 * significant first. "ff00..." becomes [-1, 0, ...].
 */
export function hashToBinaryVector(hex: string): number[] {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new Error(`not a 64-bit hex hash: ${JSON.stringify(hex)}`);
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) {
    const byte = Number.parseInt(hex.slice(i, i + 2), 16);
    bytes.push(byte > 127 ? byte - 256 : byte);
  }
  return bytes;
}

/** The number of differing bits of two hex hashes of equal length (similarImages' count, strict). */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new Error(`hashes of different lengths: ${a}, ${b}`);
  return bitsApart(a, b) ?? 0;
}

/**
 * Whether a hash says enough about its picture to compare it: a solid or blank image has no
 * brightness gradient and hashes to 0, as does nearly any flat picture (a plain screenshot, a
 * colour swatch), so every such image would match every other. A hash within the threshold of the
 * blank hash is not compared.
 */
export function comparableHash(hex: string): boolean {
  return hammingDistance(hex, '0'.repeat(hex.length)) > NEAR_DUPLICATE_MAX_DISTANCE;
}

/** The distance a hamming-space k-NN score (1 / (1 + d), a 32-bit float) stands for. */
export function distanceOfScore(score: number): number {
  return Math.round(1 / score - 1);
}
