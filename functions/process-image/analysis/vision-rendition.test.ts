import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodedFrom, halfTransparentPng, pixelAt, solid } from './fixtures/corpus.ts';
import { needsVisionRendition, renderVisionRendition } from './vision-rendition.ts';

describe('needsVisionRendition', () => {
  it.each([
    ['JPEG', 2_000_000, false],
    ['PNG', 15_000_000, false],
    ['JPEG', 15_000_001, true],
    ['PNG', 20_000_000, true],
    ['WEBP', 1_000, true],
    ['GIF', 1_000, true],
    ['AVIF', 1_000, true],
    ['TIFF', 1_000, true],
  ] as const)('%s of %i bytes: %s', (format, bytes, expected) => {
    expect(needsVisionRendition(format, bytes)).toBe(expected);
  });

  it.each([
    ['cmyk', '8', true],
    ['srgb', '16', true],
    ['b-w', '8', false],
    ['srgb', '8', false],
  ])('a JPEG in %s at %s bits: %s (CMYK and 16-bit are not safe bets for Rekognition)', (colorSpace, bitDepth, expected) => {
    expect(needsVisionRendition('JPEG', 1000, { colorSpace, bitDepth })).toBe(expected);
  });
});

describe('renderVisionRendition', () => {
  it('makes a JPEG with its long edge at most 1920', async () => {
    const rendition = await renderVisionRendition(await decodedFrom(solid(2400, 1500, [20, 120, 220])));
    expect(rendition.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(await sharp(rendition).metadata()).toMatchObject({ format: 'jpeg', width: 1920, height: 1200, space: 'srgb' });
  });

  it('does not enlarge small images', async () => {
    const rendition = await renderVisionRendition(await decodedFrom(solid(300, 100, [20, 120, 220])));
    expect(await sharp(rendition).metadata()).toMatchObject({ width: 300, height: 100 });
  });

  it('puts transparent areas on white', async () => {
    const rendition = await renderVisionRendition(await decodedFrom(sharp(await halfTransparentPng())));
    const [r = 0, g = 0, b = 0] = await pixelAt(rendition, 5, 20);
    expect(Math.min(r, g, b)).toBeGreaterThan(245);
  });
});
