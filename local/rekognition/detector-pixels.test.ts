import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DETECTOR_SIDE, detectorPixels, inSquare } from './detector-pixels.ts';

const BLACK = { r: 0, g: 0, b: 0 };
const photo = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: BLACK, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg()
    .toBuffer();

describe('detector pixels', () => {
  it('scale a photo into the detector side, never enlarging it', async () => {
    expect(await detectorPixels(await photo(1200, 800))).toMatchObject({ width: DETECTOR_SIDE, height: 341 });
    const small = await detectorPixels(await photo(300, 200));
    expect(small).toMatchObject({ width: 300, height: 200 });
    expect(small.data.length).toBe(300 * 200 * 3);
  });

  it.each([
    [1200, 800],
    [300, 200],
  ])('letterbox a %ix%i photo from its pixels as letterboxing its file does', async (width, height) => {
    const bytes = await photo(width, height);
    const fromFile = await sharp(bytes).resize(DETECTOR_SIDE, DETECTOR_SIDE, { fit: 'contain', background: BLACK }).removeAlpha().raw().toBuffer();
    const square = await inSquare(await detectorPixels(bytes), 1);
    expect(square).toMatchObject({ width: DETECTOR_SIDE, height: DETECTOR_SIDE });
    expect(Buffer.from(square.data).equals(fromFile)).toBe(true);
  });

  it('zoom out: the photo fills the middle of the square, black around it', async () => {
    const square = await inSquare(await detectorPixels(await photo(1200, 800)), 0.625);
    const at = (x: number, y: number) => [...square.data.subarray((y * DETECTOR_SIDE + x) * 3, (y * DETECTOR_SIDE + x) * 3 + 3)];
    expect(square.data.length).toBe(DETECTOR_SIDE * DETECTOR_SIDE * 3);
    // 320 px wide and 213 high, centred: black up to x 96 and y 149.
    expect([at(95, 256), at(256, 148), at(416, 256), at(256, 363)]).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(at(256, 256).some((channel) => channel > 0)).toBe(true);
  });
});
