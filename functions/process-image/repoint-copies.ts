/**
 * When an original is deleted, its copies are re-pointed (copy-pointers.ts decides where): the I/O
 * around that decision. Each changed copy is rewritten in its sidecar first (the durable record
 * `imagegraph reindex` and a redelivered ObjectCreated replay), then in the index.
 */
import { HeadObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { type LinkedImage, type Repointing, repointing } from './copy-pointers.ts';
import type { ImageIndex } from './image-index.ts';
import { comparableHash } from './near-duplicates.ts';
import { isChangedMeanwhile, readSidecarVersion, writeSidecar } from './sidecar.ts';

/**
 * The most images one deletion re-points (byte copies and near-duplicates together). Each costs
 * about five requests (a look-up, a HEAD of its upload, the sidecar read and its conditional
 * write, the index write), run CONCURRENCY at a time: well within the function's 2 minutes. Past
 * it, the later copies keep pointing at the deleted id and the outcome says so (logged as a warning).
 */
export const MAX_REPOINTED_IMAGES = 500;
const CONCURRENCY = 4;
/** Look-alikes found whose upload is gone (being deleted too) before giving up on a near-duplicate's new pointer. */
const MAX_GONE_LOOK_ALIKES = 3;

export interface RepointDeps {
  s3: S3Client;
  bucket: string;
  index: Pick<ImageIndex, 'refresh' | 'findLinkedImages' | 'findNearDuplicate' | 'get' | 'put'>;
  /** MAX_REPOINTED_IMAGES unless given (tests of the cap). */
  maxImages?: number;
}

export interface RepointResult {
  /** Images whose pointers were rewritten. */
  repointed: number;
  /** True when the deleted image had more copies than MAX_REPOINTED_IMAGES: the rest were left. */
  capped: boolean;
}

/**
 * Re-points the owner's images that point at `deleted` (a PROCESSED image whose removal is being
 * processed, before its tombstone is written). Safe to run again on the same state: only images
 * whose pointers differ from the decision are written.
 */
export async function repointCopies(deps: RepointDeps, deleted: ImageDocument): Promise<RepointResult> {
  const { ownerSub, id: deletedId } = deleted;
  const maxImages = deps.maxImages ?? MAX_REPOINTED_IMAGES;
  // Search is near real time: a copy indexed within the last second would otherwise be missed.
  await deps.index.refresh();
  const sameBytes = deleted.sha256
    ? await deps.index.findLinkedImages(ownerSub, 'sha256', deleted.sha256, deletedId, maxImages)
    : { images: [], more: false };
  const nearCopies = await deps.index.findLinkedImages(ownerSub, 'nearDuplicateOf', deletedId, deletedId, maxImages - sameBytes.images.length);
  const limit = pLimit(CONCURRENCY);
  const stored = storedUploads(deps);
  const lookAlike = (image: LinkedImage) => liveLookAlike(deps, stored, ownerSub, image, deletedId);

  // In upload order already; the first whose upload is still stored (a gone one is being deleted).
  let original: LinkedImage | null = null;
  for (const image of sameBytes.images) {
    if (await stored.uploadOf(image)) {
      original = image;
      break;
    }
  }
  const changes = repointing({
    deletedId,
    sameBytes: sameBytes.images,
    original,
    originalLookAlike: original ? await lookAlike(original) : null,
    nearCopies: await Promise.all(nearCopies.images.map((image) => limit(async () => ({ image, lookAlike: await lookAlike(image) })))),
  });
  const written = await Promise.all(changes.map((change) => limit(() => rewritePointers(deps, ownerSub, change))));
  return { repointed: written.filter(Boolean).length, capped: sameBytes.more || nearCopies.more };
}

/**
 * The earliest of the owner's images uploaded before `image` that look like it (the rule of
 * `created`), leaving out the deleted image (its tombstone is written after this) and any whose
 * upload is gone (being deleted by its own event). Null for a hash too flat to compare, as in `created`.
 */
async function liveLookAlike(deps: RepointDeps, stored: StoredUploads, ownerSub: string, image: LinkedImage, deletedId: string): Promise<string | null> {
  if (!image.perceptualHash || !comparableHash(image.perceptualHash)) return null;
  const excluded = [deletedId];
  for (let attempt = 0; attempt < MAX_GONE_LOOK_ALIKES; attempt++) {
    const found = await deps.index.findNearDuplicate(ownerSub, image.perceptualHash, image, excluded);
    if (!found || (await stored.uploadOfId(found))) return found;
    excluded.push(found);
  }
  return null;
}

/**
 * Rewrites one image's pointers: sidecar, then index. Skipped (false) when the image has no
 * sidecar any more (deleted meanwhile) or one from another event than the indexed document
 * (an upload to the same key is being processed, and decides its pointers itself).
 *
 * The sidecar write is a compare-and-set (S3's conditional PutObject, If-Match on the ETag read):
 * if the copy's sidecar changed since (a newer event of the copy wrote its own) or went away (the
 * copy's removal deleted it), nothing is written, so a deleted copy is never resurrected and a
 * newer event's sidecar never overwritten. A removal of the copy after the write deletes the
 * sidecar itself, and its tombstone outranks the index write below.
 */
async function rewritePointers(deps: RepointDeps, ownerSub: string, { image, duplicateOf, nearDuplicateOf }: Repointing): Promise<boolean> {
  const read = await readSidecarVersion(deps.s3, deps.bucket, ownerSub, image.id);
  if (!read || read.sidecar.document.sequencer !== image.sequencer) return false;
  const document: ImageDocument = { ...read.sidecar.document, duplicateOf, nearDuplicateOf };
  try {
    await writeSidecar(deps.s3, deps.bucket, { ...read.sidecar, document }, read.etag);
  } catch (error) {
    if (isChangedMeanwhile(error)) return false;
    throw error;
  }
  // Same sequencer as indexed: put overwrites it, unless a newer event of the copy was indexed meanwhile.
  return (await deps.index.put(document)) === 'written';
}

interface StoredUploads {
  uploadOf(image: Pick<ImageDocument, 'id' | 'originalKey'>): Promise<boolean>;
  uploadOfId(id: string): Promise<boolean>;
}

/** Whether an image's upload is still stored, asked once per image per deletion. */
function storedUploads(deps: RepointDeps): StoredUploads {
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
        return document !== null && (await isStored(deps, document.originalKey));
      }),
  };
}

/** Whether an object is stored at `key`. */
async function isStored(deps: RepointDeps, key: string): Promise<boolean> {
  try {
    await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key }));
    return true;
  } catch (error) {
    // HEAD has no body, so a missing key is a bare 404 (NotFound), not NoSuchKey.
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
    throw error;
  }
}
