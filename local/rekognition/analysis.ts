/**
 * One request's image work, as a worker (or lite mode, in process) runs it: decode with sharp at
 * the size each model needs, run the model, shape the answer. `models` null is lite mode: no
 * models, empty detections, real image properties; every image check still applies.
 */
import sharp from 'sharp';
import type { ImageProperties } from './core/detections.ts';
import { imageProperties } from './core/colors.ts';
import { invalidImageFormat } from './core/errors.ts';
import { facesResponse } from './core/faces.ts';
import { labelsResponse } from './core/labels.ts';
import { checkDimensions } from './core/limits.ts';
import { moderationResponse } from './core/moderation.ts';
import type { ParsedRequest } from './core/requests.ts';
import { textResponse } from './core/text.ts';
import type { VisionModels } from './models/models.ts';
import { tf } from './models/tfjs.ts';

/**
 * Detector input: the object model reads 512x512 and the face detector less, so photos are
 * scaled down by sharp (better resampling, and 4x fewer pixels to convert than at 1024).
 */
const DETECTOR_SIDE = 512;
const MODERATION_SIDE = 224;
/** Colour statistics do not need more pixels than this. */
const PROPERTIES_SIDE = 128;

/** The request without where its image came from: the image travels as bytes. */
export type AnalysisRequest = ParsedRequest extends infer R ? (R extends ParsedRequest ? Omit<R, 'image'> : never) : never;

export async function analyze(models: VisionModels | null, request: AnalysisRequest, bytes: Uint8Array): Promise<unknown> {
  const { width, height } = await dimensions(bytes);
  checkDimensions(width, height);
  switch (request.operation) {
    case 'DetectLabels': {
      const objects = models && request.options.generalLabels ? await withImage(bytes, DETECTOR_SIDE, (_, batch) => models.objectsAndFaces.objects(batch)) : [];
      const properties = request.options.imageProperties ? await propertiesOf(bytes) : undefined;
      return labelsResponse(objects, properties, request.options);
    }
    case 'DetectFaces': {
      const faces = models ? await withImage(bytes, DETECTOR_SIDE, (_, batch) => models.objectsAndFaces.faces(batch)) : [];
      return facesResponse(faces, request.options);
    }
    case 'DetectModerationLabels': {
      const scores = models ? await withImage(bytes, MODERATION_SIDE, (image) => models.moderation.scores(image), 'fill') : {};
      return moderationResponse(scores, request.options);
    }
    case 'DetectText': {
      const lines = models ? await models.text.lines(Buffer.from(bytes), width, height) : [];
      return textResponse(lines, request.options);
    }
  }
}

async function dimensions(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  try {
    const { width, height } = await sharp(bytes).metadata();
    if (!width || !height) throw invalidImageFormat();
    return { width, height };
  } catch {
    throw invalidImageFormat();
  }
}

/** RGB pixels, at most `side` on each side (exactly side x side with 'fill'). */
async function pixels(bytes: Uint8Array, side: number, fit: 'inside' | 'fill' = 'inside') {
  try {
    return await sharp(bytes)
      .resize(side, side, { fit, withoutEnlargement: fit === 'inside' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    // The header was readable but the pixels are not (a truncated or corrupt file).
    throw invalidImageFormat();
  }
}

/** The image as int32 RGB tensors, [h, w, 3] and batched [1, h, w, 3], freed after `run`. */
async function withImage<T>(
  bytes: Uint8Array,
  side: number,
  run: (image: tf.Tensor3D, batch: tf.Tensor4D) => Promise<T>,
  fit: 'inside' | 'fill' = 'inside',
): Promise<T> {
  const { data, info } = await pixels(bytes, side, fit);
  const image = tf.tensor3d(new Int32Array(data), [info.height, info.width, 3], 'int32');
  const batch = tf.expandDims<tf.Tensor4D>(image, 0);
  try {
    return await run(image, batch);
  } finally {
    tf.dispose([image, batch]);
  }
}

async function propertiesOf(bytes: Uint8Array): Promise<ImageProperties> {
  const { data, info } = await pixels(bytes, PROPERTIES_SIDE);
  return imageProperties(data, info.width, info.height);
}
