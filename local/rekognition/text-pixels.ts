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
 * A large JPEG is shrunk on load by libjpeg (its DCT scaling, which skips most of the decoding work)
 * by the largest factor of 2, 4 or 8 that keeps the OCR side. sharp does that only when the shrink
 * is at least one more than the factor (a shrink of 2-3, as from a 12 MP phone photo to 1600 px,
 * decodes every pixel); libvips takes the factor as a load option, which sharp passes on for a file
 * but not for a buffer, so where sharp would not shrink, the JPEG is decoded from a private
 * temporary file (or whole, when none can be written). bench:e2e's 8 and
 * 12 MP photos: 121 -> 58 and 168 -> 72 ms of CPU. Judged signs and pages pasted into those photos
 * at 30-80% of their width (48 readings) gave 147 of their listed words against 149 decoded whole,
 * words lost and gained both ways, for 16% less CPU per reading.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { invalidImageFormat } from './core/errors.ts';

/**
 * Large enough for sign lettering, small enough that tesseract does not spend tens of seconds on
 * the texture of a 10 MP landscape (measured: 41 s at 2560 px, under 5 s at 1600). Greyscale with a
 * stretched histogram reads coloured signs better than the colour image.
 */
export const TEXT_SIDE = 1600;

const WHITE = { r: 255, g: 255, b: 255 };
const DCT_FACTORS = [8, 4, 2] as const;

export interface Grey {
  /** One byte per pixel, width x height. */
  data: Buffer;
  width: number;
  height: number;
}

/** The OCR's grey pixels: at most TEXT_SIDE on a side, or, with `enlarge`, a smaller photo enlarged to it. */
export async function textPixels(bytes: Uint8Array, enlarge: boolean): Promise<Grey> {
  const { format, width = 0, height = 0 } = await sharp(bytes)
    .metadata()
    .catch(() => Promise.reject(invalidImageFormat()));
  const factor = format === 'jpeg' ? shrinkSharpSkips(width, height) : 1;
  // Without a temporary file (none can be written) the photo is decoded whole, as sharp would.
  const copy = factor > 1 ? await temporaryCopy(bytes).catch(() => undefined) : undefined;
  try {
    return await greyAtTextSide(copy ? `${copy.file}[shrink=${factor}]` : bytes, enlarge);
  } catch {
    throw invalidImageFormat();
  } finally {
    await copy?.remove();
  }
}

/**
 * The DCT factor to load a JPEG with when sharp would not use it: the largest of 2, 4 and 8 that
 * leaves the long side at least TEXT_SIDE, where the shrink is less than one more than it (sharp
 * applies a factor itself when the shrink is larger, and a further reload of its own after ours
 * would not take the file's load options). 1 otherwise. So only photos whose long side is under
 * 14,400 px are read this way, and none over sharp's pixel limit gets past it by loading shrunk.
 */
export function shrinkSharpSkips(width: number, height: number): number {
  const shrink = Math.max(width, height) / TEXT_SIDE;
  const factor = DCT_FACTORS.find((candidate) => candidate <= shrink);
  return factor !== undefined && Math.floor(shrink) === factor ? factor : 1;
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

/**
 * `bytes` in a file of a directory of its own (owner only), and how to remove both. In the vision
 * workers the temporary directory is the pool's own (pool.ts), removed when the pool closes, so a
 * worker terminated mid-decode leaves nothing behind.
 */
async function temporaryCopy(bytes: Uint8Array): Promise<{ file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegraph-ocr-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const file = join(dir, `${randomUUID()}.jpg`);
    await writeFile(file, bytes, { mode: 0o600 });
    return { file, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
