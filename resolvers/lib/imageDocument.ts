import type { Image, Thumbnail } from '../../schema/generated/graphql.ts';

/** The OpenSearch index that holds one document per image. */
export const IMAGES_INDEX = 'images';

/** A thumbnail as stored: its key stays server-side; `Thumbnail.url` signs it on read. */
export type StoredThumbnail = Omit<Thumbnail, 'url' | '__typename'> & { key: string };

/**
 * One image as indexed. The processing function writes it (from the metadata sidecar); resolvers
 * read it. Beyond the `Image` fields it carries the owner, storage keys, and flattened fields that
 * exist only to be searched, filtered and aggregated on.
 */
export type ImageDocument = Omit<Image, 'originalUrl' | 'thumbnails' | 'location' | '__typename'> & {
  ownerSub: string;
  originalKey: string;
  thumbnails: StoredThumbnail[];
  /** geo_point; OpenSearch rejects extra keys in it, so altitude lives beside it. */
  location: { lat: number; lon: number } | null;
  altitude: number | null;
  /** Label names alone: text for search, `.keyword` for filters and facets. */
  labelNames: string[];
  /** "Make Model", for search, filters and facets. */
  cameraName: string | null;
  faceCount: number;
  /** True when moderation found anything: hidden from search unless asked for. */
  moderated: boolean;
  /** ETag of the original this document was derived from (idempotency). */
  etag: string;
  /** S3 event sequencer of the event that wrote this document; an older event never overwrites it. */
  sequencer: string;
};

/** Field names the resolvers query; the index mapping (functions/) must define each of them. */
export const FIELD = {
  id: 'id',
  owner: 'ownerSub',
  status: 'status',
  labelText: 'labelNames',
  labelKeyword: 'labelNames.keyword',
  detectedText: 'detectedText',
  fileName: 'fileName',
  cameraText: 'cameraName',
  cameraKeyword: 'cameraName.keyword',
  format: 'format',
  width: 'width',
  height: 'height',
  faceCount: 'faceCount',
  moderated: 'moderated',
  location: 'location',
  takenAt: 'takenAt',
  uploadedAt: 'uploadedAt',
  sha256: 'sha256',
  perceptualHash: 'perceptualHash',
  duplicateOf: 'duplicateOf',
  nearDuplicateOf: 'nearDuplicateOf',
} as const;

/** Maps a stored document to the GraphQL `Image` (extra keys stay for nested field resolvers). */
export function toImage(doc: ImageDocument): ImageDocument & { location: Image['location'] } {
  return {
    ...doc,
    location: doc.location ? { lat: doc.location.lat, lon: doc.location.lon, altitude: doc.altitude } : null,
  };
}
