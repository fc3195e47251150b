/**
 * One image's model work, as a worker (or lite mode, in process) runs it: decode with sharp at the
 * size each model needs (the detectors get pixels decoded once for both, detector-pixels.ts), run
 * one model, return its raw detections. The service shapes these into
 * Rekognition's answers (core/), and shares them between the calls made for the same image.
 * `models` null is lite mode: no models, empty detections, real image properties.
 */
import sharp from 'sharp';
import type { FaceDetection, ImageProperties, ModerationScores, ObjectDetection, TextLine } from './core/detections.ts';
import { imageProperties } from './core/colors.ts';
import { invalidImageFormat } from './core/errors.ts';
import { mergeTextPasses } from './core/text.ts';
import { normaliseGrey } from './grey-normalise.ts';
import { type Grey, TEXT_SIDE, textPixels } from './text-pixels.ts';
import { ZOOMED_OUT_FILL, letterboxContent, needsZoomedOutView, toPhoto, withZoomedOutAnimals } from './core/letterbox.ts';
import { type Rgb, inSquare, rgbPixels } from './detector-pixels.ts';
import type { VisionModels } from './models/models.ts';
import { tf } from './models/tfjs.ts';

/** What each kind of detection yields. */
export interface Detections {
  objects: ObjectDetection[];
  faces: FaceDetection[];
  text: TextLine[];
  moderation: ModerationScores;
  properties: ImageProperties;
}
export type DetectionKind = keyof Detections;

/** The kinds that read the detector pixels (detector-pixels.ts) rather than the file. */
const PIXEL_KINDS = ['objects', 'faces'] as const satisfies readonly DetectionKind[];
type PixelKind = (typeof PIXEL_KINDS)[number];
export const readsPixels = (kind: DetectionKind): kind is PixelKind => (PIXEL_KINDS as readonly DetectionKind[]).includes(kind);

/** What a detection reads: the detectors the photo's pixels, decoded once for both; the others (and lite mode) its file. */
export type DetectionInput = { rgb: Rgb } | { bytes: Uint8Array };

const MODERATION_SIDE = 224;
/** Colour statistics do not need more pixels than this. */
const PROPERTIES_SIDE = 128;
export async function detect<K extends DetectionKind>(models: VisionModels | null, kind: K, input: DetectionInput): Promise<Detections[K]> {
  return (await detectAny(models, kind, input)) as Detections[K];
}

async function detectAny(models: VisionModels | null, kind: DetectionKind, input: DetectionInput): Promise<Detections[DetectionKind]> {
  const { rgb, bytes } = input as Partial<{ rgb: Rgb; bytes: Uint8Array }>;
  if (kind === 'properties' && bytes) return propertiesOf(bytes);
  if (!models) return kind === 'moderation' ? {} : [];
  if (kind === 'objects' && rgb) return letterboxedObjects(models, rgb);
  if (kind === 'faces' && rgb) return withTensor(rgb, (_, batch) => models.objectsAndFaces.faces(batch));
  if (kind === 'moderation' && bytes) return withTensor(await rgbPixels(bytes, MODERATION_SIDE, { fit: 'fill' }), (image) => models.moderation.scores(image));
  if (kind === 'text' && bytes) return readText(models, bytes);
  throw new Error(`${kind} reads ${readsPixels(kind) ? 'pixels' : 'the file'}, but was given ${rgb ? 'pixels' : 'the file'}`);
}

/** Width and height from the header; undecodable bytes are Rekognition's InvalidImageFormatException. */
export async function dimensions(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  try {
    const { width, height } = await sharp(bytes).metadata();
    if (!width || !height) throw invalidImageFormat();
    return { width, height };
  } catch {
    throw invalidImageFormat();
  }
}

/**
 * A photo smaller than the OCR's input side is read twice, at its own size and enlarged to it:
 * tesseract wants letters 20-30 px high, and on bench/eval's photos of 800-1000 px the enlarged pass
 * read sign words the first missed ("NOTICE", "centre") while missing others the first read
 * ("Sports").
 */
async function readText(models: VisionModels, bytes: Uint8Array): Promise<TextLine[]> {
  const read = async (grey: Grey, large: boolean) => models.text.lines(await normaliseGrey(grey.data), grey.width, grey.height, large);
  const own = await textPixels(bytes, false);
  // Never enlarged, the first rendition is at the side exactly when the photo is at least that large.
  const large = Math.max(own.width, own.height) >= TEXT_SIDE;
  const first = await read(own, large);
  return large ? first : mergeTextPasses(first, await read(await textPixels(bytes, true), false));
}

/** The pixels as int32 RGB tensors, [h, w, 3] and batched [1, h, w, 3], freed after `run`. */
async function withTensor<T>({ data, width, height }: Rgb, run: (image: tf.Tensor3D, batch: tf.Tensor4D) => Promise<T>): Promise<T> {
  const image = tf.tensor3d(new Int32Array(data), [height, width, 3], 'int32');
  const batch = tf.expandDims<tf.Tensor4D>(image, 0);
  try {
    return await run(image, batch);
  } finally {
    tf.dispose([image, batch]);
  }
}

/** Objects in the letterboxed photo, and, when it holds an animal, animals in the zoomed-out view too (core/letterbox.ts). */
async function letterboxedObjects(models: VisionModels, photo: Rgb): Promise<ObjectDetection[]> {
  const detectIn = async (fill: number) => {
    const objects = await withTensor(await inSquare(photo, fill), (_, batch) => models.objectsAndFaces.objects(batch));
    return toPhoto(objects, letterboxContent(photo.width, photo.height, fill));
  };
  const letterboxed = await detectIn(1);
  return needsZoomedOutView(letterboxed) ? withZoomedOutAnimals(letterboxed, await detectIn(ZOOMED_OUT_FILL)) : letterboxed;
}

async function propertiesOf(bytes: Uint8Array): Promise<ImageProperties> {
  const { data, width, height } = await rgbPixels(bytes, PROPERTIES_SIDE);
  return imageProperties(data, width, height);
}
