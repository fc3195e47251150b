/**
 * DetectLabels' answer from the detector's objects and the text the OCR model read: one label per
 * class with its instances (boxes), Text/Document when there is legible writing, plus every
 * ancestor as a label of its own, as Rekognition reports them.
 */
import type { DetectLabelsResponse, Label } from '@aws-sdk/client-rekognition';
import type { Box, ImageProperties, ObjectDetection, TextLine } from './detections.ts';
import { imagePropertiesResponse } from './colors.ts';
import type { LabelOptions } from './requests.ts';
import { DOCUMENT_LABEL, TEXT_LABEL, type TaxonomyEntry, isAnimalClass, taxonomyOf } from './taxonomy.ts';
import { legibleLines } from './text.ts';

export const LABEL_MODEL_VERSION = '3.0';

type Calibration = [score: number, confidence: number][];

/**
 * The detector's scores are not Rekognition confidences: CenterNet rates clear objects 0.3-0.7.
 * These piecewise-linear maps (score -> confidence) were calibrated on the judged photos of
 * bench/eval so that the pipeline's default MinConfidence of 70 keeps labels that are right about
 * nine times in ten, and DetectLabels' default floor of 55 sits at the detector's floor:
 * - most classes: from 0.3 detections are mostly right (0.3 -> 70, 0.2 -> 55);
 * - animals: the detector confuses them with each other and with anything furry or feathered (a
 *   cat as Dog at 0.47, a squirrel as Bird at 0.33, a painting as Dog at 0.31, pagoda eaves as
 *   Bird at 0.47) while the true ones scored 0.51-0.55, so they need 0.5 for 70.
 */
const CALIBRATION: Calibration = [
  [0, 0],
  [0.2, 55],
  [0.3, 70],
  [1, 99.9],
];
const ANIMAL_CALIBRATION: Calibration = [
  [0, 0],
  [0.35, 55],
  [0.5, 70],
  [1, 99.9],
];

/**
 * Legible words that make a photo's writing a Text label, and a Document (a page of it). Only
 * words of 3+ letters count: what OCR reads in texture (water, foliage, a baboon's fur) is short
 * fragments such as "77", "ii", "FAK re" (bench/eval's photos without writing).
 */
const TEXT_WORDS = { text: 2, document: 20, minLetters: 3 } as const;
/** One word of this many letters is Text on its own (a sign that says "NOTICE"). */
const LONG_WORD = 4;

/**
 * OCR word confidences (0-100) as Text label confidences: the legibility floor (core/text.ts, 60)
 * is the pipeline's default MinConfidence of 70, so writing legible enough to search is labelled
 * (a sign read at 66 had words but no Text label before).
 */
const TEXT_CALIBRATION: Calibration = [
  [0, 0],
  [60, 70],
  [100, 99.9],
];

export function objectConfidence(score: number, detectorClass = ''): number {
  return calibrated(score, isAnimalClass(detectorClass) ? ANIMAL_CALIBRATION : CALIBRATION);
}

function calibrated(score: number, calibration: Calibration): number {
  const upper = calibration.findIndex(([s]) => score <= s);
  if (upper <= 0) return upper === 0 ? 0 : (calibration.at(-1)?.[1] ?? 100);
  const [s0, c0] = calibration[upper - 1] ?? [0, 0];
  const [s1, c1] = calibration[upper] ?? [1, 100];
  return c0 + ((score - s0) / (s1 - s0)) * (c1 - c0);
}

/** One thing found, before labels are merged: what it is, how sure, and where (objects only). */
interface Finding {
  entry: TaxonomyEntry;
  confidence: number;
  box?: Box;
}

function objectFindings(objects: ObjectDetection[]): Finding[] {
  return objects.flatMap((object) => {
    const entry = taxonomyOf(object.className);
    return entry ? [{ entry, confidence: objectConfidence(object.score, object.className), box: object.box }] : [];
  });
}

/** Text and Document, as confident as the words read (Rekognition gives them no instances). */
export function textFindings(lines: TextLine[]): Finding[] {
  const letters = (text: string) => (text.match(/\p{L}/gu) ?? []).length;
  const words = legibleLines(lines)
    .flatMap((line) => line.words)
    .filter((word) => letters(word.text) >= TEXT_WORDS.minLetters);
  if (words.length < TEXT_WORDS.text && !words.some((word) => letters(word.text) >= LONG_WORD)) return [];
  const confidence = calibrated(words.reduce((sum, word) => sum + word.confidence, 0) / words.length, TEXT_CALIBRATION);
  return [{ entry: TEXT_LABEL, confidence }, ...(words.length >= TEXT_WORDS.document ? [{ entry: DOCUMENT_LABEL, confidence }] : [])];
}

export function labelsResponse(
  objects: ObjectDetection[],
  lines: TextLine[],
  properties: ImageProperties | undefined,
  options: LabelOptions,
): DetectLabelsResponse {
  const labels = new Map<string, Label & { Confidence: number }>();
  for (const { entry, confidence, box } of [...objectFindings(objects), ...textFindings(lines)]) {
    if (confidence < options.minConfidence) continue;
    const label = labels.get(entry.name) ?? {
      Name: entry.name,
      Confidence: 0,
      Instances: [],
      Parents: entry.parents.map((Name) => ({ Name })),
      Aliases: entry.aliases.map((Name) => ({ Name })),
      Categories: [{ Name: entry.category }],
    };
    label.Confidence = Math.max(label.Confidence, confidence);
    if (box) label.Instances?.push({ Confidence: confidence, BoundingBox: { Width: box.width, Height: box.height, Left: box.left, Top: box.top } });
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
