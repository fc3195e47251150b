import { describe, expect, it } from 'vitest';
import { comparableHash, distanceOfScore, hammingDistance, hashToBinaryVector } from './near-duplicates.ts';

describe('hashToBinaryVector', () => {
  it('packs 8 bits per signed byte, most significant first, as OpenSearch binary vectors take them', () => {
    expect(hashToBinaryVector('ff00807f01000000')).toEqual([-1, 0, -128, 127, 1, 0, 0, 0]);
    // The docs' example: bits 0,1,1,0,0,0,1,1 are the byte 99.
    expect(hashToBinaryVector('6300000000000000')[0]).toBe(99);
  });

  it('refuses anything but 16 lowercase hex digits', () => {
    for (const bad of ['', 'ff', 'FF00807F01000000', 'zz00807f01000000', 'ff00807f0100000000']) {
      expect(() => hashToBinaryVector(bad)).toThrow(/not a 64-bit hex hash/);
    }
  });
});

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(hammingDistance('f0f0f0f0f0f0f0f0', '0ff0f0f0f0f0f0f0')).toBe(8);
  });

  it('refuses hashes of different lengths', () => {
    expect(() => hammingDistance('00', '0000')).toThrow(/different lengths/);
  });
});

describe('distanceOfScore', () => {
  it('inverts the hamming score 1 / (1 + d), as OpenSearch sends it (a Java float) or in full', () => {
    expect([1, 0.5, 0.33333334, 0.2, 0.16666667].map(distanceOfScore)).toEqual([0, 1, 2, 4, 5]);
    for (let d = 0; d <= 64; d++) {
      expect(distanceOfScore(1 / (1 + d))).toBe(d);
      expect(distanceOfScore(Math.fround(1 / (1 + d)))).toBe(d);
    }
  });
});

describe('comparableHash', () => {
  it('refuses hashes within the threshold of a blank image’s (0), accepts textured ones', () => {
    expect(comparableHash('0000000000000000')).toBe(false);
    expect(comparableHash('00000000000000ff')).toBe(false);
    expect(comparableHash('00000000000001ff')).toBe(true);
    expect(comparableHash('ffffffffffffffff')).toBe(true);
  });
});
