/**
 * DetectText's answer: LINE detections first, then their WORDs (ParentId = the line's Id), as
 * Rekognition orders them, with WordFilter and bounding-box RegionsOfInterest applied to words
 * and Rekognition's cap of 100 words.
 */
import type { DetectTextResponse, TextDetection } from '@aws-sdk/client-rekognition';
import type { Box, TextLine, TextWord } from './detections.ts';
import type { TextOptions } from './requests.ts';

export const TEXT_MODEL_VERSION = '3.0';
const MAX_WORDS = 100;

/**
 * The OCR model's noise floor. On photos without text tesseract reads texture as "words" such as
 * "|", "=", "Ee" or "SEPA"; on the judged photos (bench/eval) the words of signs and pages are
 * read at 60-96 and nearly all of that noise below 60 or made of symbols. A word is legible with
 * at least two letters or digits, mostly letters or digits, read at 60 or more.
 */
const LEGIBLE = { minConfidence: 60, minAlphanumerics: 2, minAlphanumericShare: 0.6, loneWordMinAlphanumerics: 4 } as const;

export function isLegible(word: TextWord): boolean {
  const text = word.text.trim();
  const count = alphanumerics(text);
  return word.confidence >= LEGIBLE.minConfidence && count >= LEGIBLE.minAlphanumerics && count >= LEGIBLE.minAlphanumericShare * text.length;
}

function alphanumerics(text: string): number {
  return (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
}

/**
 * Lines reduced to their legible words; a line left with none, or with one word of fewer than 4
 * letters or digits, is gone. Texture passes the word test as lone short "words": on the
 * calibration half of bench/eval's judged set, its 12 photos without any text got 17 (1.42 per
 * photo, on 6 of them), each alone in its line with 2-3 letters or digits ("of", "FAK", "77",
 * "21.") and read at 60-86, so no confidence floor that keeps sign words (read from 64:
 * "NOTICE]") removes them; and that half's text photos had lone short lines only of fragments
 * ("RN", "5d", "les:", "Lt"). What text-word recall finds, words of 4+ letters, is kept with its
 * line. Held-out half: 0.58 noise words per photo (4 of 12 photos) -> 0, no sign or page word lost
 * (bench/eval/README.md). The price: a sign of one short word alone ("BUS", "21") is not read.
 */
export function legibleLines(lines: TextLine[]): TextLine[] {
  return lines.flatMap((line) => {
    const words = line.words.filter(isLegible);
    const readable = words.length > 1 || words.some((word) => alphanumerics(word.text) >= LEGIBLE.loneWordMinAlphanumerics);
    return readable ? [{ ...line, words }] : [];
  });
}

/**
 * Lines read in two OCR passes over the same photo (at its own size, and enlarged), as one
 * reading: a line of the second pass replaces the first pass's lines it overlaps (by half of the
 * smaller) when it has more legible letters, and is added where the first read nothing.
 */
export function mergeTextPasses(first: TextLine[], second: TextLine[]): TextLine[] {
  let merged = legibleLines(first);
  for (const line of legibleLines(second)) {
    const overlapping = merged.filter((other) => overlap(line.box, other.box) >= 0.5 * Math.min(area(line.box), area(other.box)));
    if (overlapping.every((other) => legibleLetters(other) < legibleLetters(line))) merged = [...merged.filter((other) => !overlapping.includes(other)), line];
  }
  return merged.sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left);
}

function legibleLetters(line: TextLine): number {
  return line.words.reduce((sum, word) => sum + (word.text.match(/\p{L}/gu) ?? []).length, 0);
}

function area(box: Box): number {
  return box.width * box.height;
}

export function textResponse(lines: TextLine[], options: TextOptions): DetectTextResponse {
  let budget = MAX_WORDS;
  const kept = legibleLines(lines).flatMap((line) => {
    const words = line.words.filter((word) => keepWord(word, options)).slice(0, budget);
    budget -= words.length;
    return words.length ? [{ line, words }] : [];
  });
  const lineDetections: TextDetection[] = kept.map(({ line, words }, id) => ({
    ...detection(line, 'LINE', id),
    // A filtered line reads as the words that passed, as Rekognition's lines do.
    DetectedText: words.map((word) => word.text).join(' '),
  }));
  let nextId = kept.length;
  const wordDetections = kept.flatMap(({ words }, lineId) => words.map((word) => ({ ...detection(word, 'WORD', nextId++), ParentId: lineId })));
  return { TextDetections: [...lineDetections, ...wordDetections], TextModelVersion: TEXT_MODEL_VERSION };
}

function keepWord(word: TextWord, options: TextOptions): boolean {
  if (word.confidence < options.minConfidence || word.box.height < options.minBoxHeight || word.box.width < options.minBoxWidth) return false;
  // Rekognition keeps text at least half inside a region of interest.
  return options.regions.length === 0 || options.regions.some((region) => overlap(word.box, region) >= 0.5 * word.box.width * word.box.height);
}

function overlap(a: Box, b: Box): number {
  const width = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const height = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return Math.max(0, width) * Math.max(0, height);
}

function detection(item: TextWord, type: 'LINE' | 'WORD', id: number): TextDetection {
  const { left, top, width, height } = item.box;
  return {
    DetectedText: item.text,
    Type: type,
    Id: id,
    Confidence: item.confidence,
    Geometry: {
      BoundingBox: { Width: width, Height: height, Left: left, Top: top },
      Polygon: [
        { X: left, Y: top },
        { X: left + width, Y: top },
        { X: left + width, Y: top + height },
        { X: left, Y: top + height },
      ],
    },
  };
}
