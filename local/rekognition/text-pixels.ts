/**
 * What the OCR reads: the photo in grey, at most TEXT_SIDE on a side (or enlarged to it), with
 * transparent areas white paper, where dark lettering stays legible.
 *
 * The embedded colour profile is not applied. Lettering is found in lightness, which a profile
 * moves by a few levels, and the histogram is stretched afterwards (grey-normalise.ts); but
 * converting through it cost as much as the decode: sharp converts every pixel of the full-size
 * decode, since a 1600 px target from an 8-12 MP JPEG is a shrink of 2-3, which sharp does not
 * shrink on load. bench:e2e's 12 MP photo's OCR input took 316 ms of CPU with the profile applied and
 * 167 ms without; over bench:e2e's 2-12 MP photos 69 ms less per photo on average, and the words
 * read on those photos and on bench/eval's judged ones are the same, line for line.
 */
import sharp from 'sharp';
import { invalidImageFormat } from './core/errors.ts';

/**
 * Large enough for sign lettering, small enough that tesseract does not spend tens of seconds on
 * the texture of a 10 MP landscape (measured: 41 s at 2560 px, under 5 s at 1600). Greyscale with a
 * stretched histogram reads coloured signs better than the colour image.
 */
export const TEXT_SIDE = 1600;

const WHITE = { r: 255, g: 255, b: 255 };

export interface Grey {
  /** One byte per pixel, width x height. */
  data: Buffer;
  width: number;
  height: number;
}

/** The OCR's grey pixels: at most TEXT_SIDE on a side, or, with `enlarge`, a smaller photo enlarged to it. */
export async function textPixels(bytes: Uint8Array, enlarge: boolean): Promise<Grey> {
  try {
    const { data, info } = await sharp(bytes, { ignoreIcc: true })
      .resize(TEXT_SIDE, TEXT_SIDE, { fit: 'inside', withoutEnlargement: !enlarge })
      .flatten({ background: WHITE })
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    throw invalidImageFormat();
  }
}
