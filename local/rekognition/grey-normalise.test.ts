import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { normaliseGrey } from './grey-normalise.ts';

const JUDGED = new URL('../../bench/eval/judged/photos/', import.meta.url);
/** A sign, a painting, a transparent PNG, a close-up: different histograms. */
const PHOTOS = ['scenetext01.jpg', 'starry_night.jpg', 'chicky_512.png', 'grace_hopper.jpg'];

/** The OCR input's greyscale pixels, before any stretch. */
const greyOf = (image: Sharp) => image.flatten({ background: '#ffffff' }).grayscale();

describe('normaliseGrey', () => {
  it.each(PHOTOS)('gives pixel for pixel what sharp.normalise() gives on %s', async (name) => {
    const bytes = await readFile(new URL(name, JUDGED));
    const grey = await greyOf(sharp(bytes)).raw().toBuffer();
    const bySharp = await greyOf(sharp(bytes)).normalise().raw().toBuffer();
    const ours = await normaliseGrey(grey);
    expect(ours.length).toBe(bySharp.length);
    expect(ours.equals(bySharp)).toBe(true);
  });

  it('stretches a low-contrast image to the full range, and leaves a flat one as it is', async () => {
    const dull = Buffer.from(Array.from({ length: 10_000 }, (_, i) => 100 + (i % 41)));
    const stretched = await normaliseGrey(dull);
    expect(Math.max(...stretched) - Math.min(...stretched)).toBeGreaterThan(200);
    const bySharp = await sharp(dull, { raw: { width: 100, height: 100, channels: 1 } }).normalise().raw().toBuffer({ resolveWithObject: true });
    expect([...stretched]).toEqual(Array.from({ length: dull.length }, (_, i) => bySharp.data[i * bySharp.info.channels]));
    const flat = Buffer.alloc(5_000, 77);
    expect((await normaliseGrey(flat)).equals(flat)).toBe(true);
  });
});
