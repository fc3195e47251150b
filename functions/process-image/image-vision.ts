import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
  RekognitionClient,
  RekognitionServiceException,
  type BoundingBox as RekognitionBoundingBox,
  type FaceDetail,
  type Label as RekognitionLabel,
  type ModerationLabel as RekognitionModerationLabel,
  type RekognitionClientConfig,
  type TextDetection,
} from '@aws-sdk/client-rekognition';
import type { BoundingBox, Face, Faces, Label, ModerationLabel } from '../../schema/generated/graphql.ts';
import { type CallTimeouts, DEFAULT_REKOGNITION_TIMEOUTS, type VisionConfig } from '../shared/config.ts';
import { endpointOption } from '../shared/endpoint-option.ts';
import { sdkRequestHandler } from '../shared/sdk-request-handler.ts';
import { ImageRejected } from './image-rejected.ts';

/** What Amazon Rekognition found in one image, in the API's types. Empty lists are normal. */
export interface VisionFindings {
  /** Most confident first. */
  labels: Label[];
  /** Empty when moderation is off. */
  moderationLabels: ModerationLabel[];
  /** One entry per line of text, in Rekognition's order. Empty when text detection is off. */
  detectedText: string[];
  /** Null when face detection is off, so "no faces" and "not looked for" stay apart. */
  faces: Faces | null;
}

/**
 * Rekognition errors that describe the image itself, so a retry cannot help. The processing
 * config validates every other parameter, which leaves the image as the only cause of an
 * InvalidParameterException (too small, for one). The reasons are shown to the uploader.
 */
const UNUSABLE_IMAGE = new Map([
  ['InvalidImageFormatException', 'Image analysis supports only JPEG and PNG images'],
  ['ImageTooLargeException', 'The image is too large for image analysis'],
  ['InvalidParameterException', 'Image analysis could not use this image; it may be too small or damaged'],
]);

/**
 * The one way the pipeline builds its Rekognition client. The SDK's standard retry mode backs
 * off and retries throttling, server errors and timed-out attempts a few times within the
 * invocation; anything still failing goes back to SQS, which retries the image later.
 * `credentials` is for tests and tools.
 */
