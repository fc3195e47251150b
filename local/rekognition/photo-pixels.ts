/**
 * What the detectors and the OCR read of one photo, decoded once for both when they can share it:
 * an opaque 8-bit sRGB photo whose embedded profile, if any, changes nothing
 * (functions/shared/srgb-profile.ts) is decoded at the OCR's size, colour profile not applied
 * (text-pixels.ts says why), and the detectors' RGB and the OCR's grey are both made from those
 * pixels. Any other photo (transparency, a wide-gamut or CMYK profile, 16-bit, greyscale) is decoded
 * for each as before (detector-pixels.ts, text-pixels.ts).
 *
 * Measured on bench:e2e's 17 photos (2-12 MP, weighted as it uploads them): 87 ms of decoding CPU per
 * photo as two decodes, 54 as one. The OCR's grey of a photo smaller than its side is the same,
 * byte for byte (decoded, then made grey, then enlarged, as text-pixels.ts does); a larger one is
 * made grey after it is scaled to the side instead of before, and the detectors see the photo scaled
 * from that size (or, for a JPEG of 1536-1599 px, which sharp shrank on load for them, from its full
 * decode) instead of from the file (local/rekognition/README.md: words and detections compared).
 * A DetectFaces call alone pays for the OCR's grey too (the pipeline always asks for text).
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { isIdentityToSrgb } from '../../functions/shared/srgb-profile.ts';
import { invalidImageFormat } from './core/errors.ts';
import { DETECTOR_SIDE, type Rgb, detectorPixels } from './detector-pixels.ts';
import { type Grey, TEXT_SIDE, decodeForText, textPixels } from './text-pixels.ts';

export interface PhotoPixels {
  /** The detectors' pixels (detector-pixels.ts). */
  rgb: Rgb;
  /** The OCR's passes: the photo in grey at most TEXT_SIDE on a side and, when it is smaller, also enlarged to it. */
  grey: Grey[];
}

/** Undecodable pixels are InvalidImageFormatException. */
export async function photoPixels(bytes: Uint8Array): Promise<PhotoPixels> {
  const meta = await sharp(bytes)
    .metadata()
    .catch(() => Promise.reject(invalidImageFormat()));
  const { width = 0, height = 0 } = meta;
  const small = Math.max(width, height) < TEXT_SIDE;
  if (!(await decodesOnce(meta))) {
    const [rgb, ...grey] = await Promise.all([detectorPixels(bytes), textPixels(bytes, false), ...(small ? [textPixels(bytes, true)] : [])]);
    return { rgb, grey };
  }
  const decoded = await decodeForText(bytes, meta, (input) =>
    sharp(input, { ignoreIcc: true }).resize(TEXT_SIDE, TEXT_SIDE, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true }),
  );
  const pixels = () => sharp(decoded.data, { raw: { width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels } });
  const [rgb, ...grey] = await Promise.all([
    pixels().resize(DETECTOR_SIDE, DETECTOR_SIDE, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true }),
    pixels().grayscale().raw().toBuffer({ resolveWithObject: true }),
    // Made grey, then enlarged: the order sharp gives text-pixels.ts's enlarged pass.
    ...(small ? [pixels().grayscale().resize(TEXT_SIDE, TEXT_SIDE, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true })] : []),
  ]);
  return { rgb: asImage(rgb), grey: grey.map(asImage) };
}

/** Whether a photo with this header is decoded once for both (opaque 8-bit sRGB, any profile a no-op). */
export async function decodesOnce({ space, depth, hasAlpha, icc }: Metadata): Promise<boolean> {
  return space === 'srgb' && depth === 'uchar' && !hasAlpha && (!icc || (await isIdentityToSrgb(icc)));
}

function asImage({ data, info }: { data: Buffer; info: OutputInfo }): Grey {
  return { data, width: info.width, height: info.height };
}
