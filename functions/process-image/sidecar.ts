import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { metaKey } from '../shared/storage-keys.ts';
import type { RejectionCode } from './image-rejected.ts';

/**
 * The metadata sidecar, `meta/{ownerSub}/{imageId}.json`: the durable record of everything derived
 * from one upload. The search index is rebuilt from sidecars alone (`imagegraph reindex`), so
 * Rekognition is never called twice for the same bytes.
 */
export interface ImageSidecar {
  schemaVersion: 1;
  /** The indexed document, complete: PROCESSED or FAILED. */
  document: ImageDocument;
  /** Why the upload could not be processed, when `document.status` is FAILED. */
  rejection: { code: RejectionCode; reason: string } | null;
  /** Why vision found nothing, when Rekognition refused an image the pipeline could decode. */
  visionSkipped: string | null;
  processedAt: string;
  /** Set once the outcome event went out: a redelivered event then has nothing left to do. */
  publishedAt: string | null;
}

/** The sidecar with its ETag, for a compare-and-set (`writeSidecar`'s `ifMatch`); null when there is none. */
export async function readSidecarVersion(
  s3: S3Client,
  bucket: string,
  ownerSub: string,
  imageId: string,
  abortSignal: AbortSignal,
): Promise<{ sidecar: ImageSidecar; etag: string } | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: metaKey(ownerSub, imageId) }), { abortSignal });
    return { sidecar: JSON.parse(await object.Body!.transformToString('utf8')) as ImageSidecar, etag: object.ETag ?? '' };
  } catch (error) {
    if (error instanceof NoSuchKey) return null;
    throw error;
  }
}

/**
 * Writes the sidecar (the call aborted by `abortSignal`); with `ifMatch`, only over the sidecar
 * with that ETag (S3's conditional write): S3 then refuses with PreconditionFailed (changed), NoSuchKey (deleted) or
 * ConditionalRequestConflict (deleted during the write), which `isChangedMeanwhile` recognises.
 * Returns the ETag written, for the next compare-and-set.
 */
export async function writeSidecar(
  s3: S3Client,
  bucket: string,
  sidecar: ImageSidecar,
  abortSignal: AbortSignal,
  ifMatch?: string,
): Promise<string> {
  const { ownerSub, id } = sidecar.document;
  const written = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: metaKey(ownerSub, id),
      Body: JSON.stringify(sidecar),
      ContentType: 'application/json',
      IfMatch: ifMatch,
    }),
    { abortSignal },
  );
  return written.ETag ?? '';
}

/** Whether a conditional `writeSidecar` was refused because the sidecar changed or went away since it was read. */
export function isChangedMeanwhile(error: unknown): boolean {
  return error instanceof S3ServiceException && ['PreconditionFailed', 'NoSuchKey', 'ConditionalRequestConflict'].includes(error.name);
}
