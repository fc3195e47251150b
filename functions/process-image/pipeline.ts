import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  paginateListObjectsV2,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ImageEventInput } from '../../schema/generated/graphql.ts';
import type { ImageDocument, StoredThumbnail } from '../../resolvers/lib/imageDocument.ts';
import type { ProcessingConfig } from '../shared/config.ts';
import { metaKey, parseKey, thumbnailPrefix } from '../shared/storage-keys.ts';
import { type ImageAnalysis, visionReadsOriginal } from './analysis/analyze-image.ts';
import { failedDocument, processedDocument, storedThumbnails, type UploadFacts } from './image-document.ts';
import type { ImageIndex } from './image-index.ts';
import { ImageRejected, tooLarge, type RejectionCode } from './image-rejected.ts';
import { comparableHash } from './near-duplicates.ts';
import { repointCopies, type RepointResult } from './repoint-copies.ts';
import type { VisionFindings } from './image-vision.ts';
import { compareSequencers, type ObjectEvent } from './s3-events.ts';
import { isChangedMeanwhile, readSidecarVersion, writeSidecar, type ImageSidecar } from './sidecar.ts';
import { storedUploads } from './stored-uploads.ts';
import { hasTimeToStart, type TimeLeft, untilAborted } from './time-budget.ts';

/** How each event ended; anything transient is thrown instead, for SQS to retry. */
export type Outcome =
  | { result: 'processed'; imageId: string }
  | { result: 'failed'; imageId: string; code: RejectionCode; reason: string }
  /** `copies`: what became of the images that pointed at it (repoint-copies.ts). */
  | { result: 'deleted'; imageId: string; copies: Omit<RepointResult, 'outOfTime'> }
  /**
   * Out of time in this invocation (time-budget.ts): left for SQS to deliver again, which the
   * handler asks for by reporting the message as failed. `repointed`: copies re-pointed before that.
   */
  | { result: 'postponed'; imageId: string; why: string; repointed: number }
  /**
   * Still running at the invocation's deadline (time-budget.ts): abandoned, its calls aborted, and
   * left for SQS to deliver again like a failure. Whatever it wrote is redone or kept by the redelivery.
   */
  | { result: 'timedOut'; imageId: string }
  /** Nothing to do: a redelivery, an event older than what is recorded, or a key outside uploads/. */
  | { result: 'skipped'; imageId: string | null; why: string };

/** Runs one named step; the handler times and traces it, tests just run it. */
export type StepRunner = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export interface PipelineDeps {
  s3: S3Client;
  config: ProcessingConfig;
  analyze: (bytes: Buffer) => Promise<ImageAnalysis>;
  detect: (image: { bucket: string; key: string }, signal: AbortSignal) => Promise<VisionFindings>;
  index: Pick<ImageIndex, 'put' | 'markDeleted' | 'get' | 'findFirstWithSha256' | 'findNearDuplicate' | 'refresh' | 'findLinkedImages'>;
  publish: (event: ImageEventInput, signal: AbortSignal) => Promise<void>;
  now: () => Date;
  step: StepRunner;
  /** What is left of the invocation (the Lambda context's, per invocation); see time-budget.ts. */
  timeLeft: TimeLeft;
  /**
   * The invocation's deadline (time-budget.ts, watchDeadline): every S3, Rekognition and AppSync
   * call of the event is given it, and `index` comes bound to it (ImageIndex.abortingOn), so that
   * the calls of an abandoned event stop.
   */
  signal: AbortSignal;
}

/** Images a copy's pointer may find gone one after another (each being deleted) before SQS is left to retry. */
const MAX_GONE_ORIGINALS = 3;

const NO_VISION: VisionFindings = { labels: [], moderationLabels: [], detectedText: [], faces: null };
/** Stored beside the thumbnails, never listed: the JPEG Rekognition reads when it cannot read the original. */
const VISION_RENDITION = 'vision.jpg';

export async function handleObjectEvent(deps: PipelineDeps, event: ObjectEvent): Promise<Outcome> {
  const location = parseKey(event.key);
  if (!location || location.area !== 'uploads') {
    return { result: 'skipped', imageId: null, why: `not an upload key: ${event.key}` };
  }
  // Nothing is started under the margin: what the batch's earlier messages left may not be enough.
  if (!hasTimeToStart(deps.timeLeft)) {
    return { result: 'postponed', imageId: location.imageId, why: 'too little time left in this invocation to start', repointed: 0 };
  }
  const upload: UploadFacts = {
    ownerSub: location.ownerSub,
    imageId: location.imageId,
    key: event.key,
    fileName: event.key.slice(event.key.lastIndexOf('/') + 1),
    contentType: '',
    bytes: event.size,
    etag: event.etag,
    sequencer: event.sequencer,
    uploadedAt: event.eventTime,
  };
  try {
    return await untilAborted(event.kind === 'created' ? created(deps, upload) : removed(deps, upload), deps.signal);
  } catch (error) {
    if (!deps.signal.aborted) throw error;
    return { result: 'timedOut', imageId: location.imageId };
  }
}

