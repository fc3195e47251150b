import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { uniqueJpeg } from './unique-jpeg.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('uniqueJpeg', () => {
  it('gives each tag different bytes that decode to the same pixels', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3366cc' } }).jpeg().toBuffer();
    const [one, two] = [uniqueJpeg(jpeg, 'sample 1'), uniqueJpeg(jpeg, 'sample 2')];
    expect(new Set([jpeg, one, two].map(sha256)).size).toBe(3);
    const pixels = async (bytes: Buffer) => (await sharp(bytes).raw().toBuffer()).toString('hex');
    expect(await pixels(one)).toBe(await pixels(jpeg));
    expect(await pixels(two)).toBe(await pixels(jpeg));
    expect(await sharp(one).metadata()).toMatchObject({ format: 'jpeg', width: 32, height: 24 });
  });

  it('refuses what is not a JPEG and tags too long for one segment', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    expect(() => uniqueJpeg(png, 'x')).toThrow('not a JPEG');
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).jpeg().toBuffer();
    expect(() => uniqueJpeg(jpeg, 'x'.repeat(70_000))).toThrow('tag over');
  });
});
