import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, thumbnailSpecs } from '../../shared/config.ts';
import { analyzeImage } from './analyze-image.ts';
import { decodedFrom, fromPixels, photo } from './fixtures/corpus.ts';
import { differenceHash, sha256Hex } from './fingerprints.ts';

const options = { maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) };

async function hashes(...images: Buffer[]): Promise<string[]> {
  return Promise.all(images.map(async (bytes) => (await analyzeImage(bytes, options)).perceptualHash));
}

function hamming(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) throw new Error('missing hash');
  let bits = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  for (; bits > 0n; bits >>= 1n) count += Number(bits & 1n);
  return count;
}

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.alloc(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('differenceHash', () => {
  // A ramp across 900 columns: every one of the 9 reduced columns is darker than the one on its left.
  const darkening = (x: number) => 255 - Math.round((x * 255) / 899);
  const grey = (level: number) => [level, level, level] as const;

  it('sets a bit where the left pixel is brighter than its right neighbour', async () => {
    const image = await decodedFrom(fromPixels(900, 80, (x) => grey(darkening(x))));
    expect(await differenceHash(image)).toBe('ffffffffffffffff');
  });

  it('clears it where the left pixel is darker', async () => {
    const image = await decodedFrom(fromPixels(900, 80, (x) => grey(255 - darkening(x))));
    expect(await differenceHash(image)).toBe('0000000000000000');
  });

  it('reads rows top first, most significant bit first', async () => {
    // Top 4 of 8 rows darken to the right, bottom 4 brighten.
    const image = await decodedFrom(fromPixels(900, 80, (x, y) => grey(y < 40 ? darkening(x) : 255 - darkening(x))));
    expect(await differenceHash(image)).toBe('ffffffff00000000');
  });

  it('is the same for a re-encoded copy of a photo and far from another photo', async () => {
    const original = photo('cups');
    const [cups, cupsJpeg, cupsWebp, path] = await hashes(
      original,
      await sharp(original).jpeg({ quality: 85 }).toBuffer(),
      await sharp(original).webp({ quality: 75 }).toBuffer(),
      photo('path'),
    );
    expect(cups).toMatch(/^[0-9a-f]{16}$/);
    expect(cupsJpeg).toBe(cups);
    expect(cupsWebp).toBe(cups);
    expect(hamming(cups, path)).toBeGreaterThan(20);
  });

  it('stays within a few bits for harsher copies (bits of near-equal neighbours can flip)', async () => {
    const original = photo('cups');
    const [cups, lowQuality, halfSize] = await hashes(
      original,
      await sharp(original).jpeg({ quality: 50 }).toBuffer(),
      await sharp(original).resize(512).jpeg().toBuffer(),
    );
    expect(hamming(cups, lowQuality)).toBeLessThanOrEqual(3);
    expect(hamming(cups, halfSize)).toBeLessThanOrEqual(3);
  });
});
