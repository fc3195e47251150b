import { HeadObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import type { ImageIndex } from './image-index.ts';

/**
 * Whether an image's upload is still stored: the first thing a deletion changes (S3 deletes the
 * object before it sends the ObjectRemoved event), so an image whose upload is gone is being
 * deleted, even while its document is still indexed.
 */
export interface StoredUploads {
  uploadOf(image: Pick<ImageDocument, 'id' | 'originalKey'>): Promise<boolean>;
  /** By id: its indexed document says where the upload is; false for none, or a tombstone. */
  uploadOfId(id: string): Promise<boolean>;
}

export interface StoredUploadsDeps {
  s3: S3Client;
  bucket: string;
  index: Pick<ImageIndex, 'get'>;
  /** Aborts the HEADs (the invocation's deadline). */
  signal: AbortSignal;
}

/** Asks S3 (HEAD) once per image: answers are remembered for the caller's one decision. */
export function storedUploads(deps: StoredUploadsDeps): StoredUploads {
  const known = new Map<string, Promise<boolean>>();
  const remember = (id: string, ask: () => Promise<boolean>) => {
    if (!known.has(id)) known.set(id, ask());
    return known.get(id)!;
  };
  return {
    uploadOf: (image) => remember(image.id, () => isStored(deps, image.originalKey)),
    uploadOfId: (id) =>
      remember(id, async () => {
        const document = await deps.index.get(id);
        return document !== null && document.status !== 'DELETED' && (await isStored(deps, document.originalKey));
      }),
  };
}

/** Whether an object is stored at `key`. */
async function isStored(deps: StoredUploadsDeps, key: string): Promise<boolean> {
  try {
    await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key }), { abortSignal: deps.signal });
    return true;
  } catch (error) {
    // HEAD has no body, so a missing key is a bare 404 (NotFound), not NoSuchKey.
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
    throw error;
  }
}
