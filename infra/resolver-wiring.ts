/**
 * Which data source answers each GraphQL field that has a resolver. Plain data without CDK, so the
 * local AppSync server can wire the same fields to its own data sources.
 */

/** The Lambda functions behind the API, by folder name under functions/. */
export const API_FUNCTIONS = ['request-upload', 'delete-image', 'sign-urls'] as const;
export type ApiFunctionName = (typeof API_FUNCTIONS)[number];

/**
 * Batch size for the URL-signing fields: a page of search results can hold 100 images with
 * several thumbnails each, and BatchInvoke turns those into a few Lambda calls instead of hundreds.
 */
export const SIGN_URLS_MAX_BATCH_SIZE = 100;

export type DataSourceRef =
  | { readonly kind: 'OPENSEARCH' }
  | { readonly kind: 'LAMBDA'; readonly function: ApiFunctionName; readonly maxBatchSize?: number }
  | { readonly kind: 'NONE' };

/** `Type.field`, as in the resolver file names `resolvers/Type.field.ts`. */
export type FieldCoordinate = `${string}.${string}`;

export const RESOLVER_WIRING = {
  'Query.searchImages': { kind: 'OPENSEARCH' },
  'Query.image': { kind: 'OPENSEARCH' },
  'Query.similarImages': { kind: 'OPENSEARCH' },
  'Query.imageStats': { kind: 'OPENSEARCH' },
  'Mutation.requestUpload': { kind: 'LAMBDA', function: 'request-upload' },
  'Mutation.deleteImage': { kind: 'LAMBDA', function: 'delete-image' },
  'Image.originalUrl': { kind: 'LAMBDA', function: 'sign-urls', maxBatchSize: SIGN_URLS_MAX_BATCH_SIZE },
  'Thumbnail.url': { kind: 'LAMBDA', function: 'sign-urls', maxBatchSize: SIGN_URLS_MAX_BATCH_SIZE },
  // NONE: the mutation only relays its input to subscribers; the subscription only sets its filter.
  'Mutation.publishImageProcessed': { kind: 'NONE' },
  'Subscription.onImageProcessed': { kind: 'NONE' },
} as const satisfies Record<FieldCoordinate, DataSourceRef>;

export type WiredField = keyof typeof RESOLVER_WIRING;
