/**
 * When an original is deleted, its copies are re-pointed (copy-pointers.ts decides where): the I/O
 * around that decision. Each changed copy is rewritten in its sidecar first (the durable record
 * `imagegraph reindex` and a redelivered ObjectCreated replay), then in the index.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { byteCopyPointers, type LinkedImage, nearCopiesOnly, nearCopyPointers, type Repointing } from './copy-pointers.ts';
import type { ImageIndex } from './image-index.ts';
import { comparableHash } from './near-duplicates.ts';
import { isChangedMeanwhile, readSidecarVersion, writeSidecar } from './sidecar.ts';
import { type StoredUploads, storedUploads } from './stored-uploads.ts';
import { hasTimeToStart, type TimeLeft } from './time-budget.ts';

/**
 * The most images one deletion re-points (byte copies and near-duplicates together). Each costs
 * about five requests (a look-up, a HEAD of its upload, the sidecar read and its conditional
 * write, the index write), run CONCURRENCY at a time. Past it, the later copies keep pointing at
 * the deleted id and the outcome says so (logged as a warning).
 */
export const MAX_REPOINTED_IMAGES = 500;
const CONCURRENCY = 4;
/** Look-alikes found whose upload is gone (being deleted too) before giving up on a near-duplicate's new pointer. */
const MAX_GONE_LOOK_ALIKES = 3;
const NONE = { images: [] as LinkedImage[], more: false };

export interface RepointDeps {
  s3: S3Client;
  bucket: string;
  index: Pick<ImageIndex, 'refresh' | 'findLinkedImages' | 'findNearDuplicate' | 'get' | 'put'>;
  /** What is left of the invocation: no rewrite starts under the margin (time-budget.ts). */
  timeLeft: TimeLeft;
  /** Aborts every call (the invocation's deadline, time-budget.ts). */
  signal: AbortSignal;
  /** MAX_REPOINTED_IMAGES unless given (tests of the cap). */
  maxImages?: number;
}

export interface RepointResult {
  /** Images whose pointers were rewritten. */
  repointed: number;
  /** True when the deleted image had more copies than MAX_REPOINTED_IMAGES: the rest were left. */
  capped: boolean;
  /**
   * True when the invocation's time ran short before every rewrite was started: the deletion must
   * not be finished (no tombstone), so that its redelivery lists what is left and re-points it.
   */
  outOfTime: boolean;
}

/**
 * Re-points the owner's images that point at `deleted` (a PROCESSED image whose removal is being
 * processed, before its tombstone is written). Safe to run again on the same state: only images
 * whose pointers differ from the decision are written. An image nothing points at costs the
 * refresh and two searches, and no S3 request.
 */
export async function repointCopies(deps: RepointDeps, deleted: ImageDocument): Promise<RepointResult> {
  const { ownerSub, id: deletedId, sha256 } = deleted;
  const maxImages = deps.maxImages ?? MAX_REPOINTED_IMAGES;
  const list = (field: 'sha256' | 'duplicateOf' | 'nearDuplicateOf', value: string, limit: number) =>
    deps.index.findLinkedImages(ownerSub, field, value, deletedId, limit);
  // Search is near real time: a copy indexed within the last second would otherwise be missed.
  await deps.index.refresh();
  const nearCopies = await list('nearDuplicateOf', deletedId, maxImages);
  // Byte copies point at the earliest image with their bytes (`created`), so the deleted image has
  // some exactly when one points at it. Their new pointers are decided over all images with those
  // bytes, not over these alone: a redelivery finds the new original already pointing nowhere, and
  // an earlier upload processed after the deleted one is an original too and comes first. A near
  // copy with these bytes (near real time hid a byte copy from `created`) is a byte copy as well.
  const hasByteCopies = async (bytes: string) =>
    nearCopies.images.some((image) => image.sha256 === bytes) || (await list('duplicateOf', deletedId, 1)).images.length > 0;
  const sameBytes = sha256 && (await hasByteCopies(sha256)) ? await list('sha256', sha256, maxImages) : NONE;
  const nearKept = nearCopies.images.slice(0, maxImages - sameBytes.images.length);
  const stored = storedUploads(deps);
  const lookAlike = (image: LinkedImage) => liveLookAlike(deps, stored, ownerSub, image, deletedId);

  const original = await firstStored(sameBytes.images, stored);
  const byteChanges = byteCopyPointers({ deletedId, sameBytes: sameBytes.images, original, originalLookAlike: original ? await lookAlike(original) : null });
  const rewrites = [
    ...byteChanges.map((change) => () => rewritePointers(deps, ownerSub, change)),
    ...nearCopiesOnly(nearKept, sameBytes.images).map((image) => async () => {
      const change = nearCopyPointers(deletedId, image, await lookAlike(image));
      return change !== null && (await rewritePointers(deps, ownerSub, change));
    }),
  ];
  const { done, outOfTime } = await startWhileTimeLeft(rewrites, deps.timeLeft);
  return {
    repointed: done.filter(Boolean).length,
    capped: sameBytes.more || nearCopies.more || nearKept.length < nearCopies.images.length,
    outOfTime,
  };
}

/**
 * Runs the tasks CONCURRENCY at a time, starting none once less than the margin is left. The first
 * CONCURRENCY always start, so each delivery of a deletion makes progress (re-points images that
 * its next delivery no longer has to); a message is only started with the margin left, which is
 * ample for them (time-budget.ts).
 */
async function startWhileTimeLeft(tasks: (() => Promise<boolean>)[], timeLeft: TimeLeft): Promise<{ done: boolean[]; outOfTime: boolean }> {
  const limit = pLimit(CONCURRENCY);
  let started = 0;
  let outOfTime = false;
  const done = await Promise.all(
    tasks.map((task) =>
      limit(() => {
        if (outOfTime || (started >= CONCURRENCY && !hasTimeToStart(timeLeft))) {
          outOfTime = true;
          return false;
        }
        started += 1;
        return task();
      }),
    ),
  );
  return { done, outOfTime };
}

/**
 * The first of `images` (in upload order) whose upload is still stored, asked CONCURRENCY at a time
 * and in order; none is started once the answer is known.
 */
async function firstStored(images: readonly LinkedImage[], stored: StoredUploads): Promise<LinkedImage | null> {
  const limit = pLimit(CONCURRENCY);
  const asks = images.map((image) => limit(() => stored.uploadOf(image)));
  try {
    for (const [position, ask] of asks.entries()) {
      if (await ask) return images[position]!;
    }
    return null;
  } finally {
    limit.clearQueue();
    // Asks still running are not needed any more; a failure of theirs must not go unhandled.
    for (const ask of asks) ask.catch(() => undefined);
  }
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
  const read = await readSidecarVersion(deps.s3, deps.bucket, ownerSub, image.id, deps.signal);
  if (!read || read.sidecar.document.sequencer !== image.sequencer) return false;
  const document: ImageDocument = { ...read.sidecar.document, duplicateOf, nearDuplicateOf };
  try {
    await writeSidecar(deps.s3, deps.bucket, { ...read.sidecar, document }, deps.signal, read.etag);
  } catch (error) {
    if (isChangedMeanwhile(error)) return false;
    throw error;
  }
  // Same sequencer as indexed: put overwrites it, unless a newer event of the copy was indexed meanwhile.
  return (await deps.index.put(document)) === 'written';
}
