import { describe, expect, it } from 'vitest';
import { EMPTY, HEIC, HEIF, PDF, SVG, TEXT_NAMED_JPG, UNKNOWN_BINARY, apng, rejectionOf, solid } from './fixtures/corpus.ts';
import { detectImageType } from './image-type.ts';

const pixel = () => solid(8, 8, [10, 20, 30]);

describe('detectImageType', () => {
  it.each([
    ['JPEG', 'image/jpeg', () => pixel().jpeg().toBuffer()],
    ['PNG', 'image/png', () => pixel().png().toBuffer()],
    ['WEBP', 'image/webp', () => pixel().webp().toBuffer()],
    ['GIF', 'image/gif', () => pixel().gif().toBuffer()],
    ['AVIF', 'image/avif', () => pixel().avif().toBuffer()],
    ['TIFF', 'image/tiff', () => pixel().tiff().toBuffer()],
    // From the ftyp major brand alone: an iPhone's 'heic', the generic 'mif1'.
    ['HEIC', 'image/heic', () => HEIC],
    ['HEIF', 'image/heif', () => HEIF],
  ])('accepts %s from its magic bytes', async (format, contentType, make) => {
    await expect(detectImageType(await make())).resolves.toEqual({ format, contentType });
  });

  it('accepts an animated PNG (APNG) as PNG', async () => {
    await expect(detectImageType(await apng())).resolves.toEqual({ format: 'PNG', contentType: 'image/png' });
  });

  it('refuses zero bytes as EMPTY', async () => {
    expect(await rejectionOf(detectImageType(EMPTY))).toMatchObject({ code: 'EMPTY', reason: 'The file is empty.' });
  });

  it.each([
    ['text named .jpg', TEXT_NAMED_JPG.bytes, 'plain text'],
    ['SVG', SVG, 'SVG (image/svg+xml)'],
    ['PDF', PDF, 'PDF (application/pdf)'],
    ['unknown binary', UNKNOWN_BINARY, 'in an unrecognized format'],
  ])('refuses %s as UNSUPPORTED_TYPE, saying what it is', async (_name, bytes, what) => {
    const error = await rejectionOf(detectImageType(bytes));
    expect(error.code).toBe('UNSUPPORTED_TYPE');
    expect(error.reason).toBe(`Not a supported image: the file is ${what}. Accepted: JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC, HEIF.`);
  });
});
