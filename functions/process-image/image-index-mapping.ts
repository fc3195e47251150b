import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';

/** The subset of OpenSearch's field mapping syntax the index uses (and the local engine reads). */
export interface FieldMapping {
  type: 'text' | 'keyword' | 'date' | 'geo_point' | 'integer' | 'long' | 'float' | 'boolean' | 'object';
  analyzer?: string;
  fields?: Record<string, FieldMapping>;
  /** On `object`: false keeps the value in _source only, unparsed and unsearchable. */
  enabled?: boolean;
  /** False: kept in _source, not searchable. */
  index?: boolean;
}

/** Full text for search (`multi_match`), `.keyword` for exact filters, facets and sorting. */
const textWithKeyword = (analyzer?: string): FieldMapping => ({
  type: 'text',
  ...(analyzer ? { analyzer } : {}),
  fields: { keyword: { type: 'keyword' } },
});
const keyword: FieldMapping = { type: 'keyword' };
/** Shown with the image, never searched: labelNames, cameraName and faceCount are their searchable flattening. */
const storedOnly: FieldMapping = { type: 'object', enabled: false };

/**
 * The mapping of the images index, field by field. Typed by ImageDocument's keys, so a field
 * added to the document does not compile until it is mapped here.
 */
const properties: Record<keyof ImageDocument, FieldMapping> = {
  id: keyword,
  ownerSub: keyword,
  status: keyword,
  fileName: textWithKeyword('file_name'),
  contentType: keyword,
  bytes: { type: 'long' },
  width: { type: 'integer' },
  height: { type: 'integer' },
  format: keyword,
  orientation: { type: 'integer' },
  takenAt: { type: 'date' },
  uploadedAt: { type: 'date' },
  camera: storedOnly,
  cameraName: textWithKeyword(),
  location: { type: 'geo_point' },
  altitude: { type: 'float' },
  labels: storedOnly,
  labelNames: textWithKeyword(),
  detectedText: { type: 'text' },
  faces: storedOnly,
  faceCount: { type: 'integer' },
  moderationLabels: storedOnly,
  moderated: { type: 'boolean' },
  dominantColors: storedOnly,
  sha256: keyword,
  perceptualHash: keyword,
  duplicateOf: keyword,
  thumbnails: storedOnly,
  originalKey: keyword,
  etag: keyword,
  sequencer: keyword,
  // Shown to the owner; nothing queries it.
  failureReason: { type: 'text', index: false },
};

/**
 * The body of PUT /images. `dynamic: 'strict'` rather than false: the compiler already keeps the
 * mapping in step with ImageDocument, so an unmapped field at run time is a bug, and strict makes
 * OpenSearch refuse that document loudly (the message lands in the dead-letter queue) instead of
 * storing a field nobody can search, or, with dynamic mapping, guessing its type forever.
 */
export const IMAGE_INDEX_MAPPING = {
  settings: {
    index: {
      // Image metadata is a few KB per image: one shard holds millions, and more would only
      // spread each owner's small queries over more shards.
      number_of_shards: 1,
      // A replica wherever there is a second node to hold it; a one-node domain stays green.
      auto_expand_replicas: '0-1',
    },
    analysis: {
      analyzer: {
        // The standard analyzer keeps "beach-sunset.jpg" as "beach" + "sunset.jpg", so "sunset"
        // would not find it: file names are split at every character that is not a letter or digit.
        file_name: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+', lowercase: true },
      },
    },
  },
  mappings: { dynamic: 'strict', properties },
} as const;
