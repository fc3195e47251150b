/**
 * The pixels both detectors read (objects and faces): the photo decoded once, scaled with sharp to
 * at most DETECTOR_SIDE on a side, and the letterboxed squares the object detector reads derived
 * from those raw pixels rather than from the file again. Decoding the JPEG is the costly part
 * (10-30 ms per 2-12 MP photo, even shrinking on load); letterboxing the raw pixels costs 1-2 ms,
 * and for an opaque photo at fill 1 gives the same bytes as letterboxing the file (sharp scales to
 * the same size, and enlarges a photo smaller than the square from its own pixels either way).
 */
import sharp from 'sharp';
import { invalidImageFormat } from './core/errors.ts';

/** The detectors' input side: the object model reads 512x512, the face detector less. */
export const DETECTOR_SIDE = 512;

/** Interleaved RGB pixels, width x height. */
export interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

const BLACK = { r: 0, g: 0, b: 0 };

/**
 * The photo at most DETECTOR_SIDE on a side (never enlarged), transparent areas black as the
 * detectors saw them when they letterboxed the file (its scaling premultiplied the alpha), not the
 * colour hidden under them; undecodable pixels are InvalidImageFormatException.
 */
export function detectorPixels(bytes: Uint8Array): Promise<Rgb> {
  return rgbPixels(bytes, DETECTOR_SIDE, { onBlack: true });
}

export interface RgbOptions {
  /** 'inside': at most `side` on each side, never enlarged; 'fill': exactly side x side, stretched. Default 'inside'. */
  fit?: 'inside' | 'fill';
  /** Flatten transparency onto black before dropping the alpha (else the colour under it shows). */
  onBlack?: boolean;
}

/** RGB pixels of the photo scaled to `side` (RgbOptions). */
export async function rgbPixels(bytes: Uint8Array, side: number, { fit = 'inside', onBlack = false }: RgbOptions = {}): Promise<Rgb> {
  try {
    const scaled = sharp(bytes).resize(side, side, { fit, withoutEnlargement: fit === 'inside' });
    const { data, info } = await (onBlack ? scaled.flatten({ background: BLACK }) : scaled)
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    // The header was readable but the pixels are not (a truncated or corrupt file).
    throw invalidImageFormat();
  }
}

/** The photo letterboxed on black into a DETECTOR_SIDE square, filling `fill` of its side, centred (core/letterbox.ts). */
export async function inSquare(photo: Rgb, fill: number): Promise<Rgb> {
  const inner = Math.round(DETECTOR_SIDE * fill);
  const before = Math.floor((DETECTOR_SIDE - inner) / 2);
  const after = DETECTOR_SIDE - inner - before;
  const data = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .resize(inner, inner, { fit: 'contain', background: BLACK })
    .extend({ top: before, bottom: after, left: before, right: after, background: BLACK })
    .raw()
    .toBuffer();
  return { data, width: DETECTOR_SIDE, height: DETECTOR_SIDE };
}
