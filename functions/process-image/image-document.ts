import type { StoredThumbnail, ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import type { ImageAnalysis } from './analysis/analyze-image.ts';
import type { VisionFindings } from './image-vision.ts';

/** What is known of an upload before its bytes are read: from the key and the S3 event. */
export interface UploadFacts {
  ownerSub: string;
  imageId: string;
  key: string;
  fileName: string;
  /** As declared at upload; the real type comes from the bytes. */
  contentType: string;
  bytes: number;
  etag: string;
  sequencer: string;
  uploadedAt: string;
}

/** Where each analysed thumbnail is stored: its name under `prefix` (a key prefix, or '' for local files). */
export function storedThumbnails(thumbnails: ImageAnalysis['thumbnails'], prefix: string): StoredThumbnail[] {
  return thumbnails.map(({ size, square, width, height, format, name }) => ({ size, square, width, height, format, key: `${prefix}${name}` }));
}

/** An upload's document before anything is derived from its bytes: every derived field empty. */
export function uploadedDocument(upload: UploadFacts, status: ImageDocument['status']): ImageDocument {
  return { ...baseDocument(upload), status };
}

function baseDocument(upload: UploadFacts): Omit<ImageDocument, 'status'> {
  return {
    id: upload.imageId,
    ownerSub: upload.ownerSub,
    fileName: upload.fileName,
    contentType: upload.contentType,
    bytes: upload.bytes,
    uploadedAt: upload.uploadedAt,
    originalKey: upload.key,
    etag: upload.etag,
    sequencer: upload.sequencer,
    thumbnails: [],
    labels: [],
    labelNames: [],
    detectedText: [],
    moderationLabels: [],
    moderated: false,
    faces: null,
    faceCount: 0,
    dominantColors: [],
    location: null,
    altitude: null,
    cameraName: null,
  };
}

/** The document of a processed image: everything the pipeline learnt, flattened for search. */
export function processedDocument(
  upload: UploadFacts,
  analysis: ImageAnalysis,
  thumbnails: StoredThumbnail[],
  vision: VisionFindings,
  copyOf: Pick<ImageDocument, 'duplicateOf' | 'nearDuplicateOf'>,
): ImageDocument {
  const { camera } = analysis.exif;
  return {
    ...baseDocument(upload),
    status: 'PROCESSED',
    contentType: analysis.contentType,
    width: analysis.width,
    height: analysis.height,
    format: analysis.format,
    orientation: analysis.orientation,
    takenAt: analysis.exif.takenAt,
    camera,
    // One value for display, facet and filter (Camera.name).
    cameraName: camera?.name ?? null,
    location: analysis.exif.location,
    altitude: analysis.exif.altitude,
    labels: vision.labels,
    labelNames: vision.labels.map((label) => label.name),
    detectedText: vision.detectedText,
    faces: vision.faces,
    faceCount: vision.faces?.count ?? 0,
    moderationLabels: vision.moderationLabels,
    moderated: vision.moderationLabels.length > 0,
    dominantColors: analysis.dominantColors,
    sha256: analysis.sha256,
    perceptualHash: analysis.perceptualHash,
    duplicateOf: copyOf.duplicateOf,
    nearDuplicateOf: copyOf.nearDuplicateOf,
    thumbnails,
  };
}

/**
 * What stays indexed of a deleted image: enough to hide it and to remember the deleting event's
 * sequencer, so an older ObjectCreated arriving late cannot bring the image back.
 */
export function deletedDocument(ownerSub: string, imageId: string, sequencer: string): ImageDocument {
  return {
    ...baseDocument({
      ownerSub,
      imageId,
      sequencer,
      key: '',
      fileName: '',
      contentType: '',
      bytes: 0,
      etag: '',
      uploadedAt: new Date(0).toISOString(),
    }),
    bytes: null,
    status: 'DELETED',
  };
}

/** The document of an upload that cannot be processed: it stays visible, with the reason. */
export function failedDocument(upload: UploadFacts, reason: string): ImageDocument {
  return { ...baseDocument(upload), status: 'FAILED', failureReason: reason };
}

/** Upload order: uploadedAt, then id. A copy points only at an image before it in this order. */
export function uploadOrder(a: Pick<ImageDocument, 'id' | 'uploadedAt'>, b: Pick<ImageDocument, 'id' | 'uploadedAt'>): number {
  if (a.uploadedAt !== b.uploadedAt) return a.uploadedAt < b.uploadedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
