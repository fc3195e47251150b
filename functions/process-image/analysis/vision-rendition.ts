import type { ImageFormat } from '../../../schema/generated/graphql.ts';
import { type DecodedImage, fromDecoded } from './decode.ts';

/**
 * Amazon Rekognition reads only JPEG and PNG, and at most "15 MB" from S3. AWS does not say MB or
 * MiB; the decimal reading is the smaller, so originals between the two get a rendition too.
 */
const REKOGNITION_MAX_S3_BYTES = 15_000_000;
export const VISION_MAX_EDGE = 1920;

/** Colour spaces and depths every JPEG/PNG reader handles; CMYK or 16-bit originals get a rendition. */
const PLAIN_SPACES = ['srgb', 'rgb', 'b-w'];

/** Whether Rekognition needs a JPEG made for it, or can read the original. */
export function needsVisionRendition(
  format: ImageFormat,
  byteLength: number,
  pixels: { colorSpace: string; bitDepth: string } = { colorSpace: 'srgb', bitDepth: '8' },
): boolean {
  const plain = PLAIN_SPACES.includes(pixels.colorSpace) && pixels.bitDepth === '8';
  return !(format === 'JPEG' || format === 'PNG') || byteLength > REKOGNITION_MAX_S3_BYTES || !plain;
}

/** An upright sRGB JPEG, long edge <= 1920, q85: detail enough for labels and text, a few hundred KB. */
export function renderVisionRendition(image: DecodedImage): Promise<Buffer> {
  return fromDecoded(image)
    .resize(VISION_MAX_EDGE, VISION_MAX_EDGE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 85 })
    .toBuffer();
}