/**
 * Whether the image is a copy of one of the owner's earlier images: the same bytes, or else the
 * same look. `excluded`: images found gone (being deleted) by a double check (redecideIfOriginalGone).
 */
async function findCopies(
  deps: PipelineDeps,
  ownerSub: string,
  analysis: { sha256: string; perceptualHash: string },
  uploaded: { id: string; uploadedAt: string },
  excluded: readonly string[] = [],
): Promise<Pick<ImageDocument, 'duplicateOf' | 'nearDuplicateOf'>> {
  const duplicateOf = await deps.step('findDuplicate', () => deps.index.findFirstWithSha256(ownerSub, analysis.sha256, uploaded, excluded));
  // A byte-identical copy is a duplicate, not a near one: only the others are compared by look,
  // and only when their hash has texture to compare (not a blank or flat picture).
  const nearDuplicateOf =
    duplicateOf || !comparableHash(analysis.perceptualHash)
      ? null
      : await deps.step('findNearDuplicate', () => deps.index.findNearDuplicate(ownerSub, analysis.perceptualHash, uploaded, excluded));
  return { duplicateOf, nearDuplicateOf };
}

async function created(deps: PipelineDeps, upload: UploadFacts): Promise<Outcome> {
  const { s3, config } = deps;
  const read = await deps.step('readSidecar', () => readSidecarVersion(s3, config.bucket, upload.ownerSub, upload.imageId, deps.signal));
  if (read && compareSequencers(read.sidecar.document.sequencer, upload.sequencer) > 0) {
    return { result: 'skipped', imageId: upload.imageId, why: 'a newer event is already recorded' };
  }
  if (read?.sidecar.document.etag === upload.etag) {
    // The same upload again: finish whatever the earlier delivery did not, reusing its results
    // (the double check last: a delivery that failed in it has published already).
    if (!read.sidecar.publishedAt) return announce(deps, read.sidecar);
    const redecided = await redecideIfOriginalGone(deps, read, []);
    if (redecided) return announce(deps, redecided.sidecar, redecided.gone);
    return { result: 'skipped', imageId: upload.imageId, why: 'already processed' };
  }

  let document: ImageDocument;
  let rejection: ImageSidecar['rejection'] = null;
  let visionSkipped: string | null = null;
  try {
    const original = await deps.step('download', () => download(deps, upload));
    if (!original) return { result: 'skipped', imageId: upload.imageId, why: 'the object is gone or was replaced' };
    upload.bytes = original.bytes.length;
    upload.contentType = original.contentType;
    // Rekognition reads the original from S3: when it can, detection runs while the analysis and
    // the thumbnail uploads do; otherwise it waits for the JPEG rendition to be stored.
    const detectOriginal = (await visionReadsOriginal(original.bytes, config.maxInputPixels)) ? detectLabels(deps, upload.key) : null;
    // Awaited below; this only keeps a failure from going unhandled if the analysis throws first.
    detectOriginal?.catch(() => undefined);
    const analysis = await deps.step('analyze', () => deps.analyze(original.bytes));
    const uploaded = { id: upload.imageId, uploadedAt: upload.uploadedAt };
    const [thumbnails, detected, copies] = await Promise.all([
      deps.step('storeThumbnails', () => storeThumbnails(deps, upload, analysis)),
      analysis.visionRendition ? detectRendition(deps, upload, analysis.visionRendition) : (detectOriginal ?? detectLabels(deps, upload.key)),
      findCopies(deps, upload.ownerSub, analysis, uploaded),
    ]);
    visionSkipped = detected.skipped;
    document = processedDocument(upload, analysis, thumbnails, detected.vision, copies);
  } catch (error) {
    if (!(error instanceof ImageRejected)) throw error;
    rejection = { code: error.code, reason: error.reason };
    document = failedDocument(upload, error.reason);
  }

  const sidecar: ImageSidecar = {
    schemaVersion: 1,
    document,
    rejection,
    visionSkipped,
    processedAt: deps.now().toISOString(),
    publishedAt: null,
  };
  await deps.step('writeSidecar', () => writeSidecar(s3, config.bucket, sidecar, deps.signal));
  return announce(deps, sidecar);
}

