/**
 * The measures eval:search reports, as plain functions of rankings and judgements. Rankings are
 * lists of photo names, best first; relevance is binary (a photo answers the query or not).
 */

/** Share of the first k results that are relevant (k counted even when fewer results came back). */
export function precisionAt(k: number, ranking: readonly string[], relevant: ReadonlySet<string>): number {
  return ranking.slice(0, k).filter((name) => relevant.has(name)).length / k;
}

/** Share of the relevant photos found in the first k results; 1 when nothing is relevant. */
export function recallAt(k: number, ranking: readonly string[], relevant: ReadonlySet<string>): number {
  if (relevant.size === 0) return 1;
  return ranking.slice(0, k).filter((name) => relevant.has(name)).length / relevant.size;
}

/** nDCG@k with binary gains: DCG of the ranking over DCG of the ideal ranking. */
export function ndcgAt(k: number, ranking: readonly string[], relevant: ReadonlySet<string>): number {
  const dcg = (gains: number[]) => gains.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  const ideal = dcg(Array.from({ length: Math.min(k, relevant.size) }, () => 1));
  if (ideal === 0) return 1;
  return dcg(ranking.slice(0, k).map((name) => (relevant.has(name) ? 1 : 0))) / ideal;
}

export interface SetScore {
  precision: number;
  recall: number;
  /** "photo: item" for each wrong finding. */
  wrong: string[];
  /** "photo: item" for each expected item not found. */
  missed: string[];
}

/**
 * Precision and recall of findings against judged truth, micro-averaged over photos: `found` and
 * `right` per photo; `expected` (a subset of right) is what recall is measured on. Items compare
 * case-insensitively. With nothing found, precision is 1 (nothing wrong was said).
 */
export function setScore(photos: readonly { name: string; found: readonly string[]; right: readonly string[]; expected: readonly string[] }[]): SetScore {
  let foundRight = 0;
  let found = 0;
  let expectedFound = 0;
  let expected = 0;
  const wrong: string[] = [];
  const missed: string[] = [];
  for (const photo of photos) {
    const key = (item: string) => item.toLowerCase();
    const foundKeys = new Set(photo.found.map(key));
    const rightKeys = new Set(photo.right.map(key));
    for (const item of new Set(photo.found)) {
      found++;
      if (rightKeys.has(key(item))) foundRight++;
      else wrong.push(`${photo.name}: ${item}`);
    }
    for (const item of new Set(photo.expected)) {
      expected++;
      if (foundKeys.has(key(item))) expectedFound++;
      else missed.push(`${photo.name}: ${item}`);
    }
  }
  return { precision: found === 0 ? 1 : foundRight / found, recall: expected === 0 ? 1 : expectedFound / expected, wrong, missed };
}

/**
 * Face detection per photo: precision over photos where a face was found (right when people are
 * in the photo), recall over photos with a visible face.
 */
export function faceScore(photos: readonly { name: string; faceFound: boolean; people: boolean; faceVisible: boolean }[]): SetScore {
  return setScore(
    photos.map((photo) => ({
      name: photo.name,
      found: photo.faceFound ? ['face'] : [],
      right: photo.people ? ['face'] : [],
      expected: photo.faceVisible ? ['face'] : [],
    })),
  );
}

export interface TextNoise {
  photos: number;
  /** Mean number of detected words per photo. */
  wordsPerPhoto: number;
  /** Share of the photos with at least one detected word. */
  shareWithWords: number;
  /** "photo: word" for each detected word. */
  words: string[];
}

/**
 * Detected text on photos that carry none (every word found there is noise): the words of each
 * photo's detected lines (split at spaces; a token without a letter or digit is no word, as the
 * index's analyzer drops it). With no photos, nothing was said: 0 and 0.
 */
export function textNoise(photos: readonly { name: string; detectedText: readonly string[] }[]): TextNoise {
  const perPhoto = photos.map((photo) => ({ name: photo.name, words: photo.detectedText.flatMap((line) => line.split(/\s+/u)).filter((token) => /[\p{L}\p{N}]/u.test(token)) }));
  return {
    photos: photos.length,
    wordsPerPhoto: mean(perPhoto.map((photo) => photo.words.length)),
    shareWithWords: photos.length === 0 ? 0 : perPhoto.filter((photo) => photo.words.length > 0).length / photos.length,
    words: perPhoto.flatMap((photo) => photo.words.map((word) => `${photo.name}: ${word}`)),
  };
}

/** Why a result matched: its labels, text or camera ('content'), or only its file name. */
export type Explanation = 'content' | 'fileName';

/**
 * Places where a result explained only by its file name ranks above one explained by content:
 * each such pair once, as "fileName-only result (rank) above content result (rank)".
 */
export function fileNameAboveContent(results: readonly { name: string; explanation: Explanation }[]): string[] {
  const violations: string[] = [];
  results.forEach((result, rank) => {
    if (result.explanation !== 'fileName') return;
    results.slice(rank + 1).forEach((later, offset) => {
      if (later.explanation === 'content') violations.push(`${result.name} (${rank + 1}) above ${later.name} (${rank + offset + 2})`);
    });
  });
  return violations;
}

/**
 * recall@k on one part of the set (calibration or held-out): the ranking and the relevant photos
 * restricted to the part's photos; undefined when no photo of the part answers the query.
 */
export function partRecallAt(k: number, ranking: readonly string[], relevant: readonly string[], part: ReadonlySet<string>): number | undefined {
  const inPart = new Set(relevant.filter((name) => part.has(name)));
  if (inPart.size === 0) return undefined;
  return recallAt(k, ranking.filter((name) => part.has(name)), inPart);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
