import { describe, expect, it } from 'vitest';
import { similarLine, similarityReasons, type ComparedImage } from './similar.ts';

const label = (name: string) => ({ name, confidence: 90, parents: [], categories: [], instances: [] });
const photo = (id: string, fields: Partial<ComparedImage> = {}): ComparedImage => ({
  id,
  fileName: `${id}.jpg`,
  labels: [],
  detectedText: [],
  dominantColors: [],
  sha256: `${id}-sha`,
  perceptualHash: null,
  duplicateOf: null,
  ...fields,
});

const beach = photo('A', {
  labels: [label('Dog'), label('Beach'), label('Sea')],
  detectedText: ['Plage des Catalans', 'No dogs'],
  dominantColors: [{ hex: '#3366cc', pixelPercent: 60 }, { hex: '#f0e0c0', pixelPercent: 30 }],
  sha256: 'same',
  perceptualHash: 'f0f0f0f0f0f0f0f0',
});

describe('why two images are similar', () => {
  it('names a copy of the same file, with the shared labels, words and colours', () => {
    const copy = photo('B', { ...beach, id: 'B', fileName: 'beach-again.jpg', duplicateOf: 'A' });
    const reasons = similarityReasons(beach, copy);
    expect(reasons).toEqual({ copy: 'same file', hashDistance: 0, labels: ['Dog', 'Beach', 'Sea'], words: ['plage', 'des', 'catalans', 'no', 'dogs'], colors: ['#3366cc', '#f0e0c0'] });
    expect(similarLine(copy, reasons)).toBe('B  beach-again.jpg  same file; labels: Dog, Beach, Sea; words: plage, des, catalans, no, dogs; colours: #3366cc, #f0e0c0');
  });

  it('names a resized copy a near-duplicate with its hash distance', () => {
    const resized = photo('C', { perceptualHash: 'f0f0f0f0f0f0f0f7', labels: [label('Dog')] });
    const reasons = similarityReasons(beach, resized);
    expect(reasons).toMatchObject({ copy: 'near-duplicate', hashDistance: 3, labels: ['Dog'], words: [], colors: [] });
    expect(similarLine(resized, reasons)).toBe('C  C.jpg  near-duplicate (3 bits apart); labels: Dog');
  });

  it('compares words case-insensitively and colours within a small distance only', () => {
    const poster = photo('D', { detectedText: ['CATALANS 1923'], dominantColors: [{ hex: '#3a6ad0', pixelPercent: 10 }, { hex: '#cc3333', pixelPercent: 80 }], perceptualHash: '0f0f0f0f0f0f0f0f' });
    expect(similarLine(poster, similarityReasons(beach, poster))).toBe('D  D.jpg  words: catalans; colours: #3366cc');
  });

  it('says "similar" when none of the reasons it knows applies', () => {
    expect(similarLine(photo('E'), similarityReasons(beach, photo('E')))).toBe('E  E.jpg  similar');
  });
});
