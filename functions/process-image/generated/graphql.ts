/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What happened to one image, as the backend reports it. */
export type ImageEventInput = {
  /** The processed image as a JSON object shaped like `Image`, when PROCESSED. At most 200,000 characters as JSON, which keeps the event under AppSync's 240 KB subscription payload limit. */
  image?: string | null | undefined;
  /** The image the event is about: an id as `requestUpload` returns it (26 characters). */
  imageId: string;
  /** The owner's user id (Cognito `sub`, a lower-case UUID). */
  ownerSub: string;
  /** Why processing failed, when FAILED. At most 1,000 characters. */
  reason?: string | null | undefined;
  /** PROCESSED, FAILED or DELETED. */
  status: ImageStatus;
};

/** Image formats the pipeline accepts (decided from the file's bytes, not its name). */
export type ImageFormat =
  /** AVIF. */
  | 'AVIF'
  /** GIF (the first frame is used). */
  | 'GIF'
  /** HEIC: HEIF with HEVC-coded images, as iPhones save photos (the primary image is used). */
  | 'HEIC'
  /** HEIF other than HEIC, e.g. with AV1-coded images (the primary image is used). */
  | 'HEIF'
  /** JPEG. */
  | 'JPEG'
  /** PNG. */
  | 'PNG'
  /** TIFF. */
  | 'TIFF'
  /** WebP. */
  | 'WEBP';

/** Where an image is in the pipeline. */
export type ImageStatus =
  /** Deleted by its owner. */
  | 'DELETED'
  /** Could not be processed; `failureReason` says why. */
  | 'FAILED'
  /** Done: thumbnails, metadata and labels are available and the image is searchable. */
  | 'PROCESSED'
  /** Uploaded; thumbnails, metadata and labels are being made. */
  | 'PROCESSING';

export type PublishImageProcessedMutationVariables = Exact<{
  input: ImageEventInput;
}>;


export type PublishImageProcessedMutation = { publishImageProcessed: { imageId: string, ownerSub: string, status: ImageStatus, reason: string | null, image: { id: string, fileName: string, contentType: string, bytes: number | null, width: number | null, height: number | null, format: ImageFormat | null, orientation: number | null, takenAt: string | null, uploadedAt: string, detectedText: Array<string>, sha256: string | null, perceptualHash: string | null, duplicateOf: string | null, nearDuplicateOf: string | null, status: ImageStatus, failureReason: string | null, camera: { name: string | null, make: string | null, model: string | null, lens: string | null, focalLength: number | null, aperture: number | null, exposureTime: number | null, iso: number | null } | null, location: { lat: number, lon: number, altitude: number | null } | null, labels: Array<{ name: string, confidence: number, parents: Array<string>, categories: Array<string>, instances: Array<{ confidence: number, boundingBox: { left: number, top: number, width: number, height: number } }> }>, faces: { count: number, details: Array<{ confidence: number, boundingBox: { left: number, top: number, width: number, height: number }, emotions: Array<{ type: string, confidence: number }> }> } | null, moderationLabels: Array<{ name: string, parentName: string, confidence: number }>, dominantColors: Array<{ hex: string, pixelPercent: number }>, thumbnails: Array<{ size: number, width: number, height: number, format: ImageFormat, square: boolean }> } | null } | null };

export type BoundingBoxFieldsFragment = { left: number, top: number, width: number, height: number };

export type ImageFieldsFragment = { id: string, fileName: string, contentType: string, bytes: number | null, width: number | null, height: number | null, format: ImageFormat | null, orientation: number | null, takenAt: string | null, uploadedAt: string, detectedText: Array<string>, sha256: string | null, perceptualHash: string | null, duplicateOf: string | null, nearDuplicateOf: string | null, status: ImageStatus, failureReason: string | null, camera: { name: string | null, make: string | null, model: string | null, lens: string | null, focalLength: number | null, aperture: number | null, exposureTime: number | null, iso: number | null } | null, location: { lat: number, lon: number, altitude: number | null } | null, labels: Array<{ name: string, confidence: number, parents: Array<string>, categories: Array<string>, instances: Array<{ confidence: number, boundingBox: { left: number, top: number, width: number, height: number } }> }>, faces: { count: number, details: Array<{ confidence: number, boundingBox: { left: number, top: number, width: number, height: number }, emotions: Array<{ type: string, confidence: number }> }> } | null, moderationLabels: Array<{ name: string, parentName: string, confidence: number }>, dominantColors: Array<{ hex: string, pixelPercent: number }>, thumbnails: Array<{ size: number, width: number, height: number, format: ImageFormat, square: boolean }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BoundingBoxFieldsFragmentDoc = new TypedDocumentString(`
    fragment BoundingBoxFields on BoundingBox {
  left
  top
  width
  height
}
    `, {"fragmentName":"BoundingBoxFields"}) as unknown as TypedDocumentString<BoundingBoxFieldsFragment, unknown>;
export const ImageFieldsFragmentDoc = new TypedDocumentString(`
    fragment ImageFields on Image {
  id
  fileName
  contentType
  bytes
  width
  height
  format
  orientation
  takenAt
  uploadedAt
  camera {
    name
    make
    model
    lens
    focalLength
    aperture
    exposureTime
    iso
  }
  location {
    lat
    lon
    altitude
  }
  labels {
    name
    confidence
    parents
    categories
    instances {
      confidence
      boundingBox {
        ...BoundingBoxFields
      }
    }
  }
  detectedText
  faces {
    count
    details {
      confidence
      boundingBox {
        ...BoundingBoxFields
      }
      emotions {
        type
        confidence
      }
    }
  }
  moderationLabels {
    name
    parentName
    confidence
  }
  dominantColors {
    hex
    pixelPercent
  }
  sha256
  perceptualHash
  duplicateOf
  nearDuplicateOf
  thumbnails {
    size
    width
    height
    format
    square
  }
  status
  failureReason
}
    fragment BoundingBoxFields on BoundingBox {
  left
  top
  width
  height
}`, {"fragmentName":"ImageFields"}) as unknown as TypedDocumentString<ImageFieldsFragment, unknown>;
export const PublishImageProcessedDocument = new TypedDocumentString(`
    mutation PublishImageProcessed($input: ImageEventInput!) {
  publishImageProcessed(input: $input) {
    imageId
    ownerSub
    status
    reason
    image {
      ...ImageFields
    }
  }
}
    fragment BoundingBoxFields on BoundingBox {
  left
  top
  width
  height
}
fragment ImageFields on Image {
  id
  fileName
  contentType
  bytes
  width
  height
  format
  orientation
  takenAt
  uploadedAt
  camera {
    name
    make
    model
    lens
    focalLength
    aperture
    exposureTime
    iso
  }
  location {
    lat
    lon
    altitude
  }
  labels {
    name
    confidence
    parents
    categories
    instances {
      confidence
      boundingBox {
        ...BoundingBoxFields
      }
    }
  }
  detectedText
  faces {
    count
    details {
      confidence
      boundingBox {
        ...BoundingBoxFields
      }
      emotions {
        type
        confidence
      }
    }
  }
  moderationLabels {
    name
    parentName
    confidence
  }
  dominantColors {
    hex
    pixelPercent
  }
  sha256
  perceptualHash
  duplicateOf
  nearDuplicateOf
  thumbnails {
    size
    width
    height
    format
    square
  }
  status
  failureReason
}`) as unknown as TypedDocumentString<PublishImageProcessedMutation, PublishImageProcessedMutationVariables>;