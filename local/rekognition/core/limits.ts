/**
 * Rekognition's fixed image limits ("Guidelines and quotas in Amazon Rekognition" and the Image
 * API reference): JPEG or PNG only, at most 5 MB as Bytes (5,242,880 bytes after base64
 * decoding) and 15 MB as an S3 object, at least 80 pixels high and wide.
 */
import { RekognitionError, invalidImageFormat, invalidParameter } from './errors.ts';

export const MAX_BYTES_IMAGE = 5 * 1024 * 1024;
export const MAX_S3_IMAGE = 15 * 1024 * 1024;
export const MIN_IMAGE_SIDE = 80;

export type ImageFormat = 'jpeg' | 'png';

export function checkImageSize(size: number, source: 'Bytes' | 'S3Object'): void {
  const max = source === 'Bytes' ? MAX_BYTES_IMAGE : MAX_S3_IMAGE;
  if (size > max) throw new RekognitionError('ImageTooLargeException', `Image size is too large: ${size} bytes, the limit for ${source} is ${max}`);
}

/** From the magic numbers: Rekognition reads JPEG and PNG and refuses everything else. */
export function imageFormat(bytes: Uint8Array): ImageFormat {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => bytes[i] === byte)) return 'png';
  throw invalidImageFormat();
}

export function checkDimensions(width: number, height: number): void {
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw invalidParameter(`Image is ${width}x${height} pixels; the minimum is ${MIN_IMAGE_SIDE} pixels high and wide`);
  }
}
