/**
 * The OCR model on its own: what the larger noise size for photos at least the OCR side removes
 * (texture read as candidate lines) and what it keeps (signs and a page in such a photo).
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legibleLines } from '../core/text.ts';
import { normaliseGrey } from '../grey-normalise.ts';
import { TEXT_SIDE, textPixels } from '../text-pixels.ts';
import { TextModel } from './text.ts';

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url));
const judged = (name: string) => readFile(new URL(`../../../bench/eval/judged/photos/${name}`, import.meta.url));

let text: TextModel;
beforeAll(async () => {
  text = await TextModel.load();
});
afterAll(async () => {
  await text.close();
});

/** The OCR input of `bytes`, normalised as analysis.ts gives it to the model. */
async function ocrInput(bytes: Uint8Array) {
  const grey = await textPixels(bytes, false);
  return { ...grey, data: await normaliseGrey(grey.data) };
}

/** The gravel path with a judged photo pasted over 60% of its width. */
async function pastedIntoPath(name: string): Promise<Buffer> {
  const path = await fixture('path-1800.jpg');
  const { width = 0 } = await sharp(path).metadata();
  const sign = await sharp(await judged(name)).resize({ width: Math.round(width * 0.6), height: 1000, fit: 'inside' }).toBuffer();
  return sharp(path).composite([{ input: sign, left: 180, top: 60 }]).jpeg({ quality: 90 }).toBuffer();
}

describe('TextModel', () => {
  it('reads a large photo with fewer candidate lines in its texture, for that call only', async () => {
    const path = await ocrInput(await fixture('path-1800.jpg'));
    expect(Math.max(path.width, path.height)).toBe(TEXT_SIDE);
    const asIs = await text.lines(path.data, path.width, path.height, false);
    const large = await text.lines(path.data, path.width, path.height, true);
    // The gravel gives 169 candidate lines at the default noise size, 61 at the larger one.
    expect(large.length).toBeLessThan(asIs.length / 2);
    expect(legibleLines(large)).toEqual([]);
    // The larger noise size does not stay on the worker for the next photo.
    expect(await text.lines(path.data, path.width, path.height, false)).toEqual(asIs);
  });

  it('rejects an image tesseract cannot read, and reads the next one as a fresh model would', async () => {
    const path = await ocrInput(await fixture('path-1800.jpg'));
    const asIs = await text.lines(path.data, path.width, path.height, false);
    // A 0x0 PGM: tesseract fails after taking the large photo's parameters.
    await expect(text.lines(Buffer.alloc(0), 0, 0, true)).rejects.toThrow(new Error('tesseract could not read the image: Error: Error attempting to read image.'));
    expect(await text.lines(path.data, path.width, path.height, false)).toEqual(asIs);
  });

  it('fails to load, saying why, when the language data cannot be read', async () => {
    await expect(TextModel.load('/nonexistent/tessdata')).rejects.toThrow(/^the OCR model could not be loaded: .*ENOENT/);
  });

  it.each([
    ['scenetext01.jpg', ['DOUBLE', 'PARKING', 'PROHIBITED']],
    ['scenetext02.jpg', ['Sports', 'Centre', 'Parks']],
    ['scenetext05.jpg', ['NO', 'PARKING']],
    ['imageTextN.png', ['teaching', 'complex', 'students']],
  ])('still reads %s pasted into the textured photo', async (name, words) => {
    const photo = await ocrInput(await pastedIntoPath(name));
    expect(Math.max(photo.width, photo.height)).toBe(TEXT_SIDE);
    const read = legibleLines(await text.lines(photo.data, photo.width, photo.height, true)).flatMap((line) => line.words.map((word) => word.text));
    expect(read).toEqual(expect.arrayContaining(words));
  });
});
