/**
 * What the OCR reads: the photo in grey, at most TEXT_SIDE on a side (or enlarged to it), with
 * transparent areas white paper, where dark lettering stays legible.
 *
 * The embedded colour profile is not applied. Lettering is found in lightness, which a profile
 * moves by a few levels, and the histogram is stretched afterwards (grey-normalise.ts); but
 * converting through it cost as much as the decode: bench:e2e's 12 MP photo's OCR input took
 * 316 ms of CPU with the profile applied and 167 ms without; over bench:e2e's 2-12 MP photos 69 ms
 * less per photo on average, and the words read on those photos and on bench/eval's judged ones are
 * the same, line for line.
 *
 * A large JPEG is shrunk on load by libjpeg by the largest factor of 2, 4 or 8 that keeps the OCR
 * side, also where sharp would not (functions/shared/jpeg-shrink-on-load.ts): a 12 MP phone photo
 * (a shrink of 2.5) was decoded whole. bench:e2e's 8 and 12 MP photos: 121 -> 58 and 168 -> 72 ms
 * of CPU. Judged signs and pages pasted into those photos at 30-80% of their width (48 readings)
 * gave 147 of their listed words against 149 decoded whole, words lost and gained both ways, for
 * 16% less CPU per reading.
 */
import sharp, { type Metadata } from 'sharp';
import { shrinkSharpSkips, withLoadShrink } from '../../functions/shared/jpeg-shrink-on-load.ts';
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
  const header = await sharp(bytes)
    .metadata()
    .catch(() => Promise.reject(invalidImageFormat()));
  return decodeForText(bytes, header, (input) => greyAtTextSide(input, enlarge));
}

/**
 * `decode` given what sharp should open for a decode at the OCR side: a JPEG shrunk on load where
 * sharp would not (above); undecodable pixels are InvalidImageFormatException.
 */
export async function decodeForText<T>(bytes: Uint8Array, { format, width = 0, height = 0 }: Metadata, decode: (input: Uint8Array | string) => Promise<T>): Promise<T> {
  const factor = format === 'jpeg' ? shrinkSharpSkips(Math.max(width, height) / TEXT_SIDE) : 1;
  try {
    return await withLoadShrink(bytes, factor, decode);
  } catch {
    // The header was readable but the pixels are not (a truncated or corrupt file).
    throw invalidImageFormat();
  }
}

async function greyAtTextSide(input: Uint8Array | string, enlarge: boolean): Promise<Grey> {
  const { data, info } = await sharp(input, { ignoreIcc: true })
    .resize(TEXT_SIDE, TEXT_SIDE, { fit: 'inside', withoutEnlargement: !enlarge })
    .flatten({ background: WHITE })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
