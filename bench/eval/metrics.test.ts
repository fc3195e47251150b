/** The harness's measures on small hand-made cases whose answers are worked out by hand. */
import { describe, expect, it } from 'vitest';
import { faceScore, fileNameAboveContent, mean, ndcgAt, partRecallAt, precisionAt, recallAt, setScore, textNoise } from './metrics.ts';

const relevant = new Set(['a', 'b', 'c']);
const ranking = ['a', 'x', 'b', 'y', 'z', 'w', 'v', 'u', 't', 'c', 's'];

describe('ranking measures', () => {
  it('precision@5 counts relevant results among the first five, short lists included', () => {
    expect(precisionAt(5, ranking, relevant)).toBeCloseTo(2 / 5);
    expect(precisionAt(5, ['a'], relevant)).toBeCloseTo(1 / 5);
    expect(precisionAt(5, [], relevant)).toBe(0);
  });

  it('recall@k on a part of the set counts only the photos of that part, and nothing when none answers', () => {
    const part = new Set(['b', 'c', 'x']);
    // Within the part the ranking is x, b, c: b in the first two, c not.
    expect(partRecallAt(2, ranking, ['a', 'b', 'c'], part)).toBeCloseTo(1 / 2);
    expect(partRecallAt(10, ranking, ['a', 'b', 'c'], part)).toBeCloseTo(1);
    expect(partRecallAt(10, ranking, ['a'], part)).toBeUndefined();
  });

  it('recall@10 is the share of relevant photos in the first ten', () => {
    expect(recallAt(10, ranking, relevant)).toBeCloseTo(1);
    expect(recallAt(3, ranking, relevant)).toBeCloseTo(2 / 3);
    expect(recallAt(10, ['x'], new Set())).toBe(1);
  });

  it('nDCG@10 discounts by log2(rank + 1) against the ideal ranking', () => {
    // Gains 1 at ranks 1, 3 and 10: 1 + 1/log2(4) + 1/log2(11); ideal: 1 + 1/log2(3) + 1/log2(4).
    const dcg = 1 + 1 / 2 + 1 / Math.log2(11);
    const ideal = 1 + 1 / Math.log2(3) + 1 / 2;
    expect(ndcgAt(10, ranking, relevant)).toBeCloseTo(dcg / ideal);
    expect(ndcgAt(10, ['a', 'b', 'c'], relevant)).toBeCloseTo(1);
    expect(ndcgAt(10, ['x', 'y'], relevant)).toBe(0);
  });
});

describe('judged sets', () => {
  it('label precision over everything found, recall over what was expected, case-insensitively', () => {
    const score = setScore([
      { name: 'cat.jpg', found: ['Dog', 'Animal'], right: ['Cat', 'Animal', 'Mammal'], expected: ['Cat', 'Animal'] },
      { name: 'page.png', found: ['text'], right: ['Text', 'Document'], expected: ['Text', 'Document'] },
      { name: 'empty.jpg', found: [], right: [], expected: [] },
    ]);
    expect(score.precision).toBeCloseTo(2 / 3);
    expect(score.recall).toBeCloseTo(2 / 4);
    expect(score.wrong).toEqual(['cat.jpg: Dog']);
    expect(score.missed).toEqual(['cat.jpg: Cat', 'page.png: Document']);
  });

  it('faces: precision over photos with a face found, recall over photos with a visible face', () => {
    const score = faceScore([
      { name: 'portrait', faceFound: true, people: true, faceVisible: true },
      { name: 'crowd from behind', faceFound: true, people: true, faceVisible: false },
      { name: 'spoon', faceFound: true, people: false, faceVisible: false },
      { name: 'group', faceFound: false, people: true, faceVisible: true },
      { name: 'sunset', faceFound: false, people: false, faceVisible: false },
    ]);
    expect(score.precision).toBeCloseTo(2 / 3);
    expect(score.recall).toBeCloseTo(1 / 2);
    expect(score.wrong).toEqual(['spoon: face']);
    expect(score.missed).toEqual(['group: face']);
  });

  it('finds file-name-only results ranked above content results', () => {
    expect(
      fileNameAboveContent([
        { name: 'dog-walk.jpg', explanation: 'fileName' },
        { name: 'puppy.png', explanation: 'content' },
        { name: 'dog.jpg', explanation: 'fileName' },
      ]),
    ).toEqual(['dog-walk.jpg (1) above puppy.png (2)']);
    expect(fileNameAboveContent([{ name: 'a', explanation: 'content' }, { name: 'b', explanation: 'fileName' }])).toEqual([]);
    expect(mean([1, 0, 0.5])).toBeCloseTo(0.5);
    expect(mean([])).toBe(0);
  });

  it('text noise: words detected on text-free photos, per photo and the share of photos with any', () => {
    const noise = textNoise([
      { name: 'cat.jpg', detectedText: ['ii 13', 'ok'] },
      { name: 'sky.jpg', detectedText: [] },
      // A line of symbols only ("| =") holds no word; "21." is one.
      { name: 'street.jpg', detectedText: ['| =', '21.'] },
      { name: 'fish.png', detectedText: [] },
    ]);
    expect(noise.photos).toBe(4);
    expect(noise.wordsPerPhoto).toBeCloseTo(4 / 4);
    expect(noise.shareWithWords).toBeCloseTo(2 / 4);
    expect(noise.words).toEqual(['cat.jpg: ii', 'cat.jpg: 13', 'cat.jpg: ok', 'street.jpg: 21.']);
    expect(textNoise([{ name: 'sky.jpg', detectedText: [] }])).toEqual({ photos: 1, wordsPerPhoto: 0, shareWithWords: 0, words: [] });
    expect(textNoise([])).toEqual({ photos: 0, wordsPerPhoto: 0, shareWithWords: 0, words: [] });
  });
});
