import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photo, solid } from '../process-image/analysis/fixtures/corpus.ts';
import { isIdentityToSrgb } from './srgb-profile.ts';

async function profileOf(image: Buffer): Promise<Buffer> {
  const { icc } = await sharp(image).metadata();
  if (!icc) throw new Error('the image carries no ICC profile');
  return icc;
}

describe('isIdentityToSrgb', () => {
  it("is true for the sRGB profiles real photos carry (HP's sRGB IEC61966-2.1, a camera's own sRGB)", async () => {
    expect(await isIdentityToSrgb(await profileOf(photo('path')))).toBe(true);
    expect(await isIdentityToSrgb(await profileOf(photo('cups')))).toBe(true);
  });

  it('is false for a wider gamut (Display P3, as iPhones embed), whose pixels the conversion changes', async () => {
    const p3 = await solid(8, 8, [255, 0, 0]).withIccProfile('p3').jpeg().toBuffer();
    expect(await isIdentityToSrgb(await profileOf(p3))).toBe(false);
  });

  it('is false for a profile too large for one JPEG segment (the probe cannot carry it)', async () => {
    const path = await profileOf(photo('path'));
    // Still the sRGB profile, padded past 64 KB: ICC readers ignore bytes after the tagged data.
    const padded = Buffer.concat([path, Buffer.alloc(70_000)]);
    padded.writeUInt32BE(padded.length, 0);
    expect(await isIdentityToSrgb(padded)).toBe(false);
  });
});
