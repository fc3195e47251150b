import { type FileTypeResult, fileTypeFromBuffer } from 'file-type';
import type { ImageFormat } from '../../../schema/generated/graphql.ts';
import { UPLOAD_CONTENT_TYPES, isUploadContentType } from '../../shared/image-types.ts';
import { ImageRejected } from '../image-rejected.ts';

export interface ImageType {
  format: ImageFormat;
  /** The real MIME type, from the bytes. */
  contentType: string;
}

const ACCEPTED = 'Accepted: JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC, HEIF.';

/** An animated PNG is a PNG to every decoder (its default image is the first frame); browsers upload it as image/png. */
const SAME_AS: Partial<Record<string, string>> = { 'image/apng': 'image/png' };

/**
 * Decides the format from the magic bytes alone: the file name and the declared Content-Type are
 * only the uploader's claims. Throws ImageRejected EMPTY or UNSUPPORTED_TYPE.
 */
export async function detectImageType(bytes: Buffer): Promise<ImageType> {
  if (bytes.length === 0) throw new ImageRejected('EMPTY', 'The file is empty.');
  const detected = await fileTypeFromBuffer(bytes);
  const mime = detected && (SAME_AS[detected.mime] ?? detected.mime);
  if (mime && isUploadContentType(mime)) return { format: UPLOAD_CONTENT_TYPES[mime], contentType: mime };
  throw new ImageRejected('UNSUPPORTED_TYPE', `Not a supported image: the file is ${describe(bytes, detected)}. ${ACCEPTED}`);
}

/** file-type names binary formats; SVG it calls XML (or nothing), and text it leaves unnamed. */
function describe(bytes: Buffer, detected: FileTypeResult | undefined): string {
  const head = bytes.subarray(0, 4096);
  const text = head.includes(0) ? null : head.toString('utf8');
  if (text !== null && /<svg[\s>]/i.test(text)) return 'SVG (image/svg+xml)';
  if (detected) return `${detected.ext.toUpperCase()} (${detected.mime})`;
  return text === null ? 'in an unrecognized format' : 'plain text';
}
