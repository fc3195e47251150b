/* eslint-disable */
import * as types from './graphql.js';



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
    "mutation PublishImageProcessed($input: ImageEventInput!) {\n  publishImageProcessed(input: $input) {\n    imageId\n    ownerSub\n    status\n    reason\n    image {\n      ...ImageFields\n    }\n  }\n}": typeof types.PublishImageProcessedDocument,
    "fragment BoundingBoxFields on BoundingBox {\n  left\n  top\n  width\n  height\n}\n\nfragment ImageFields on Image {\n  id\n  fileName\n  contentType\n  bytes\n  width\n  height\n  format\n  orientation\n  takenAt\n  uploadedAt\n  camera {\n    name\n    make\n    model\n    lens\n    focalLength\n    aperture\n    exposureTime\n    iso\n  }\n  location {\n    lat\n    lon\n    altitude\n  }\n  labels {\n    name\n    confidence\n    parents\n    categories\n    instances {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n    }\n  }\n  detectedText\n  faces {\n    count\n    details {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n      emotions {\n        type\n        confidence\n      }\n    }\n  }\n  moderationLabels {\n    name\n    parentName\n    confidence\n  }\n  dominantColors {\n    hex\n    pixelPercent\n  }\n  sha256\n  perceptualHash\n  duplicateOf\n  nearDuplicateOf\n  thumbnails {\n    size\n    width\n    height\n    format\n    square\n  }\n  status\n  failureReason\n}": typeof types.BoundingBoxFieldsFragmentDoc,
};
const documents: Documents = {
    "mutation PublishImageProcessed($input: ImageEventInput!) {\n  publishImageProcessed(input: $input) {\n    imageId\n    ownerSub\n    status\n    reason\n    image {\n      ...ImageFields\n    }\n  }\n}": types.PublishImageProcessedDocument,
    "fragment BoundingBoxFields on BoundingBox {\n  left\n  top\n  width\n  height\n}\n\nfragment ImageFields on Image {\n  id\n  fileName\n  contentType\n  bytes\n  width\n  height\n  format\n  orientation\n  takenAt\n  uploadedAt\n  camera {\n    name\n    make\n    model\n    lens\n    focalLength\n    aperture\n    exposureTime\n    iso\n  }\n  location {\n    lat\n    lon\n    altitude\n  }\n  labels {\n    name\n    confidence\n    parents\n    categories\n    instances {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n    }\n  }\n  detectedText\n  faces {\n    count\n    details {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n      emotions {\n        type\n        confidence\n      }\n    }\n  }\n  moderationLabels {\n    name\n    parentName\n    confidence\n  }\n  dominantColors {\n    hex\n    pixelPercent\n  }\n  sha256\n  perceptualHash\n  duplicateOf\n  nearDuplicateOf\n  thumbnails {\n    size\n    width\n    height\n    format\n    square\n  }\n  status\n  failureReason\n}": types.BoundingBoxFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PublishImageProcessed($input: ImageEventInput!) {\n  publishImageProcessed(input: $input) {\n    imageId\n    ownerSub\n    status\n    reason\n    image {\n      ...ImageFields\n    }\n  }\n}"): typeof import('./graphql.js').PublishImageProcessedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment BoundingBoxFields on BoundingBox {\n  left\n  top\n  width\n  height\n}\n\nfragment ImageFields on Image {\n  id\n  fileName\n  contentType\n  bytes\n  width\n  height\n  format\n  orientation\n  takenAt\n  uploadedAt\n  camera {\n    name\n    make\n    model\n    lens\n    focalLength\n    aperture\n    exposureTime\n    iso\n  }\n  location {\n    lat\n    lon\n    altitude\n  }\n  labels {\n    name\n    confidence\n    parents\n    categories\n    instances {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n    }\n  }\n  detectedText\n  faces {\n    count\n    details {\n      confidence\n      boundingBox {\n        ...BoundingBoxFields\n      }\n      emotions {\n        type\n        confidence\n      }\n    }\n  }\n  moderationLabels {\n    name\n    parentName\n    confidence\n  }\n  dominantColors {\n    hex\n    pixelPercent\n  }\n  sha256\n  perceptualHash\n  duplicateOf\n  nearDuplicateOf\n  thumbnails {\n    size\n    width\n    height\n    format\n    square\n  }\n  status\n  failureReason\n}"): typeof import('./graphql.js').BoundingBoxFieldsFragmentDoc;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
