import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeUpright } from './decode.ts';
import { photo, solid } from './fixtures/corpus.ts';
import { readImageHeader } from './image-metadata.ts';

const MAX_PIXELS = 100_000_000;

async function decode(bytes: Buffer, longEdge: number) {
  return decodeUpright(bytes, await readImageHeader(bytes, MAX_PIXELS), MAX_PIXELS, { longEdge, shortEdge: 0 });
}

function maxDifference(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - (b[i] ?? 0))), 0);
}

describe('decodeUpright and embedded ICC profiles', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'imagegraph-decode-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives the pixels of sharp converting through an sRGB profile, without converting', async () => {
    const bytes = photo('path');
    // 1024 -> 300: sharp shrinks on load by 2 itself, from the buffer as from our file.
    const decoded = await decode(bytes, 300);
    const converted = await sharp(bytes).resize(decoded.width, decoded.height, { fit: 'fill' }).raw().toBuffer();
    expect(maxDifference(decoded.pixels, converted)).toBeLessThanOrEqual(2);
  });

  it('skips the conversion through an sRGB profile: the pixels as stored, where converting would move them a level', async () => {
    // HP's sRGB profile (the fixture photo's) moves saturated green 0,208,0 to 1,208,0 through lcms.
    const profileFile = path.join(scratch, 'hp-srgb.icc');
    writeFileSync(profileFile, (await sharp(photo('path')).metadata()).icc ?? Buffer.alloc(0));
    const green = await solid(64, 64, [0, 208, 0]).withIccProfile(profileFile).jpeg({ quality: 100 }).toBuffer();
    const stored = await sharp(green, { ignoreIcc: true }).raw().toBuffer();
    const converted = await sharp(green).raw().toBuffer();
    expect(maxDifference(stored, converted)).toBeGreaterThan(0);
    expect((await decode(green, 64)).pixels.equals(stored)).toBe(true);
  });

  it('still converts a Display P3 image to sRGB', async () => {
    // Pure sRGB red, stored as P3 values (about 234, 51, 35).
    const p3 = await solid(64, 64, [255, 0, 0]).withIccProfile('p3').jpeg({ quality: 100 }).toBuffer();
    const stored = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    expect(stored[0]).toBeLessThan(245);
    const decoded = await decode(p3, 64);
    const [red, green, blue] = decoded.pixels;
    expect(red).toBeGreaterThanOrEqual(249);
    expect(Math.max(green ?? 255, blue ?? 255)).toBeLessThanOrEqual(6);
  });
});

describe('decodeUpright and shrink-on-load', () => {
  function meanDifference(a: Buffer, b: Buffer): number {
    expect(a.length).toBe(b.length);
    return a.reduce((sum, value, i) => sum + Math.abs(value - (b[i] ?? 0)), 0) / a.length;
  }

  it('decodes a JPEG halved exactly (1024 -> 512 px) by libjpeg at half size, where sharp would decode it whole', async () => {
    const bytes = photo('path');
    const decoded = await decode(bytes, 512);
    expect(decoded).toMatchObject({ width: 512, height: 320, channels: 3 });
    const whole = await sharp(bytes).resize(512, 320, { fit: 'fill' }).raw().toBuffer();
    // Resampled another way (so the shrink was taken), the same picture.
    expect(decoded.pixels.equals(whole)).toBe(false);
    expect(meanDifference(decoded.pixels, whole)).toBeLessThan(4);
  });

  it('orients a rotated JPEG it shrinks on load', async () => {
    // Stored 1024x640 with EXIF orientation 6: upright 640x1024, halved to 320x512.
    const rotated = await sharp(photo('path')).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const decoded = await decode(rotated, 512);
    expect(decoded).toMatchObject({ width: 320, height: 512 });
    const whole = await sharp(rotated).autoOrient().resize(320, 512, { fit: 'fill' }).raw().toBuffer();
    expect(decoded.pixels.equals(whole)).toBe(false);
    expect(meanDifference(decoded.pixels, whole)).toBeLessThan(4);
  });

  it('skips the conversion through an sRGB profile when it shrinks on load too', async () => {
    // The fixture photo carries HP's sRGB profile.
    const bytes = photo('path');
    const decoded = await decode(bytes, 512);
    const stored = await sharp(bytes, { ignoreIcc: true }).resize(512, 320, { fit: 'fill' }).raw().toBuffer();
    expect(meanDifference(decoded.pixels, stored)).toBeLessThan(4);
  });

  it('refuses a truncated JPEG it would shrink on load as corrupt', async () => {
    const truncated = photo('path').subarray(0, 60_000);
    await expect(decode(truncated, 512)).rejects.toMatchObject({ code: 'CORRUPT' });
  });
});
