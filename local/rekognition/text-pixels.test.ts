import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { scratchTmpdir } from '../../functions/shared/testing/scratch-tmpdir.ts';
import type { RekognitionError } from './core/errors.ts';
import { noiseJpeg } from './testing/noise-jpeg.ts';
import { TEXT_SIDE, textPixels } from './text-pixels.ts';


/** `jpeg` with `icc` embedded as its APP2 ICC_PROFILE segment, pixels untouched (as a camera tags its file). */
function withEmbeddedProfile(jpeg: Buffer, icc: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), icc]);
  const marker = Buffer.from([0xff, 0xe2, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  // After SOI (2 bytes): one segment is enough for a profile under 64 KB.
  return Buffer.concat([jpeg.subarray(0, 2), marker, payload, jpeg.subarray(2)]);
}

describe('text pixels', () => {
  it('scale a photo into the OCR side, enlarging a smaller one only when asked', async () => {
    const large = await textPixels(await noiseJpeg(4000, 3000), false);
    expect(large).toMatchObject({ width: TEXT_SIDE, height: 1200 });
    expect(large.data.length).toBe(TEXT_SIDE * 1200);
    expect(await textPixels(await noiseJpeg(800, 600), false)).toMatchObject({ width: 800, height: 600 });
    expect(await textPixels(await noiseJpeg(800, 600), true)).toMatchObject({ width: TEXT_SIDE, height: 1200 });
    expect(await textPixels(await noiseJpeg(TEXT_SIDE, 900), false)).toMatchObject({ width: TEXT_SIDE, height: 900 });
  });

  it('read transparent areas as white paper', async () => {
    const clear = await sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const { data } = await textPixels(clear, false);
    expect(new Set(data)).toEqual(new Set([255]));
  });

  it('read the stored levels, not converted through an embedded colour profile', async () => {
    const plain = await noiseJpeg(600, 400);
    const p3 = (await sharp(await sharp(plain).withIccProfile('p3').jpeg().toBuffer()).metadata()).icc;
    if (!p3) throw new Error('sharp embedded no P3 profile');
    const tagged = withEmbeddedProfile(plain, p3);
    // The profile is there and would move the levels if applied, so the test can fail.
    expect((await sharp(tagged).metadata()).icc?.equals(p3)).toBe(true);
    const managed = await sharp(tagged).grayscale().raw().toBuffer();
    expect(managed.equals(await sharp(plain).grayscale().raw().toBuffer())).toBe(false);

    const [fromTagged, fromPlain] = await Promise.all([textPixels(tagged, false), textPixels(plain, false)]);
    expect(fromTagged.data.equals(fromPlain.data)).toBe(true);
  });

  it("refuse pixels that cannot be decoded with Rekognition's error", async () => {
    const truncated = (await noiseJpeg(600, 400)).subarray(0, 2_000);
    await expect(textPixels(truncated, false)).rejects.toMatchObject({ type: 'InvalidImageFormatException' } satisfies Partial<RekognitionError>);
  });

  describe('a large JPEG, shrunk on load', () => {
    const tmp = scratchTmpdir('text-pixels-test-');

    it('read a 12 MP JPEG at the OCR side, close to decoding every pixel, and leave no file behind', async () => {
      const jpeg = await noiseJpeg(4032, 3024);
      const shrunk = await textPixels(jpeg, false);
      expect(shrunk).toMatchObject({ width: TEXT_SIDE, height: 1200 });
      const whole = await sharp(jpeg).resize(TEXT_SIDE, TEXT_SIDE, { fit: 'inside' }).grayscale().raw().toBuffer();
      let difference = 0;
      for (let i = 0; i < whole.length; i++) difference += Math.abs(whole[i]! - shrunk.data[i]!);
      // Not the whole decode (so the shrink was taken), but the same picture: on noise, the
      // hardest case for a shrink, within a few levels on average.
      expect(shrunk.data.equals(whole)).toBe(false);
      expect(difference / whole.length).toBeLessThan(8);
      expect(await readdir(tmp.at())).toEqual([]);
    });

    it("refuse a truncated one with Rekognition's error and leave no file behind", async () => {
      const truncated = (await noiseJpeg(4032, 3024)).subarray(0, 200_000);
      await expect(textPixels(truncated, false)).rejects.toMatchObject({ type: 'InvalidImageFormatException' } satisfies Partial<RekognitionError>);
      expect(await readdir(tmp.at())).toEqual([]);
    });

    it('read a panorama that sharp shrinks on load by more than 8 itself', async () => {
      const panorama = await sharp({ create: { width: 38_500, height: 2_000, channels: 3, background: { r: 90, g: 90, b: 90 } } })
        .jpeg()
        .toBuffer();
      expect(await textPixels(panorama, false)).toMatchObject({ width: TEXT_SIDE, height: 83 });
    });

    it('decode the photo whole when no temporary file can be written', async () => {
      const jpeg = await noiseJpeg(4032, 3024);
      tmp.set(join(tmp.at(), 'missing'));
      try {
        const whole = await sharp(jpeg).resize(TEXT_SIDE, TEXT_SIDE, { fit: 'inside' }).grayscale().raw().toBuffer();
        expect((await textPixels(jpeg, false)).data.equals(whole)).toBe(true);
      } finally {
        tmp.set();
      }
    });
  });
});
