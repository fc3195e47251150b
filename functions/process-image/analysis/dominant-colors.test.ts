import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dominantColors } from './dominant-colors.ts';
import { type Rgb, decodedFrom, fromPixels, halfTransparentPng, photo, redBlueThreeToOne } from './fixtures/corpus.ts';

const colorsOf = async (image: Buffer) => dominantColors(await decodedFrom(sharp(image)));

describe('dominantColors', () => {
  it('finds the two colours of a solid two-colour image with their exact shares', async () => {
    // 64x32 is the sample size itself: every pixel is counted as it is.
    expect(await colorsOf(await redBlueThreeToOne(64, 32))).toEqual([
      { hex: '#ff0000', pixelPercent: 75 },
      { hex: '#0000ff', pixelPercent: 25 },
    ]);
  });

  it('still finds them on a downsample, where the column at the edge blends the two', async () => {
    const colors = await colorsOf(await redBlueThreeToOne(256, 128));
    expect(colors.slice(0, 2)).toEqual([
      { hex: '#ff0000', pixelPercent: 73.4 },
      { hex: '#0000ff', pixelPercent: 23.4 },
    ]);
    // One blended column on each side of the edge, 1/64 of the sample each.
    expect(colors.slice(2).map((color) => color.pixelPercent)).toEqual([1.5, 1.5]);
  });

  it('counts opaque pixels only', async () => {
    expect(await colorsOf(await halfTransparentPng())).toEqual([{ hex: '#00ff00', pixelPercent: 100 }]);
  });

  it('has no colours for a fully transparent image', async () => {
    const clear = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 9, g: 9, b: 9, alpha: 0 } } }).png().toBuffer();
    expect(await colorsOf(clear)).toEqual([]);
  });

  it('merges shades of one colour into the most common shade', async () => {
    // Two blues about 3 CIE76 units apart: one surface, not two colours.
    const shades = fromPixels(50, 20, (x) => (x < 30 ? [0x33, 0x66, 0x99] : [0x3a, 0x6c, 0xa0]));
    expect(await dominantColors(await decodedFrom(shades))).toEqual([{ hex: '#336699', pixelPercent: 100 }]);
  });

  it('keeps the 5 largest of 6 colours, largest first, shares floored to 0.1', async () => {
    // 64 columns (the sample size, so nothing is resampled): 20, 16, 12, 8, 5 and 3 columns.
    const stripes: [number, Rgb][] = [
      [20, [255, 0, 0]],
      [36, [0, 0, 255]],
      [48, [0, 160, 0]],
      [56, [255, 255, 0]],
      [61, [0, 0, 0]],
      [64, [255, 255, 255]],
    ];
    const image = fromPixels(64, 8, (x) => stripes.find(([end]) => x < end)?.[1] ?? [0, 0, 0]);
    expect(await dominantColors(await decodedFrom(image))).toEqual([
      { hex: '#ff0000', pixelPercent: 31.2 },
      { hex: '#0000ff', pixelPercent: 25 },
      { hex: '#00a000', pixelPercent: 18.7 },
      { hex: '#ffff00', pixelPercent: 12.5 },
      { hex: '#000000', pixelPercent: 7.8 },
    ]);
  });

  it('gives a photo at most 5 distinct colours, most prominent first, summing to at most 100', async () => {
    const colors = await colorsOf(photo('cups'));
    expect(colors).toHaveLength(5);
    for (const color of colors) expect(color.hex).toMatch(/^#[0-9a-f]{6}$/);
    const shares = colors.map((color) => color.pixelPercent);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeLessThanOrEqual(100);
    expect(new Set(colors.map((color) => color.hex)).size).toBe(5);
    // Deterministic: the same pixels give the same answer.
    expect(await colorsOf(photo('cups'))).toEqual(colors);
  });
});
