/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment ThumbnailFields on Thumbnail {\n  size\n  width\n  height\n  format\n  square\n  url\n}\n\nfragment ImageSummary on Image {\n  id\n  fileName\n  width\n  height\n  format\n  takenAt\n  uploadedAt\n  status\n  failureReason\n  labels {\n    name\n    confidence\n  }\n  thumbnails {\n    ...ThumbnailFields\n  }\n}\n\nfragment ImageDetail on Image {\n  ...ImageFields\n  originalUrl\n  thumbnails {\n    ...ThumbnailFields\n  }\n}": typeof types.ThumbnailFieldsFragmentDoc,
    "mutation RequestUpload($input: RequestUploadInput!) {\n  requestUpload(input: $input) {\n    imageId\n    key\n    maxBytes\n    expiresAt\n    upload {\n      url\n      fields {\n        name\n        value\n      }\n    }\n  }\n}\n\nmutation DeleteImage($id: ID!) {\n  deleteImage(id: $id)\n}": typeof types.RequestUploadDocument,
    "query SearchImages($query: String, $filter: ImageFilter, $sort: ImageSort, $first: Int, $after: String) {\n  searchImages(\n    query: $query\n    filter: $filter\n    sort: $sort\n    first: $first\n    after: $after\n  ) {\n    items {\n      ...ImageSummary\n    }\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    facets {\n      labels {\n        value\n        count\n      }\n      formats {\n        value\n        count\n      }\n      cameras {\n        value\n        count\n      }\n      years {\n        value\n        count\n      }\n    }\n  }\n}\n\nquery Image($id: ID!) {\n  image(id: $id) {\n    ...ImageDetail\n  }\n}\n\nquery ImageStats {\n  imageStats {\n    total\n    processing\n    processed\n    failed\n  }\n}": typeof types.SearchImagesDocument,
    "subscription OnImageProcessed($imageId: ID) {\n  onImageProcessed(imageId: $imageId) {\n    imageId\n    ownerSub\n    status\n    reason\n    image {\n      ...ImageSummary\n    }\n  }\n}": typeof types.OnImageProcessedDocument,
    "fragment BoundingBoxFields on BoundingBox {\n  left\n  top\n  width\n  height\n}\n\nfragment ImageFields on Image {\n  id\n  fileName\n  contentType\n  bytes\n  width\n  height\n  format\n  orientation\n  takenAt\n  uploadedAt\n  camera {\n    make\n    model\n    lens\n    focalLength\n    aperture\n    exposureTime\n    iso\n  }\n  location {\n    lat\n    lon\n    altitude\n  }\n  labels {\n    name\n    confidence\n    parents\n    categories\n    instances {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n    }\n  }\n  detectedText\n  faces {\n    count\n    details {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n      emotions {\n        type\n        confidence\n      }\n    }\n  }\n  moderationLabels {\n    name\n    parentName\n    confidence\n  }\n  dominantColors {\n    hex\n    pixelPercent\n  }\n  sha256\n  perceptualHash\n  duplicateOf\n  thumbnails {\n    size\n    width\n    height\n    format\n    square\n  }\n  status\n  failureReason\n}": typeof types.BoundingBoxFieldsFragmentDoc,
};
const documents: Documents = {
    "fragment ThumbnailFields on Thumbnail {\n  size\n  width\n  height\n  format\n  square\n  url\n}\n\nfragment ImageSummary on Image {\n  id\n  fileName\n  width\n  height\n  format\n  takenAt\n  uploadedAt\n  status\n  failureReason\n  labels {\n    name\n    confidence\n  }\n  thumbnails {\n    ...ThumbnailFields\n  }\n}\n\nfragment ImageDetail on Image {\n  ...ImageFields\n  originalUrl\n  thumbnails {\n    ...ThumbnailFields\n  }\n}": types.ThumbnailFieldsFragmentDoc,
    "mutation RequestUpload($input: RequestUploadInput!) {\n  requestUpload(input: $input) {\n    imageId\n    key\n    maxBytes\n    expiresAt\n    upload {\n      url\n      fields {\n        name\n        value\n      }\n    }\n  }\n}\n\nmutation DeleteImage($id: ID!) {\n  deleteImage(id: $id)\n}": types.RequestUploadDocument,
    "query SearchImages($query: String, $filter: ImageFilter, $sort: ImageSort, $first: Int, $after: String) {\n  searchImages(\n    query: $query\n    filter: $filter\n    sort: $sort\n    first: $first\n    after: $after\n  ) {\n    items {\n      ...ImageSummary\n    }\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    facets {\n      labels {\n        value\n        count\n      }\n      formats {\n        value\n        count\n      }\n      cameras {\n        value\n        count\n      }\n      years {\n        value\n        count\n      }\n    }\n  }\n}\n\nquery Image($id: ID!) {\n  image(id: $id) {\n    ...ImageDetail\n  }\n}\n\nquery ImageStats {\n  imageStats {\n    total\n    processing\n    processed\n    failed\n  }\n}": types.SearchImagesDocument,
    "subscription OnImageProcessed($imageId: ID) {\n  onImageProcessed(imageId: $imageId) {\n    imageId\n    ownerSub\n    status\n    reason\n    image {\n      ...ImageSummary\n    }\n  }\n}": types.OnImageProcessedDocument,
    "fragment BoundingBoxFields on BoundingBox {\n  left\n  top\n  width\n  height\n}\n\nfragment ImageFields on Image {\n  id\n  fileName\n  contentType\n  bytes\n  width\n  height\n  format\n  orientation\n  takenAt\n  uploadedAt\n  camera {\n    make\n    model\n    lens\n    focalLength\n    aperture\n    exposureTime\n    iso\n  }\n  location {\n    lat\n    lon\n    altitude\n  }\n  labels {\n    name\n    confidence\n    parents\n    categories\n    instances {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n    }\n  }\n  detectedText\n  faces {\n    count\n    details {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n      emotions {\n        type\n        confidence\n      }\n    }\n  }\n  moderationLabels {\n    name\n    parentName\n    confidence\n  }\n  dominantColors {\n    hex\n    pixelPercent\n  }\n  sha256\n  perceptualHash\n  duplicateOf\n  thumbnails {\n    size\n    width\n    height\n    format\n    square\n  }\n  status\n  failureReason\n}": types.BoundingBoxFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ThumbnailFields on Thumbnail {\n  size\n  width\n  height\n  format\n  square\n  url\n}\n\nfragment ImageSummary on Image {\n  id\n  fileName\n  width\n  height\n  format\n  takenAt\n  uploadedAt\n  status\n  failureReason\n  labels {\n    name\n    confidence\n  }\n  thumbnails {\n    ...ThumbnailFields\n  }\n}\n\nfragment ImageDetail on Image {\n  ...ImageFields\n  originalUrl\n  thumbnails {\n    ...ThumbnailFields\n  }\n}"): (typeof documents)["fragment ThumbnailFields on Thumbnail {\n  size\n  width\n  height\n  format\n  square\n  url\n}\n\nfragment ImageSummary on Image {\n  id\n  fileName\n  width\n  height\n  format\n  takenAt\n  uploadedAt\n  status\n  failureReason\n  labels {\n    name\n    confidence\n  }\n  thumbnails {\n    ...ThumbnailFields\n  }\n}\n\nfragment ImageDetail on Image {\n  ...ImageFields\n  originalUrl\n  thumbnails {\n    ...ThumbnailFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RequestUpload($input: RequestUploadInput!) {\n  requestUpload(input: $input) {\n    imageId\n    key\n    maxBytes\n    expiresAt\n    upload {\n      url\n      fields {\n        name\n        value\n      }\n    }\n  }\n}\n\nmutation DeleteImage($id: ID!) {\n  deleteImage(id: $id)\n}"): (typeof documents)["mutation RequestUpload($input: RequestUploadInput!) {\n  requestUpload(input: $input) {\n    imageId\n    key\n    maxBytes\n    expiresAt\n    upload {\n      url\n      fields {\n        name\n        value\n      }\n    }\n  }\n}\n\nmutation DeleteImage($id: ID!) {\n  deleteImage(id: $id)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SearchImages($query: String, $filter: ImageFilter, $sort: ImageSort, $first: Int, $after: String) {\n  searchImages(\n    query: $query\n    filter: $filter\n    sort: $sort\n    first: $first\n    after: $after\n  ) {\n    items {\n      ...ImageSummary\n    }\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    facets {\n      labels {\n        value\n        count\n      }\n      formats {\n        value\n        count\n      }\n      cameras {\n        value\n        count\n      }\n      years {\n        value\n        count\n      }\n    }\n  }\n}\n\nquery Image($id: ID!) {\n  image(id: $id) {\n    ...ImageDetail\n  }\n}\n\nquery ImageStats {\n  imageStats {\n    total\n    processing\n    processed\n    failed\n  }\n}"): (typeof documents)["query SearchImages($query: String, $filter: ImageFilter, $sort: ImageSort, $first: Int, $after: String) {\n  searchImages(\n    query: $query\n    filter: $filter\n    sort: $sort\n    first: $first\n    after: $after\n  ) {\n    items {\n      ...ImageSummary\n    }\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    facets {\n      labels {\n        value\n        count\n      }\n      formats {\n        value\n        count\n      }\n      cameras {\n        value\n        count\n      }\n      years {\n        value\n        count\n      }\n    }\n  }\n}\n\nquery Image($id: ID!) {\n  image(id: $id) {\n    ...ImageDetail\n  }\n}\n\nquery ImageStats {\n  imageStats {\n    total\n    processing\n    processed\n    failed\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription OnImageProcessed($imageId: ID) {\n  onImageProcessed(imageId: $imageId) {\n    imageId\n    ownerSub\n    status\n    reason\n    image {\n      ...ImageSummary\n    }\n  }\n}"): (typeof documents)["subscription OnImageProcessed($imageId: ID) {\n  onImageProcessed(imageId: $imageId) {\n    imageId\n    ownerSub\n    status\n    reason\n    image {\n      ...ImageSummary\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment BoundingBoxFields on BoundingBox {\n  left\n  top\n  width\n  height\n}\n\nfragment ImageFields on Image {\n  id\n  fileName\n  contentType\n  bytes\n  width\n  height\n  format\n  orientation\n  takenAt\n  uploadedAt\n  camera {\n    make\n    model\n    lens\n    focalLength\n    aperture\n    exposureTime\n    iso\n  }\n  location {\n    lat\n    lon\n    altitude\n  }\n  labels {\n    name\n    confidence\n    parents\n    categories\n    instances {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n    }\n  }\n  detectedText\n  faces {\n    count\n    details {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n      emotions {\n        type\n        confidence\n      }\n    }\n  }\n  moderationLabels {\n    name\n    parentName\n    confidence\n  }\n  dominantColors {\n    hex\n    pixelPercent\n  }\n  sha256\n  perceptualHash\n  duplicateOf\n  thumbnails {\n    size\n    width\n    height\n    format\n    square\n  }\n  status\n  failureReason\n}"): (typeof documents)["fragment BoundingBoxFields on BoundingBox {\n  left\n  top\n  width\n  height\n}\n\nfragment ImageFields on Image {\n  id\n  fileName\n  contentType\n  bytes\n  width\n  height\n  format\n  orientation\n  takenAt\n  uploadedAt\n  camera {\n    make\n    model\n    lens\n    focalLength\n    aperture\n    exposureTime\n    iso\n  }\n  location {\n    lat\n    lon\n    altitude\n  }\n  labels {\n    name\n    confidence\n    parents\n    categories\n    instances {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n    }\n  }\n  detectedText\n  faces {\n    count\n    details {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n      emotions {\n        type\n        confidence\n      }\n    }\n  }\n  moderationLabels {\n    name\n    parentName\n    confidence\n  }\n  dominantColors {\n    hex\n    pixelPercent\n  }\n  sha256\n  perceptualHash\n  duplicateOf\n  thumbnails {\n    size\n    width\n    height\n    format\n    square\n  }\n  status\n  failureReason\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;