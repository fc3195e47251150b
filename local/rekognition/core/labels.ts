/**
 * DetectLabels' answer from the detector's objects: one label per class with its instances
 * (boxes), plus every ancestor as a label of its own, as Rekognition reports them.
 */
import type { DetectLabelsResponse, Label } from '@aws-sdk/client-rekognition';
import type { ImageProperties, ObjectDetection } from './detections.ts';
import { imagePropertiesResponse } from './colors.ts';
import type { LabelOptions } from './requests.ts';
import { taxonomyOf } from './taxonomy.ts';

export const LABEL_MODEL_VERSION = '3.0';

/**
 * The detector's scores are not Rekognition confidences: CenterNet rates clear objects 0.3-0.7.
 * This piecewise-linear map (score -> confidence) was fitted by eye on the fixtures so that a
 * score of 0.3, where its detections become mostly right, meets the pipeline's default
 * MinConfidence of 70, and the detector's floor of 0.2 sits at 55, DetectLabels' default.
 */
const CALIBRATION: [score: number, confidence: number][] = [
  [0, 0],
  [0.2, 55],
  [0.3, 70],
  [1, 99.9],
];

export function objectConfidence(score: number): number {
  const upper = CALIBRATION.findIndex(([s]) => score <= s);
  if (upper <= 0) return upper === 0 ? 0 : (CALIBRATION.at(-1)?.[1] ?? 100);
  const [s0, c0] = CALIBRATION[upper - 1] ?? [0, 0];
  const [s1, c1] = CALIBRATION[upper] ?? [1, 100];
  return c0 + ((score - s0) / (s1 - s0)) * (c1 - c0);
}

export function labelsResponse(objects: ObjectDetection[], properties: ImageProperties | undefined, options: LabelOptions): DetectLabelsResponse {
  const labels = new Map<string, Label & { Confidence: number }>();
  for (const object of objects) {
    const entry = taxonomyOf(object.className);
    const confidence = objectConfidence(object.score);
    if (entry === undefined || confidence < options.minConfidence) continue;
    const label = labels.get(entry.name) ?? {
      Name: entry.name,
      Confidence: 0,
      Instances: [],
      Parents: entry.parents.map((Name) => ({ Name })),
      Aliases: entry.aliases.map((Name) => ({ Name })),
      Categories: [{ Name: entry.category }],
    };
    label.Confidence = Math.max(label.Confidence, confidence);
    label.Instances?.push({
      Confidence: confidence,
      BoundingBox: { Width: object.box.width, Height: object.box.height, Left: object.box.left, Top: object.box.top },
    });
    labels.set(entry.name, label);
    entry.parents.forEach((parent, i) => {
      const known = labels.get(parent);
      if (known) known.Confidence = Math.max(known.Confidence, confidence);
      else {
        labels.set(parent, {
          Name: parent,
          Confidence: confidence,
          Instances: [],
          Parents: entry.parents.slice(i + 1).map((Name) => ({ Name })),
          Aliases: [],
          Categories: [{ Name: entry.category }],
        });
      }
    });
  }
  const { includeLabels, excludeLabels, includeCategories, excludeCategories } = options.filters;
  const category = (label: Label) => label.Categories?.[0]?.Name ?? '';
  const kept = [...labels.values()]
    .filter((label) => includeLabels.length === 0 || includeLabels.includes(label.Name ?? ''))
    .filter((label) => !excludeLabels.includes(label.Name ?? ''))
    .filter((label) => includeCategories.length === 0 || includeCategories.includes(category(label)))
    .filter((label) => !excludeCategories.includes(category(label)))
    .sort((a, b) => b.Confidence - a.Confidence)
    .slice(0, options.maxLabels);
  return {
    ...(options.generalLabels ? { Labels: kept } : {}),
    ...(options.imageProperties && properties ? { ImageProperties: imagePropertiesResponse(properties, options.maxDominantColors) } : {}),
    LabelModelVersion: LABEL_MODEL_VERSION,
  };
}
