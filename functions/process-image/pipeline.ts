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
import { readSidecar, writeSidecar, type ImageSidecar } from './sidecar.ts';

/** How each event ended; anything transient is thrown instead, for SQS to retry. */
export type Outcome =
  | { result: 'processed'; imageId: string }
  | { result: 'failed'; imageId: string; code: RejectionCode; reason: string }
  /** `copies`: what became of the images that pointed at it (repoint-copies.ts). */
  | { result: 'deleted'; imageId: string; copies: RepointResult }
  /** Nothing to do: a redelivery, an event older than what is recorded, or a key outside uploads/. */
  | { result: 'skipped'; imageId: string | null; why: string };

/** Runs one named step; the handler times and traces it, tests just run it. */
export type StepRunner = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export interface PipelineDeps {
  s3: S3Client;
  config: ProcessingConfig;
  analyze: (bytes: Buffer) => Promise<ImageAnalysis>;
  detect: (image: { bucket: string; key: string }) => Promise<VisionFindings>;
  index: Pick<ImageIndex, 'put' | 'markDeleted' | 'get' | 'findFirstWithSha256' | 'findNearDuplicate' | 'refresh' | 'findLinkedImages'>;
  publish: (event: ImageEventInput) => Promise<void>;
  now: () => Date;
  step: StepRunner;
}

const NO_VISION: VisionFindings = { labels: [], moderationLabels: [], detectedText: [], faces: null };
/** Stored beside the thumbnails, never listed: the JPEG Rekognition reads when it cannot read the original. */
const VISION_RENDITION = 'vision.jpg';

export async function handleObjectEvent(deps: PipelineDeps, event: ObjectEvent): Promise<Outcome> {
  const location = parseKey(event.key);
  if (!location || location.area !== 'uploads') {
    return { result: 'skipped', imageId: null, why: `not an upload key: ${event.key}` };
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
  return event.kind === 'created' ? created(deps, upload) : removed(deps, upload);
}

/** Whether the image is a copy of one of the owner's earlier images: the same bytes, or else the same look. */
async function findCopies(deps: PipelineDeps, ownerSub: string, analysis: { sha256: string; perceptualHash: string }, uploaded: { id: string; uploadedAt: string }) {
  const duplicateOf = await deps.step('findDuplicate', () => deps.index.findFirstWithSha256(ownerSub, analysis.sha256, uploaded));
  // A byte-identical copy is a duplicate, not a near one: only the others are compared by look,
  // and only when their hash has texture to compare (not a blank or flat picture).
  const nearDuplicateOf =
    duplicateOf || !comparableHash(analysis.perceptualHash) ? null : await deps.step('findNearDuplicate', () => deps.index.findNearDuplicate(ownerSub, analysis.perceptualHash, uploaded));
  return { duplicateOf, nearDuplicateOf };
}

async function created(deps: PipelineDeps, upload: UploadFacts): Promise<Outcome> {
  const { s3, config } = deps;
  const recorded = await deps.step('readSidecar', () => readSidecar(s3, config.bucket, upload.ownerSub, upload.imageId));
  if (recorded && compareSequencers(recorded.document.sequencer, upload.sequencer) > 0) {
    return { result: 'skipped', imageId: upload.imageId, why: 'a newer event is already recorded' };
  }
  if (recorded && recorded.document.etag === upload.etag) {
    // The same upload again: finish whatever the earlier delivery did not, reusing its results.
    if (recorded.publishedAt) return { result: 'skipped', imageId: upload.imageId, why: 'already processed' };
    return announce(deps, recorded);
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
  await deps.step('writeSidecar', () => writeSidecar(s3, config.bucket, sidecar));
  return announce(deps, sidecar);
}

/** Indexes the recorded outcome and tells the owner, then notes that it did. */
async function announce(deps: PipelineDeps, sidecar: ImageSidecar): Promise<Outcome> {
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
    }),
  );
  await deps.step('writeSidecar', () =>
    writeSidecar(deps.s3, deps.config.bucket, { ...sidecar, publishedAt: deps.now().toISOString() }),
  );
  if (sidecar.rejection) {
    return { result: 'failed', imageId: document.id, ...sidecar.rejection };
  }
  return { result: 'processed', imageId: document.id };
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
  await deps.step('deleteDerived', () => deleteDerived(s3, config.bucket, upload));
  // Before the tombstone: a redelivery after a failure here finds the image still indexed, and
  // runs this again (it writes only what is not yet re-pointed). Only a processed image has copies.
  const copies =
    indexed?.status === 'PROCESSED'
      ? await deps.step('repointCopies', () => repointCopies({ s3, bucket: config.bucket, index: deps.index }, indexed))
      : { repointed: 0, capped: false };
  const written = await deps.step('index', () => deps.index.markDeleted(upload.ownerSub, upload.imageId, upload.sequencer));
  if (written === 'stale') return { result: 'skipped', imageId: upload.imageId, why: 'the index holds a newer event' };
  await deps.step('publish', () =>
    deps.publish({ imageId: upload.imageId, ownerSub: upload.ownerSub, status: 'DELETED', image: null, reason: null }),
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
    return { vision: await deps.step('detect', () => deps.detect({ bucket: deps.config.bucket, key })), skipped: null };
  } catch (error) {
    // Rekognition refusing a picture we could decode (too small, say) is no reason to fail the
    // upload: it is kept, searchable by everything but labels.
    if (!(error instanceof ImageRejected)) throw error;
    return { vision: NO_VISION, skipped: error.reason };
  }
}

/** Thumbnails, vision rendition and sidecar: everything derived from the deleted original. */
async function deleteDerived(s3: S3Client, bucket: string, upload: UploadFacts): Promise<void> {
  const keys = [metaKey(upload.ownerSub, upload.imageId)];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: thumbnailPrefix(upload.ownerSub, upload.imageId) })) {
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
  }
  const result = await s3.send(
    new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
  );
  if (result.Errors?.length) {
    throw new Error(`Could not delete ${result.Errors.map((error) => `${error.Key}: ${error.Code}`).join(', ')}`);
  }
}
