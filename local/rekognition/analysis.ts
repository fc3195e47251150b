/**
 * One image's model work, as a worker (or lite mode, in process) runs it: decode with sharp at the
 * size each model needs (the detectors and the OCR get pixels decoded once for all, photo-pixels.ts), run
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
import { type Grey, TEXT_SIDE } from './text-pixels.ts';
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

/** The kinds that read the photo's pixels (photo-pixels.ts) rather than the file. */
const PIXEL_KINDS = ['objects', 'faces', 'text'] as const satisfies readonly DetectionKind[];
type PixelKind = (typeof PIXEL_KINDS)[number];
export const readsPixels = (kind: DetectionKind): kind is PixelKind => (PIXEL_KINDS as readonly DetectionKind[]).includes(kind);

/**
 * What a detection reads: the detectors the photo's RGB and the OCR its grey passes (photo-pixels.ts),
 * decoded once for all; the others (and lite mode) its file.
 */
export type DetectionInput = { rgb: Rgb } | { grey: Grey[] } | { bytes: Uint8Array };

const MODERATION_SIDE = 224;
/** Colour statistics do not need more pixels than this. */
const PROPERTIES_SIDE = 128;
export async function detect<K extends DetectionKind>(models: VisionModels | null, kind: K, input: DetectionInput): Promise<Detections[K]> {
  return (await detectAny(models, kind, input)) as Detections[K];
}

async function detectAny(models: VisionModels | null, kind: DetectionKind, input: DetectionInput): Promise<Detections[DetectionKind]> {
  const { rgb, grey, bytes } = input as Partial<{ rgb: Rgb; grey: Grey[]; bytes: Uint8Array }>;
  if (kind === 'properties' && bytes) return propertiesOf(bytes);
  if (!models) return kind === 'moderation' ? {} : [];
  if (kind === 'objects' && rgb) return letterboxedObjects(models, rgb);
  if (kind === 'faces' && rgb) return withTensor(rgb, (_, batch) => models.objectsAndFaces.faces(batch));
  if (kind === 'moderation' && bytes) return withTensor(await rgbPixels(bytes, MODERATION_SIDE, { fit: 'fill' }), (image) => models.moderation.scores(image));
  if (kind === 'text' && grey) return readText(models, grey);
  throw new Error(`${kind} reads ${kind === 'text' ? 'grey pixels' : readsPixels(kind) ? 'RGB pixels' : 'the file'}, but was given ${bytes ? 'the file' : rgb ? 'RGB pixels' : 'grey pixels'}`);
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
 * A photo smaller than the OCR's input side is read twice, at its own size and enlarged to it
 * (photo-pixels.ts makes both): tesseract wants letters 20-30 px high, and on bench/eval's photos of
 * 800-1000 px the enlarged pass read sign words the first missed ("NOTICE", "centre") while missing
 * others the first read ("Sports").
 */
async function readText(models: VisionModels, [own, enlarged]: Grey[]): Promise<TextLine[]> {
  if (!own) throw new Error('text reads at least one grey pass');
  const read = async (grey: Grey, large: boolean) => models.text.lines(await normaliseGrey(grey.data), grey.width, grey.height, large);
  // Never enlarged, the first pass is at the side exactly when the photo is at least that large.
  const first = await read(own, Math.max(own.width, own.height) >= TEXT_SIDE);
  return enlarged ? mergeTextPasses(first, await read(enlarged, false)) : first;
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