/**
 * Indexes the recorded outcome and tells the owner, then notes that it did; then makes sure a copy
 * does not point at an image being deleted (redecideIfOriginalGone), announcing it again if it did.
 * `gone`: the images this copy was found pointing at while they were being deleted.
 */
async function announce(deps: PipelineDeps, sidecar: ImageSidecar, gone: readonly string[] = []): Promise<Outcome> {
  const { document } = sidecar;
  const written = await deps.step('index', () => deps.index.put(document));
  if (written === 'stale') {
    return { result: 'skipped', imageId: document.id, why: 'the index holds a newer event for this image' };
  }
  await deps.step('publish', () =>
    deps.publish({
      imageId: document.id,
      ownerSub: document.ownerSub,
      status: document.status,
      image: document.status === 'PROCESSED' ? JSON.stringify(document) : null,
      reason: document.failureReason ?? null,
    }, deps.signal),
  );
  const published = { ...sidecar, publishedAt: deps.now().toISOString() };
  const etag = await deps.step('writeSidecar', () => writeSidecar(deps.s3, deps.config.bucket, published, deps.signal));
  const redecided = await redecideIfOriginalGone(deps, { sidecar: published, etag }, gone);
  if (redecided) return announce(deps, redecided.sidecar, redecided.gone);
  if (sidecar.rejection) {
    return { result: 'failed', imageId: document.id, ...sidecar.rejection };
  }
  return { result: 'processed', imageId: document.id };
}

/**
 * The double check of a copy against the removal of the image it points at (README, "A copy
 * processed while its original is deleted"). `created` looked the original up before this copy was
 * indexed; the original's removal may have listed its copies in between, missed this one, and
 * written its tombstone, leaving this copy pointing at a deleted image. S3 deletes an upload before
 * its removal is even queued, and this asks after this copy is indexed and recorded: so either the
 * removal's listing (which refreshes the index first) finds this copy and re-points it, or this
 * finds the original's upload gone and decides again without it.
 *
 * The new decision is recorded as a new outcome to announce (publishedAt null, so that a
 * redelivery announces it too), by compare-and-set on the ETag of this image's last sidecar
 * write: a sidecar changed meanwhile means the removal's re-pointing (or a newer event of this
 * image) decided, and that decision stands. Null when there is nothing to decide again.
 */
async function redecideIfOriginalGone(
  deps: PipelineDeps,
  recorded: { sidecar: ImageSidecar; etag: string },
  gone: readonly string[],
): Promise<{ sidecar: ImageSidecar; gone: string[] } | null> {
  const { document } = recorded.sidecar;
  const target = document.duplicateOf ?? document.nearDuplicateOf;
  if (!target || !document.sha256 || !document.perceptualHash) return null;
  const stored = storedUploads({ s3: deps.s3, bucket: deps.config.bucket, index: deps.index, signal: deps.signal });
  if (await deps.step('confirmCopyOf', () => stored.uploadOfId(target))) return null;
  const nowGone = [...gone, target];
  if (nowGone.length > MAX_GONE_ORIGINALS) throw new Error(`the images ${nowGone.join(', ')} that image ${document.id} may point at are being deleted`);
  const analysis = { sha256: document.sha256, perceptualHash: document.perceptualHash };
  const copyOf = await findCopies(deps, document.ownerSub, analysis, document, nowGone);
  const sidecar: ImageSidecar = { ...recorded.sidecar, document: { ...document, ...copyOf }, publishedAt: null };
  try {
    await deps.step('writeSidecar', () => writeSidecar(deps.s3, deps.config.bucket, sidecar, deps.signal, recorded.etag));
  } catch (error) {
    if (isChangedMeanwhile(error)) return null;
    throw error;
  }
  return { sidecar, gone: nowGone };
}

async function removed(deps: PipelineDeps, upload: UploadFacts): Promise<Outcome> {
  const { s3, config } = deps;
  const indexed = await deps.step('readIndex', () => deps.index.get(upload.imageId));
  if (indexed && compareSequencers(indexed.sequencer, upload.sequencer) > 0) {
    return { result: 'skipped', imageId: upload.imageId, why: 'a newer event is already indexed' };
  }
  if (indexed?.status === 'DELETED' && indexed.sequencer === upload.sequencer) {
    return { result: 'skipped', imageId: upload.imageId, why: 'already deleted' };
  }
  await deps.step('deleteDerived', () => deleteDerived(s3, config.bucket, upload, deps.signal));
  // Before the tombstone: a redelivery after a failure here finds the image still indexed, and
  // runs this again (it writes only what is not yet re-pointed). Only a processed image has copies.
  const { outOfTime, ...copies } =
    indexed?.status === 'PROCESSED'
      ? await deps.step('repointCopies', () => repointCopies({ s3, bucket: config.bucket, index: deps.index, timeLeft: deps.timeLeft, signal: deps.signal }, indexed))
      : { repointed: 0, capped: false, outOfTime: false };
  // No tombstone yet: the redelivery finds the image still indexed and re-points what is left.
  if (outOfTime) return { result: 'postponed', imageId: upload.imageId, why: 'out of time re-pointing its copies', repointed: copies.repointed };
  const written = await deps.step('index', () => deps.index.markDeleted(upload.ownerSub, upload.imageId, upload.sequencer));
  if (written === 'stale') return { result: 'skipped', imageId: upload.imageId, why: 'the index holds a newer event' };
  await deps.step('publish', () =>
    deps.publish({ imageId: upload.imageId, ownerSub: upload.ownerSub, status: 'DELETED', image: null, reason: null }, deps.signal),
  );
  return { result: 'deleted', imageId: upload.imageId, copies };
}

