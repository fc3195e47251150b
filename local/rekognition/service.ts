/**
 * One Rekognition call, protocol aside: parse and check the request, get the image (Bytes, or
 * S3Object from the configured S3 endpoint), check its size, format and dimensions, run the
 * models it needs (waiting for them to be warm; shared with the other calls for the same image)
 * and shape the answer. Every failure is a RekognitionError named as Rekognition names it.
 *
 * The pipeline sends DetectLabels, DetectFaces and DetectText for one S3 object at the same
 * moment: calls for the same object (bucket, key, version) made while its read is under way share
 * that read and its checks, hash and dimensions (in-flight.ts). Nothing is kept after the read, so
 * a later call reads the object again, as Rekognition would. The pixels the detectors and the OCR
 * read are decoded once per image for all three (photo-pixels.ts), here, when a worker takes the
 * first detection that reads them (pool.ts: a request the full queue refuses decodes nothing, and
 * at most one decode per worker is under way), and dropped when their detections end
 * (shared-while-used.ts); a worker gets the part its detection reads instead of the file (the
 * detectors' RGB, about 0.8 MB at most; the OCR's grey, about 2 MB, twice that for a photo
 * smaller than the OCR's side).
 */
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { RekognitionError } from './core/errors.ts';
import { type DetectionKind, type Detections, dimensions, readsPixels } from './analysis.ts';
import { facesResponse, mayHoldFaces } from './core/faces.ts';
import { labelsResponse } from './core/labels.ts';
import { checkDimensions, checkImageSize, imageFormat, MAX_S3_IMAGE } from './core/limits.ts';
import { moderationResponse } from './core/moderation.ts';
import { type ImageSource, type Operation, OPERATIONS, parseRequest } from './core/requests.ts';
import { textResponse } from './core/text.ts';
import { type CheckedImage, DetectionCache, contentHash } from './detection-cache.ts';
import { type PhotoPixels, photoPixels } from './photo-pixels.ts';
import { InFlight } from './in-flight.ts';
import { SharedWhileUsed } from './shared-while-used.ts';
import type { Analyzer } from './pool.ts';

const NO_FACES: Detections['faces'] = [];

export interface S3Options {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
}

export class RekognitionService {
  private readonly s3: S3Client | undefined;
  private readonly detections: DetectionCache;
  private readonly s3Reads = new InFlight<CheckedImage>();
  /**
   * Made only when the analyzer gives a worker a detection that reads them (pool.ts), so decodes in
   * flight are at most one per worker and a throttled request decodes nothing; held while a
   * detection that read them runs or the faces wait for the objects.
   */
  private readonly photoPixels = new SharedWhileUsed<PhotoPixels>();

  constructor(analyzer: Analyzer, s3: S3Options | undefined) {
    // During warm-up a detection waits in the analyzer's queue (bounded, like any other time).
    this.detections = new DetectionCache((kind, image) => this.detect(analyzer, kind, image));
    this.s3 = s3 && new S3Client({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: s3.forcePathStyle ?? true });
  }

  static isOperation(name: string): name is Operation {
    return (OPERATIONS as readonly string[]).includes(name);
  }

  async call(operation: Operation, body: Record<string, unknown>): Promise<unknown> {
    const request = parseRequest(operation, body);
    const detected = this.detections.of(await this.checkedImage(request.image));
    switch (request.operation) {
      case 'DetectLabels': {
        const { generalLabels, imageProperties } = request.options;
        const [objects, lines, properties] = await Promise.all([
          generalLabels ? detected('objects') : [],
          generalLabels ? detected('text') : [],
          imageProperties ? detected('properties') : undefined,
        ]);
        return labelsResponse(objects, lines, properties, request.options);
      }
      case 'DetectFaces': {
        const [faces, objects] = await Promise.all([detected('faces'), detected('objects')]);
        return facesResponse(faces, objects, request.options);
      }
      case 'DetectModerationLabels':
        return moderationResponse(await detected('moderation'), request.options);
      case 'DetectText':
        return textResponse(await detected('text'), request.options);
    }
  }

  private detect<K extends DetectionKind>(analyzer: Analyzer, kind: K, image: CheckedImage): Promise<Detections[K]> {
    if (!readsPixels(kind) || !analyzer.detectors) return analyzer.run(kind, { bytes: image.bytes });
    return this.photoPixels.use(image.hash, () => photoPixels(image.bytes), async (pixels) => {
      // Faces count only inside a person (core/faces.ts): on a photo without one the face models
      // would find nothing DetectFaces answers, so the objects come first and the photo is decoded
      // for faces only if they hold a person. Joining the pixels' users before that keeps the
      // objects' decode for the faces.
      if (kind === 'faces' && !mayHoldFaces(await this.detections.of(image)('objects'))) return NO_FACES as Detections[K];
      // Decoded only once the analyzer has room for the detection (pool.ts); the worker gets only what it reads.
      return analyzer.run(kind, async () => {
        const { rgb, grey } = await pixels();
        return kind === 'text' ? { grey } : { rgb };
      });
    });
  }

  close(): void {
    this.s3?.destroy();
  }

  private checkedImage(image: ImageSource): Promise<CheckedImage> {
    if ('bytes' in image) {
      checkImageSize(image.bytes.byteLength, 'Bytes');
      return checked(image.bytes);
    }
    const { bucket, name, version } = image.s3;
    return this.s3Reads.run(JSON.stringify([bucket, name, version ?? null]), async () => checked(await this.s3Bytes(bucket, name, version)));
  }

  private async s3Bytes(bucket: string, name: string, version: string | undefined): Promise<Uint8Array> {
    if (!this.s3) throw new RekognitionError('InvalidS3ObjectException', 'S3Object images need an S3 endpoint: start the local service with its s3 option');
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: name, ...(version ? { VersionId: version } : {}) }));
      if ((object.ContentLength ?? 0) > MAX_S3_IMAGE) {
        object.Body?.transformToWebStream().cancel().catch(() => undefined);
        checkImageSize(object.ContentLength ?? 0, 'S3Object');
      }
      const bytes = await object.Body?.transformToByteArray();
      if (!bytes) throw new Error('empty body');
      checkImageSize(bytes.byteLength, 'S3Object');
      return bytes;
    } catch (error) {
      if (error instanceof RekognitionError) throw error;
      // S3's own refusals (no such key or bucket, access denied) are the caller's; S3 being
      // unreachable is transient, and a 500 lets the SDK retry it.
      if (error instanceof S3ServiceException && error.$fault === 'client') {
        throw new RekognitionError('InvalidS3ObjectException', `Unable to get object metadata from S3. Check object key, region and/or access permissions. (${error.name})`);
      }
      throw new RekognitionError('InternalServerError', `Could not read the image from S3: ${(error as Error).message}`);
    }
  }
}

/** Format and dimensions checked as Rekognition checks them, and the content hash detections are shared by. */
async function checked(bytes: Uint8Array): Promise<CheckedImage> {
  imageFormat(bytes);
  const { width, height } = await dimensions(bytes);
  checkDimensions(width, height);
  return { bytes, hash: contentHash(bytes) };
}
