import { describe, expect, it } from 'vitest';
import type { DetectionKind } from './analysis.ts';
import { type CheckedImage, type Detect, DetectionCache, contentHash } from './detection-cache.ts';

const image = (...bytes: number[]) => {
  const data = Uint8Array.from(bytes);
  return { bytes: data, hash: contentHash(data) };
};

/** A model stand-in that counts its runs and fails the first `failures` of them. */
function counting(failures = 0) {
  const runs: string[] = [];
  const detect = ((kind: DetectionKind, { bytes }: CheckedImage) => {
    runs.push(`${kind}:${bytes[0]}`);
    return runs.length <= failures ? Promise.reject(new Error('worker died')) : Promise.resolve([]);
  }) as Detect;
  return { runs, detect };
}

describe('DetectionCache', () => {
  it('runs each model once per image and shares the result between calls', async () => {
    const { runs, detect } = counting();
    const cache = new DetectionCache(detect);
    const photo = image(1, 2, 3);
    await Promise.all([cache.of(photo)('objects'), cache.of(image(1, 2, 3))('objects'), cache.of(photo)('text')]);
    await cache.of(image(9))('objects');
    expect(runs).toEqual(['objects:1', 'text:1', 'objects:9']);
  });

  it('forgets a failed run, so a retry runs the model again', async () => {
    const { runs, detect } = counting(1);
    const cache = new DetectionCache(detect);
    await expect(cache.of(image(1))('faces')).rejects.toThrow('worker died');
    await expect(cache.of(image(1))('faces')).resolves.toEqual([]);
    expect(runs).toEqual(['faces:1', 'faces:1']);
  });

  it('drops the least recently used image beyond its size', async () => {
    const { runs, detect } = counting();
    const cache = new DetectionCache(detect, 2);
    for (const first of [1, 2, 1, 3, 1, 2]) await cache.of(image(first))('objects');
    expect(runs).toEqual(['objects:1', 'objects:2', 'objects:3', 'objects:2']);
  });
});