/** Reads the original once, refusing oversize objects before any byte is transferred. */
async function download(deps: PipelineDeps, upload: UploadFacts): Promise<{ bytes: Buffer; contentType: string } | null> {
  const { s3, config } = deps;
  try {
    // IfMatch: if the key was overwritten since this event, the newer event will process it.
    const object = await s3.send(
      new GetObjectCommand({ Bucket: config.bucket, Key: upload.key, IfMatch: upload.etag ? `"${upload.etag.replace(/"/g, '')}"` : undefined }),
      { abortSignal: deps.signal },
    );
    const length = object.ContentLength ?? 0;
    if (length > config.maxUploadBytes) {
      object.Body?.transformToWebStream().cancel().catch(() => undefined);
      throw tooLarge(length, config.maxUploadBytes);
    }
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    if (bytes.length > config.maxUploadBytes) throw tooLarge(bytes.length, config.maxUploadBytes);
    return { bytes, contentType: object.ContentType ?? '' };
  } catch (error) {
    if (error instanceof NoSuchKey) return null;
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) return null;
    throw error;
  }
}

async function storeThumbnails(deps: PipelineDeps, upload: UploadFacts, analysis: ImageAnalysis): Promise<StoredThumbnail[]> {
  const prefix = thumbnailPrefix(upload.ownerSub, upload.imageId);
  await Promise.all(analysis.thumbnails.map((thumbnail) => putDerived(deps, `${prefix}${thumbnail.name}`, thumbnail.body, thumbnail.contentType)));
  return storedThumbnails(analysis.thumbnails, prefix);
}

function putDerived(deps: PipelineDeps, key: string, body: Buffer, contentType: string) {
  return deps.s3.send(
    new PutObjectCommand({ Bucket: deps.config.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: 'private, max-age=31536000, immutable' }),
    { abortSignal: deps.signal },
  );
}

interface Detected {
  vision: VisionFindings;
  /** Why Rekognition refused the picture, when it did. */
  skipped: string | null;
}

/** Stores the JPEG rendition Rekognition reads instead of the original, then detects on it. */
async function detectRendition(deps: PipelineDeps, upload: UploadFacts, rendition: Buffer): Promise<Detected> {
  const key = `${thumbnailPrefix(upload.ownerSub, upload.imageId)}${VISION_RENDITION}`;
  await deps.step('storeVisionRendition', () => putDerived(deps, key, rendition, 'image/jpeg'));
  return detectLabels(deps, key);
}

async function detectLabels(deps: PipelineDeps, key: string): Promise<Detected> {
  try {
    return { vision: await deps.step('detect', () => deps.detect({ bucket: deps.config.bucket, key }, deps.signal)), skipped: null };
  } catch (error) {
    // Rekognition refusing a picture we could decode (too small, say) is no reason to fail the
    // upload: it is kept, searchable by everything but labels.
    if (!(error instanceof ImageRejected)) throw error;
    return { vision: NO_VISION, skipped: error.reason };
  }
}

/** Thumbnails, vision rendition and sidecar: everything derived from the deleted original. */
async function deleteDerived(s3: S3Client, bucket: string, upload: UploadFacts, abortSignal: AbortSignal): Promise<void> {
  const keys = [metaKey(upload.ownerSub, upload.imageId)];
  const prefix = thumbnailPrefix(upload.ownerSub, upload.imageId);
  // The paginator hands its extra arguments to each page's send.
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix }, { abortSignal })) {
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
  }
  const result = await s3.send(
    new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
    { abortSignal },
  );
  if (result.Errors?.length) {
    throw new Error(`Could not delete ${result.Errors.map((error) => `${error.Key}: ${error.Code}`).join(', ')}`);
  }
}
