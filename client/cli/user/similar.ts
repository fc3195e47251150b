import { duplicateTier, hammingDistance, sharedColors } from '../../../resolvers/lib/similarity.ts';
import type { ImageFieldsFragment } from '../../src/generated/graphql.ts';

/** What `imagegraph similar` compares: the image and each similar one, as the API returns them. */
export type ComparedImage = Pick<ImageFieldsFragment, 'id' | 'fileName' | 'labels' | 'detectedText' | 'dominantColors' | 'sha256' | 'perceptualHash' | 'duplicateOf'>;

/** Why two images are similar: the ranking's own rules (resolvers/lib/similarity.ts), spelt out. */
export interface SimilarityReasons {
  copy: 'same file' | 'near-duplicate' | null;
  /** Differing bits of the perceptual hashes, when both have one. */
  hashDistance: number | null;
  labels: string[];
  /** Words of detected text both have (lower case; the search also matches their stems). */
  words: string[];
  /** The image's dominant colours the other shares. */
  colors: string[];
}

const words = (lines: readonly string[]) => new Set(lines.flatMap((line) => line.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((word) => word.length > 1));

export function similarityReasons(image: ComparedImage, other: ComparedImage): SimilarityReasons {
  const tier = duplicateTier(image, other);
  const otherLabels = new Set(other.labels.map((label) => label.name));
  const otherWords = words(other.detectedText);
  return {
    copy: tier === 2 ? 'same file' : tier === 1 ? 'near-duplicate' : null,
    hashDistance: hammingDistance(image.perceptualHash, other.perceptualHash),
    labels: image.labels.map((label) => label.name).filter((name) => otherLabels.has(name)),
    words: [...words(image.detectedText)].filter((word) => otherWords.has(word)),
    colors: sharedColors(image.dominantColors, other.dominantColors).map((color) => color.hex),
  };
}

/** One similar image on one line: id, file name, and why. */
export function similarLine(other: ComparedImage, reasons: SimilarityReasons): string {
  const why = [
    reasons.copy === 'same file' ? 'same file' : null,
    reasons.copy === 'near-duplicate' ? `near-duplicate${reasons.hashDistance === null ? '' : ` (${reasons.hashDistance} bits apart)`}` : null,
    reasons.labels.length ? `labels: ${reasons.labels.join(', ')}` : null,
    reasons.words.length ? `words: ${reasons.words.join(', ')}` : null,
    reasons.colors.length ? `colours: ${reasons.colors.join(', ')}` : null,
  ].filter(Boolean);
  return `${other.id}  ${other.fileName}  ${why.length ? why.join('; ') : 'similar'}`;
}
