/**
 * The pure analysis core of the processing function: everything learnt from an original's bytes,
 * with no AWS and no I/O. Permanent problems with the upload throw ImageRejected (EMPTY,
 * UNSUPPORTED_TYPE, TOO_MANY_PIXELS, CORRUPT); anything else thrown is a bug or a transient failure.
 */
import type { DominantColor, ImageFormat } from '../../../schema/generated/graphql.ts';
import type { ThumbnailSpec } from '../../shared/config.ts';
import { decodeUpright } from './decode.ts';
import { COLOR_SAMPLE_EDGE, dominantColors } from './dominant-colors.ts';
import { type ExifFacts, readExifFacts } from './exif-facts.ts';
import { ImageRejected } from '../image-rejected.ts';
import { differenceHash, sha256Hex } from './fingerprints.ts';
import { type ImageMetadata, readImageHeader } from './image-metadata.ts';
import { detectImageType } from './image-type.ts';
import { type RenderedThumbnail, renderThumbnails, thumbnailTarget } from './thumbnails.ts';
import { VISION_MAX_EDGE, needsVisionRendition, renderVisionRendition } from './vision-rendition.ts';

export type { ExifFacts } from './exif-facts.ts';
export type { ImageMetadata } from './image-metadata.ts';
export type { RenderedThumbnail } from './thumbnails.ts';

export interface AnalysisOptions {
  maxInputPixels: number;
  /** From config; rendered smallest first whatever their order. */
  thumbnails: ThumbnailSpec[];
}

export interface ImageAnalysis {
  /** Decided from the magic bytes, never from the name or Content-Type. */
  format: ImageFormat;
  /** The real MIME type. */
  contentType: string;
  /** As displayed: after EXIF orientation. */
  width: number;
  height: number;
  /** EXIF orientation tag (1-8) of the original. */
  orientation: number | null;
  metadata: ImageMetadata;
  exif: ExifFacts;
  /** Hex SHA-256 of the original bytes. */
  sha256: string;
  /** 64-bit dHash of the upright image, 16 hex digits (see fingerprints.ts). */
  perceptualHash: string;
  /** Up to 5, most prominent first; pixelPercent 0-100, summing to at most 100. */
  dominantColors: DominantColor[];
  thumbnails: RenderedThumbnail[];
  /** A JPEG (longest edge <= 1920, q85, upright) for Amazon Rekognition, which reads only JPEG/PNG and at most 15 MB from S3; null when the original is a JPEG or PNG of at most 15 MB (Rekognition reads the original then). */
  visionRendition: Buffer | null;
}

export async function analyzeImage(bytes: Buffer, options: AnalysisOptions): Promise<ImageAnalysis> {
  const type = await detectImageType(bytes);
  const header = await readImageHeader(bytes, options.maxInputPixels);
  const vision = needsVisionRendition(type.format, bytes.length, header.metadata);
  const thumbnailsNeed = thumbnailTarget(options.thumbnails);
  const decoded = await decodeUpright(bytes, header, options.maxInputPixels, {
    longEdge: Math.max(thumbnailsNeed.longEdge, vision ? VISION_MAX_EDGE : 0, COLOR_SAMPLE_EDGE),
    shortEdge: thumbnailsNeed.shortEdge,
  });
  const [{ thumbnails, smallestWhole }, perceptualHash, visionRendition] = await Promise.all([
    renderThumbnails(decoded, options.thumbnails),
    // From the decoded image, not a thumbnail: a rendition's resampling moves near-equal columns
    // across each other, and re-encoded copies of one photo would no longer hash the same.
    differenceHash(decoded),
    vision ? renderVisionRendition(decoded) : null,
  ]);
  // A 64 px sample is all the colours need: taken from the smallest whole thumbnail.
  const colors = await dominantColors(smallestWhole);
  return {
    format: type.format,
    contentType: type.contentType,
    width: header.width,
    height: header.height,
    orientation: header.orientation,
    metadata: header.metadata,
    exif: readExifFacts(header.exif),
    sha256: sha256Hex(bytes),
    perceptualHash,
    dominantColors: colors,
    thumbnails,
    visionRendition,
  };
}

/**
 * Whether Rekognition can read the original itself (analyzeImage then makes no vision rendition),
 * from the magic bytes and header alone: label detection can start before the analysis. False when
 * the file is refused; analyzeImage says why.
 */
export async function visionReadsOriginal(bytes: Buffer, maxInputPixels: number): Promise<boolean> {
  try {
    const type = await detectImageType(bytes);
    const header = await readImageHeader(bytes, maxInputPixels);
    return !needsVisionRendition(type.format, bytes.length, header.metadata);
  } catch (error) {
    if (error instanceof ImageRejected) return false;
    throw error;
  }
}
