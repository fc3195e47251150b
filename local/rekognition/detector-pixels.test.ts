import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DETECTOR_SIDE, detectorPixels, inSquare } from './detector-pixels.ts';
import { noiseJpeg } from './testing/noise-jpeg.ts';

const BLACK = { r: 0, g: 0, b: 0 };

describe('detector pixels', () => {
  it('scale a photo into the detector side, never enlarging it', async () => {
    expect(await detectorPixels(await noiseJpeg(1200, 800))).toMatchObject({ width: DETECTOR_SIDE, height: 341 });
    const small = await detectorPixels(await noiseJpeg(300, 200));
    expect(small).toMatchObject({ width: 300, height: 200 });
    expect(small.data.length).toBe(300 * 200 * 3);
  });

  it.each([
    [1200, 800],
    [300, 200],
  ])('letterbox a %ix%i photo from its pixels as letterboxing its file does', async (width, height) => {
    const bytes = await noiseJpeg(width, height);
    const fromFile = await sharp(bytes).resize(DETECTOR_SIDE, DETECTOR_SIDE, { fit: 'contain', background: BLACK }).removeAlpha().raw().toBuffer();
    const square = await inSquare(await detectorPixels(bytes), 1);
    expect(square).toMatchObject({ width: DETECTOR_SIDE, height: DETECTOR_SIDE });
    expect(Buffer.from(square.data).equals(fromFile)).toBe(true);
  });

  it('zoom out: the photo fills the middle of the square, black around it', async () => {
    const square = await inSquare(await detectorPixels(await noiseJpeg(1200, 800)), 0.625);
    const at = (x: number, y: number) => [...square.data.subarray((y * DETECTOR_SIDE + x) * 3, (y * DETECTOR_SIDE + x) * 3 + 3)];
    expect(square.data.length).toBe(DETECTOR_SIDE * DETECTOR_SIDE * 3);
    // 320 px wide and 213 high, centred: black up to x 96 and y 149.
    expect([at(95, 256), at(256, 148), at(416, 256), at(256, 363)]).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(at(256, 256).some((channel) => channel > 0)).toBe(true);
  });

  /**
   * A PNG whose left half is transparent over a hidden colour (red, or light grey) and whose right
   * half is opaque mid grey, with 4 channels (RGBA) or 2 (grey and alpha).
   */
  async function halfTransparent(width: number, height: number, channels: 2 | 4): Promise<Buffer> {
    const hidden = channels === 4 ? [255, 0, 0, 0] : [200, 0];
    const opaque = channels === 4 ? [128, 128, 128, 255] : [128, 255];
    const data = Buffer.alloc(width * height * channels);
    for (let i = 0; i < width * height; i++) data.set(i % width < width / 2 ? hidden : opaque, i * channels);
    const png = await sharp(data, { raw: { width, height, channels } }).toColourspace(channels === 4 ? 'srgb' : 'b-w').png().toBuffer();
    expect(await sharp(png).metadata()).toMatchObject({ channels, hasAlpha: true });
    return png;
  }

  it.each([
    [300, 200, 4],
    [300, 200, 2],
    [1200, 800, 4],
    [1200, 800, 2],
  ] as const)('show the detectors a %ix%i PNG with %i channels with its transparent areas black', async (width, height, channels) => {
    const square = await inSquare(await detectorPixels(await halfTransparent(width, height, channels)), 1);
    const at = (x: number, y: number) => [...square.data.subarray((y * DETECTOR_SIDE + x) * 3, (y * DETECTOR_SIDE + x) * 3 + 3)];
    // The photo fills the square's width, 341 px high from y 86; its halves meet at x 256.
    expect([at(10, 256), at(128, 120), at(240, 400)]).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect([at(272, 256), at(500, 120), at(384, 400)]).toEqual([[128, 128, 128], [128, 128, 128], [128, 128, 128]]);
  });
});
