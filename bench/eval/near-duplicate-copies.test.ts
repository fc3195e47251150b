import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeImage } from '../../functions/process-image/analysis/analyze-image.ts';
import { NEAR_DUPLICATE_MAX_DISTANCE } from '../../functions/process-image/near-duplicates.ts';
import { DEFAULTS, thumbnailSpecs } from '../../functions/shared/config.ts';
import { COPY_KINDS, calibrate, chooseThreshold, ratesAt, type Calibration } from './near-duplicate-copies.ts';

const options = { maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) };
const hash = async (bytes: Buffer) => (await analyzeImage(bytes, options)).perceptualHash;
const PHOTOS = ['baboon.jpg', 'building.jpg', 'leuvenA.jpg', 'scenetext03.jpg', 'starry_night.jpg', 'home.jpg'];
/** The kinds of copy the threshold promises to find (light crops are measured, not promised). */
const PROMISED = COPY_KINDS.filter((kind) => !kind.name.startsWith('cropped'));

describe('near-duplicate calibration', () => {
  it('the shipped threshold finds every re-encoded, resized and messenger copy, and no distinct pair', async () => {
    // A sample of the judged photos (npm run eval:duplicates measures them all), with the closest
    // distinct pair of the full set (building ~ leuvenA, 17 bits) among them.
    const photos = PHOTOS.map((name) => ({ name, bytes: readFileSync(new URL(`./judged/photos/${name}`, import.meta.url)) }));
    const calibration = await calibrate(photos, hash, PROMISED);
    const rates = ratesAt(calibration, NEAR_DUPLICATE_MAX_DISTANCE);
    expect(calibration.copies).toHaveLength(photos.length * PROMISED.length);
    expect(rates.trueMatchRate).toBe(1);
    expect(rates.falseMatchRate).toBe(0);
    expect(chooseThreshold(calibration, 2)).toBeGreaterThanOrEqual(NEAR_DUPLICATE_MAX_DISTANCE);
  });

  it('rates count copies and pairs within the threshold, inclusive', () => {
    const calibration: Calibration = {
      copies: [
        { photo: 'a', kind: 'k', distance: 0 },
        { photo: 'b', kind: 'k', distance: 8 },
        { photo: 'c', kind: 'k', distance: 9 },
        { photo: 'd', kind: 'k', distance: 30 },
      ],
      distinct: [
        { a: 'a', b: 'b', distance: 8 },
        { a: 'a', b: 'c', distance: 20 },
      ],
    };
    expect(ratesAt(calibration, 8)).toEqual({ threshold: 8, trueMatchRate: 0.5, falseMatchRate: 0.5 });
    expect(ratesAt(calibration, 7)).toEqual({ threshold: 7, trueMatchRate: 0.25, falseMatchRate: 0 });
    // The closest distinct pair is 8 bits apart: 7 matches none, minus a 2-bit margin.
    expect(chooseThreshold(calibration, 2)).toBe(5);
  });
});
