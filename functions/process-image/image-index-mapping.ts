import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { HASH_BITS } from './near-duplicates.ts';
import { SEARCH_SYNONYMS } from './search-synonyms.ts';

/**
 * The document as indexed: the ImageDocument, plus the perceptual hash as a binary k-NN vector
 * (near-duplicates.ts), which ImageIndex derives from `perceptualHash` on every write, so that
 * sidecars written before it existed reindex with it.
 */
export type IndexedImageDocument = ImageDocument & { perceptualHashVector?: number[] };
export const HASH_VECTOR_FIELD = 'perceptualHashVector' satisfies keyof IndexedImageDocument;

/** The subset of OpenSearch's field mapping syntax the index uses (and the local engine reads). */
export type FieldMapping = ValueFieldMapping | VectorFieldMapping;

export interface ValueFieldMapping {
  type: 'text' | 'keyword' | 'date' | 'geo_point' | 'integer' | 'long' | 'float' | 'boolean' | 'object';
  analyzer?: string;
  search_analyzer?: string;
  fields?: Record<string, FieldMapping>;
  /** On `object`: false keeps the value in _source only, unparsed and unsearchable. */
  enabled?: boolean;
  /** False: kept in _source, not searchable. */
  index?: boolean;
}

/** A binary k-NN vector: `dimension` bits, compared by Hamming distance. */
export interface VectorFieldMapping {
  type: 'knn_vector';
  dimension: number;
  data_type: 'binary';
  space_type: 'hamming';
  method: { name: 'hnsw'; engine: 'faiss' };
}

/** Full text for search (`multi_match`), `.keyword` for exact filters, facets and sorting. */
const textWithKeyword = (analyzer?: string): FieldMapping => ({
  type: 'text',
  ...(analyzer ? { analyzer } : {}),
  fields: { keyword: { type: 'keyword' } },
});
/** Words, in English: stemmed when indexed, stemmed and expanded by the synonym list when searched. */
const englishText: Pick<ValueFieldMapping, 'analyzer' | 'search_analyzer'> = { analyzer: 'english_words', search_analyzer: 'english_search' };
const keyword: FieldMapping = { type: 'keyword' };
/** Shown with the image, never searched: labelNames, cameraName and faceCount are their searchable flattening. */
const storedOnly: FieldMapping = { type: 'object', enabled: false };

/**
 * The mapping of the images index, field by field. Typed by the indexed document's keys, so a
 * field added to the document does not compile until it is mapped here.
 */
const properties: Record<keyof IndexedImageDocument, FieldMapping> = {
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
  labelNames: { ...textWithKeyword(), ...englishText },
  detectedText: { type: 'text', ...englishText },
  faces: storedOnly,
  faceCount: { type: 'integer' },
  moderationLabels: storedOnly,
  moderated: { type: 'boolean' },
  dominantColors: storedOnly,
  sha256: keyword,
  perceptualHash: keyword,
  duplicateOf: keyword,
  nearDuplicateOf: keyword,
  // Binary vectors with Hamming distance: the k-NN plugin's Faiss engine, OpenSearch 2.16 and later
  // (docs: mappings/supported-field-types/knn-memory-optimized, "Binary vectors"); needs index.knn.
  perceptualHashVector: { type: 'knn_vector', dimension: HASH_BITS, data_type: 'binary', space_type: 'hamming', method: { name: 'hnsw', engine: 'faiss' } },
  thumbnails: storedOnly,
  originalKey: keyword,
  etag: keyword,
  sequencer: keyword,
  // Shown to the owner; nothing queries it.
  failureReason: { type: 'text', index: false },
};

// Mutable arrays outside the `as const` body: the OpenSearch client's request types want string[].
const ENGLISH_WORDS: string[] = ['lowercase', 'english_possessive', 'english_stemmer'];
const ENGLISH_SEARCH: string[] = [...ENGLISH_WORDS, 'image_synonyms'];
const SYNONYM_RULES: string[] = [...SEARCH_SYNONYMS];

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
      // k-NN (ANN) structures for knn_vector fields: the near-duplicate search on perceptualHashVector.
      // A static setting: an index created without it must be recreated (imagegraph reindex --recreate).
      knn: true,
    },
    analysis: {
      filter: {
        english_possessive: { type: 'stemmer', language: 'possessive_english' },
        // Porter, as OpenSearch's `english`: "books" -> book, "cars" -> car.
        english_stemmer: { type: 'stemmer', language: 'english' },
        // After the stemmer: rules are analyzed by the filters before them, so they match stemmed words.
        image_synonyms: { type: 'synonym', synonyms: SYNONYM_RULES },
      },
      analyzer: {
        english_words: { type: 'custom', tokenizer: 'standard', filter: ENGLISH_WORDS },
        english_search: { type: 'custom', tokenizer: 'standard', filter: ENGLISH_SEARCH },
        // The standard analyzer keeps "beach-sunset.jpg" as "beach" + "sunset.jpg", so "sunset"
        // would not find it: file names are split at every character that is not a letter or digit.
        file_name: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+', lowercase: true },
      },
    },
  },
  mappings: { dynamic: 'strict', properties },
} as const;
