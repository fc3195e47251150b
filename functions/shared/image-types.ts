/** Content types users may upload, with the format each one declares. */
export const UPLOAD_CONTENT_TYPES = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WEBP',
  'image/gif': 'GIF',
  'image/avif': 'AVIF',
  'image/tiff': 'TIFF',
  'image/heic': 'HEIC',
  'image/heif': 'HEIF',
} as const;

export type UploadContentType = keyof typeof UPLOAD_CONTENT_TYPES;

export function isUploadContentType(value: string): value is UploadContentType {
  return Object.hasOwn(UPLOAD_CONTENT_TYPES, value);
}
