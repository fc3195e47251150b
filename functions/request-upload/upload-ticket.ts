import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { uploadInputProblem } from '../../resolvers/lib/inputLimits.ts';
import { type CallerIdentity, refuse, requireUser, UserError } from '../shared/appsync-lambda.ts';
import type { UploadConfig } from '../shared/config.ts';
import { newImageId } from '../shared/image-id.ts';
import { isUploadContentType, UPLOAD_CONTENT_TYPES, type UploadContentType } from '../shared/image-types.ts';
import { uploadKey } from '../shared/storage-keys.ts';
import type { RequestUploadInput, UploadTicket } from '../../schema/generated/graphql.ts';
import { sanitizeFileName } from './file-name.ts';

export interface UploadTicketDeps {
  s3: S3Client;
  config: UploadConfig;
  newImageId?: () => string;
}

/**
 * Reserves an image id under the caller's prefix and presigns a POST of one file to it. The policy
 * lets S3 itself enforce what was checked here, so a client cannot upload something else.
 */
export async function requestUpload(
  { s3, config, newImageId: nextImageId = newImageId }: UploadTicketDeps,
  identity: CallerIdentity,
  input: RequestUploadInput,
): Promise<UploadTicket> {
  const ownerSub = requireUser(identity);
  // Before anything reads the strings (and before a refusal quotes the content type).
  refuse(uploadInputProblem(input));
  const contentType = uploadContentType(input.contentType);
  checkSize(input.bytes, config.maxUploadBytes);

  const imageId = nextImageId();
  const key = uploadKey(ownerSub, imageId, sanitizeFileName(input.fileName, contentType));
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: config.bucket,
    Key: key,
    Conditions: [
      { bucket: config.bucket },
      { key },
      ['content-length-range', 1, config.maxUploadBytes],
      { 'Content-Type': contentType },
    ],
    Fields: { 'Content-Type': contentType },
    Expires: config.uploadUrlTtlSeconds,
  });
  return {
    imageId,
    key,
    // In the SDK's order; S3 only needs the file to come after all of them.
    upload: { url, fields: Object.entries(fields).map(([name, value]) => ({ name, value })) },
    maxBytes: config.maxUploadBytes,
    expiresAt: policyExpiration(fields.Policy),
  };
}

// MIME types are case-insensitive; the stored object gets the canonical lower-case form.
function uploadContentType(value: string): UploadContentType {
  const contentType = value.trim().toLowerCase();
  if (isUploadContentType(contentType)) return contentType;
  throw new UserError(
    'UnsupportedMediaType',
    `Content type "${value}" is not accepted; use one of ${Object.keys(UPLOAD_CONTENT_TYPES).join(', ')}`,
  );
}

function checkSize(bytes: number, maxBytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 1) {
    throw new UserError('BadRequest', `bytes must be a whole number of at least 1, got ${bytes}`);
  }
  if (bytes > maxBytes) {
    throw new UserError(
      'PayloadTooLarge',
      `Uploads are limited to ${megabytes(maxBytes)} MB (${maxBytes} bytes); this file has ${bytes} bytes`,
    );
  }
}

// Two decimals, or three significant digits for limits below 0.01 MB: never a bare "0 MB".
const MEGABYTES = new Intl.NumberFormat('en-US', {
  maximumFractionDigits: 2,
  maximumSignificantDigits: 3,
  roundingPriority: 'morePrecision',
  useGrouping: false,
});

function megabytes(bytes: number): string {
  return MEGABYTES.format(bytes / 1024 ** 2);
}

// Read back from the signed policy rather than recomputed, so it is exactly when S3 stops
// accepting the upload, whatever clock the SDK signed with.
function policyExpiration(policy: string | undefined): string {
  if (!policy) throw new Error('The presigned POST has no Policy field');
  const { expiration } = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as { expiration: string };
  return expiration;
}