export function createRekognitionClient(
  config: { region: string; rekognitionEndpoint?: string | undefined; rekognitionTimeouts?: CallTimeouts },
  options: { credentials?: RekognitionClientConfig['credentials'] } = {},
): RekognitionClient {
  return new RekognitionClient({
    region: config.region,
    ...endpointOption('rekognitionEndpoint', config.rekognitionEndpoint),
    retryMode: 'standard',
    maxAttempts: 3,
    requestHandler: sdkRequestHandler(config.rekognitionTimeouts ?? DEFAULT_REKOGNITION_TIMEOUTS),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/**
 * Runs DetectLabels and whichever optional detections `options` enables, concurrently, on the
 * image in S3 (Rekognition reads it there; the bytes never pass through the function). An
 * `abortSignal` aborts the calls (AbortError), which the SDK then does not retry.
 * Throws ImageRejected('VISION_REJECTED') when Rekognition refuses the image; any other error
 * (throttling, server errors, timeouts, access) is rethrown unchanged, as transient.
 */
export async function detectImageContent(
  rekognition: RekognitionClient,
  image: { bucket: string; key: string },
  options: VisionConfig,
  abortSignal?: AbortSignal,
): Promise<VisionFindings> {
  const Image = { S3Object: { Bucket: image.bucket, Name: image.key } };
  const labelsRequest = { Image, MinConfidence: options.minLabelConfidence, MaxLabels: options.maxLabels };
  const calls = [
    detection(rekognition.send(new DetectLabelsCommand(labelsRequest), { abortSignal }), (r) => toLabels(r.Labels)),
    options.detectModeration
      ? detection(rekognition.send(new DetectModerationLabelsCommand({ Image }), { abortSignal }), (r) => toModerationLabels(r.ModerationLabels))
      : Promise.resolve([]),
    options.detectText
      ? detection(rekognition.send(new DetectTextCommand({ Image }), { abortSignal }), (r) => toLines(r.TextDetections))
      : Promise.resolve([]),
    options.detectFaces
      ? detection(rekognition.send(new DetectFacesCommand({ Image, Attributes: ['EMOTIONS'] }), { abortSignal }), (r) => toFaces(r.FaceDetails))
      : Promise.resolve(null),
  ] as const;
  // Wait for every call, so that a refusal of the image wins over a transient failure of another
  // call whatever the timing: the image is unusable, and retrying would only repeat that.
  const settled = await Promise.allSettled(calls);
  const refusal = settled.find((result) => result.status === 'rejected' && result.reason instanceof ImageRejected);
  if (refusal?.status === 'rejected') {
    throw refusal.reason;
  }
  const [labels, moderationLabels, detectedText, faces] = await Promise.all(calls);
  return { labels, moderationLabels, detectedText, faces };
}

/** One Rekognition answer, mapped; a refusal of the image becomes ImageRejected. */
async function detection<R, T>(response: Promise<R>, map: (response: R) => T): Promise<T> {
  try {
    return map(await response);
  } catch (error) {
    const reason = error instanceof RekognitionServiceException ? UNUSABLE_IMAGE.get(error.name) : undefined;
    if (!reason) throw error;
    const rejection = new ImageRejected('VISION_REJECTED', reason);
    // Rekognition's own message stays available to logs; the uploader sees only the reason.
    rejection.cause = error;
    throw rejection;
  }
}

function toLabels(labels: RekognitionLabel[] = []): Label[] {
  return byConfidence(
    labels.flatMap((label) =>
      label.Name
        ? [
            {
              name: label.Name,
              confidence: label.Confidence ?? 0,
              parents: names(label.Parents),
              categories: names(label.Categories),
              instances: (label.Instances ?? []).flatMap((instance) =>
                instance.BoundingBox ? [{ boundingBox: toBoundingBox(instance.BoundingBox), confidence: instance.Confidence ?? 0 }] : [],
              ),
            },
          ]
        : [],
    ),
  );
}

function toModerationLabels(labels: RekognitionModerationLabel[] = []): ModerationLabel[] {
  return byConfidence(
    labels.flatMap((label) =>
      label.Name ? [{ name: label.Name, parentName: label.ParentName ?? '', confidence: label.Confidence ?? 0 }] : [],
    ),
  );
}

/** LINE detections only: each WORD is also reported inside its line. */
function toLines(detections: TextDetection[] = []): string[] {
  return detections.flatMap((detection) => (detection.Type === 'LINE' && detection.DetectedText ? [detection.DetectedText] : []));
}

function toFaces(details: FaceDetail[] = []): Faces {
  const faces: Face[] = byConfidence(
    details.flatMap((face) =>
      face.BoundingBox
        ? [
            {
              boundingBox: toBoundingBox(face.BoundingBox),
              confidence: face.Confidence ?? 0,
              emotions: byConfidence(
                (face.Emotions ?? []).flatMap((emotion) => (emotion.Type ? [{ type: emotion.Type, confidence: emotion.Confidence ?? 0 }] : [])),
              ),
            },
          ]
        : [],
    ),
  );
  return { count: faces.length, details: faces };
}

/**
 * Rekognition's boxes may reach past the image's edges (a face cut off by the frame has a
 * negative Left); the API promises ratios within 0 to 1, so the box is cut to the image.
 */
function toBoundingBox(box: RekognitionBoundingBox): BoundingBox {
  const [left, width] = withinImage(box.Left ?? 0, box.Width ?? 0);
  const [top, height] = withinImage(box.Top ?? 0, box.Height ?? 0);
  return { left, top, width, height };
}

/** One axis of a box, cut to 0..1; untouched (no rounding drift) when it already fits. */
function withinImage(start: number, length: number): [number, number] {
  const from = Math.max(0, start);
  const to = Math.min(1, start + length);
  return from === start && to === start + length ? [start, length] : [from, to - from];
}

function names(items: { Name?: string | undefined }[] = []): string[] {
  return items.flatMap((item) => (item.Name ? [item.Name] : []));
}

/** Most confident first; a stable sort keeps Rekognition's order among equals. */
function byConfidence<T extends { confidence: number }>(items: T[]): T[] {
  return items.sort((a, b) => b.confidence - a.confidence);
}
