import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RekognitionError } from './core/errors.ts';
import { DETECTOR_SIDE, detectorPixels } from './detector-pixels.ts';
import { decodesOnce, photoPixels } from './photo-pixels.ts';
import { TEXT_SIDE, textPixels } from './text-pixels.ts';
import { noiseJpeg } from './testing/noise-jpeg.ts';

/** A real 2560x1600 photo carrying the usual sRGB profile. */
const CUPS = readFileSync(new URL('./fixtures/ColorfulCups_2560x1600.jpg', import.meta.url));

const header = async (image: Buffer) => sharp(image).metadata();
const colour = () => sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 90 } } });

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('decodesOnce', () => {
  it('is true for an opaque 8-bit sRGB photo without a profile or with an sRGB one', async () => {
    expect(await decodesOnce(await header(await noiseJpeg(64, 48)))).toBe(true);
    expect(await decodesOnce(await header(await colour().withIccProfile('srgb').jpeg().toBuffer()))).toBe(true);
    expect(await decodesOnce(await header(CUPS))).toBe(true);
  });

  it('is false where one decode would change what the detectors or the OCR see', async () => {
    const images = {
      // Transparency: black for the detectors, white for the OCR.
      transparent: await colour().ensureAlpha(0.5).png().toBuffer(),
      // The detectors see a wide-gamut photo converted to sRGB.
      p3: await colour().withIccProfile('p3').jpeg().toBuffer(),
      cmyk: await colour().toColourspace('cmyk').jpeg().toBuffer(),
      sixteenBits: await colour().toColourspace('rgb16').png().toBuffer(),
      grey: await colour().toColourspace('b-w').jpeg().toBuffer(),
    };
    const answers = await Promise.all(Object.values(images).map(async (image) => decodesOnce(await header(image))));
    expect(Object.fromEntries(Object.keys(images).map((name, i) => [name, answers[i]]))).toEqual({
      transparent: false,
      p3: false,
      cmyk: false,
      sixteenBits: false,
      grey: false,
    });
  });
});

describe('photoPixels', () => {
  it.each([
    [900, 600, [DETECTOR_SIDE, 341], 1067],
    // Under the detector side: never enlarged for the detectors.
    [400, 300, [400, 300], 1200],
  ])('gives a %ix%i JPEG the very pixels of the decodes it replaces: RGB, grey, grey enlarged', async (width, height, [rgbWidth, rgbHeight], enlargedHeight) => {
    const bytes = await noiseJpeg(width, height);
    const [pixels, rgb, own, enlarged] = await Promise.all([photoPixels(bytes), detectorPixels(bytes), textPixels(bytes, false), textPixels(bytes, true)]);
    expect(pixels.rgb).toMatchObject({ width: rgbWidth, height: rgbHeight });
    expect(Buffer.from(pixels.rgb.data).equals(rgb.data)).toBe(true);
    expect(pixels.grey.map(({ width, height }) => [width, height])).toEqual([
      [width, height],
      [TEXT_SIDE, enlargedHeight],
    ]);
    expect(pixels.grey[0]!.data.equals(own.data)).toBe(true);
    expect(pixels.grey[1]!.data.equals(enlarged.data)).toBe(true);
  });

  it('reads a larger photo at the OCR side once, within a level of the separate decodes', async () => {
    const [pixels, rgb, own] = await Promise.all([photoPixels(CUPS), detectorPixels(CUPS), textPixels(CUPS, false)]);
    expect(pixels.rgb).toMatchObject({ width: DETECTOR_SIDE, height: 320 });
    expect(pixels.grey.map(({ width, height }) => [width, height])).toEqual([[TEXT_SIDE, 1000]]);
    // Scaled from the OCR's size rather than from the file, and made grey after scaling rather than before.
    expect(meanDifference(pixels.rgb.data, rgb.data)).toBeLessThan(1.5);
    expect(meanDifference(pixels.grey[0]!.data, own.data)).toBeLessThan(0.5);
  });

  it('decodes a transparent photo for each, as before: black under the detectors, white under the OCR', async () => {
    const data = Buffer.alloc(800 * 600 * 4);
    for (let i = 0; i < 800 * 600; i++) data.set(i % 800 < 400 ? [255, 0, 0, 0] : [128, 128, 128, 255], i * 4);
    const png = await sharp(data, { raw: { width: 800, height: 600, channels: 4 } }).png().toBuffer();
    const [pixels, rgb, own, enlarged] = await Promise.all([photoPixels(png), detectorPixels(png), textPixels(png, false), textPixels(png, true)]);
    expect(Buffer.from(pixels.rgb.data).equals(rgb.data)).toBe(true);
    expect(pixels.grey).toHaveLength(2);
    expect(pixels.grey[0]!.data.equals(own.data) && pixels.grey[1]!.data.equals(enlarged.data)).toBe(true);
    expect([pixels.rgb.data[0], pixels.grey[0]!.data[0]]).toEqual([0, 255]);
  });

  it.each([
    ['a JPEG decoded once', () => noiseJpeg(2400, 1800)],
    ['a transparent PNG decoded for each', () => colour().resize(2400, 1800).ensureAlpha(0.5).png().toBuffer()],
  ])('refuses %s whose pixels are truncated as InvalidImageFormatException', async (_, make) => {
    const whole = await make();
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    await expect(photoPixels(truncated)).rejects.toMatchObject({ type: 'InvalidImageFormatException' } satisfies Partial<RekognitionError>);
  });
});
