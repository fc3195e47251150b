import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { type Stretch, countLevels, greyLightness, normaliseGrey, probeFor, sampleCounts, stretchOf } from './grey-normalise.ts';

const JUDGED = new URL('../../bench/eval/judged/photos/', import.meta.url);
/** A sign, a painting, a transparent PNG, a close-up: different histograms. */
const PHOTOS = ['scenetext01.jpg', 'starry_night.jpg', 'chicky_512.png', 'grace_hopper.jpg'];

/** The OCR input's greyscale pixels, before any stretch. */
const greyOf = (image: Sharp) => image.flatten({ background: '#ffffff' }).grayscale();

/**
 * The former implementation, the oracle of the property test: sharp normalises a 1-row image with
 * the image's level counts divided down to about 131,072 pixels, and its output level for each level
 * is applied.
 */
async function formerNormaliseGrey(grey: Uint8Array): Promise<Buffer> {
  const histogram = new Float64Array(256);
  for (let i = 0; i < grey.length; i++) histogram[grey[i]!]! += 1;
  const divisor = Math.max(1, grey.length / 131_072);
  const counts = Array.from(histogram, (count) => (count > 0 ? Math.max(1, Math.round(count / divisor)) : 0));
  const sample = Buffer.alloc(counts.reduce((sum, count) => sum + count, 0));
  const firstAt = new Int32Array(256).fill(-1);
  let at = 0;
  counts.forEach((count, level) => {
    if (count === 0) return;
    firstAt[level] = at;
    sample.fill(level, at, at + count);
    at += count;
  });
  const { data, info } = await sharp(sample, { raw: { width: sample.length, height: 1, channels: 1 } })
    .normalise()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const table = new Uint8Array(256);
  firstAt.forEach((position, level) => {
    if (position >= 0) table[level] = data[position * info.channels]!;
  });
  const normalised = Buffer.allocUnsafe(grey.length);
  for (let i = 0; i < grey.length; i++) normalised[i] = table[grey[i]!]!;
  return normalised;
}

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Case {
  name: string;
  grey: Uint8Array;
}

/**
 * Images of every histogram shape the stretch is sensitive to. Only the histogram decides the
 * output, so most are small; they start at any byte offset of their buffer.
 */
function randomCases(count: number, random: () => number): Case[] {
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: T[]) => items[int(items.length)]!;
  const cases: Case[] = [];
  for (let k = 0; k < count; k++) {
    const draw = random();
    const size = draw < 0.4 ? 'tiny' : draw < 0.85 ? 'small' : draw < 0.97 ? 'medium' : 'large';
    const pixels =
      size === 'tiny' ? 1 + int(50)
      : size === 'small' ? 51 + int(2_000)
      : size === 'medium' ? 5_000 + int(140_000)
      : 131_073 + int(k % 4 === 0 ? 2_000_000 : 400_000);
    const shape = pick(['single', 'two', 'narrow', 'uniform', 'bimodal', 'skewed', 'extremes', 'scattered']);
    const weights = new Float64Array(256);
    const lo = int(256);
    const hi = Math.min(255, lo + int(256 - lo));
    if (shape === 'single') weights[lo] = 1;
    else if (shape === 'two') {
      weights[lo] = random();
      weights[random() < 0.3 ? Math.min(255, lo + 1) : hi] = random() ** 4;
    } else if (shape === 'narrow' || shape === 'uniform') {
      const top = shape === 'narrow' ? Math.min(255, lo + int(12)) : hi;
      for (let level = lo; level <= top; level++) weights[level] = 1;
    } else if (shape === 'bimodal') {
      for (const [centre, spread] of [[int(128), 1 + int(20)], [128 + int(128), 1 + int(20)]] as const) {
        for (let level = Math.max(0, centre - spread); level <= Math.min(255, centre + spread); level++) weights[level]! += random();
      }
    } else if (shape === 'skewed') {
      const power = 1 + 6 * random();
      for (let level = lo; level <= hi; level++) weights[level] = ((level - lo + 1) / (hi - lo + 1)) ** (random() < 0.5 ? power : -power);
    } else if (shape === 'extremes') {
      for (let level = lo; level <= hi; level++) weights[level] = 1;
      // Black and white each rare (one pixel), common, or absent: they decide the stretch's ends.
      for (const end of [0, 255]) weights[end] = pick([0, 1e-9, 0.01 * random(), 0.5 * (hi - lo + 1) * random()]);
    } else {
      for (let n = 1 + int(40); n > 0; n--) weights[int(256)] = random() ** 3;
    }
    // White, often there in photos, puts the top lightness at 100.
    if (shape !== 'single' && random() < 0.4) weights[255]! += pick([1e-9, 0.01, 0.3]);
    const grey = imageOf(weights, pixels, random);
    // Both loops read 4 or 8 pixels at a time: the small ones mixed (the large ones as runs, as in photos).
    if (pixels <= 5_000) shuffle(grey, random);
    cases.push({ name: `${shape} ${size} ${pixels} px, ${lo}-${hi}`, grey });
  }
  return cases;
}

/** `pixels` pixels with levels in proportion to `weights`, each weighted level at least once if there is room. */
function imageOf(weights: Float64Array, pixels: number, random: () => number): Uint8Array {
  const levels = shuffle([...weights.keys()].filter((level) => weights[level]! > 0), random);
  const counts = new Float64Array(256);
  for (const level of levels.slice(0, pixels)) counts[level] = 1;
  const rest = pixels - Math.min(pixels, levels.length);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let left = rest;
  for (const level of levels) {
    const more = Math.min(left, Math.floor((weights[level]! / total) * rest));
    counts[level]! += more;
    left -= more;
  }
  counts[weights.indexOf(Math.max(...weights))]! += left;
  const offset = Math.floor(random() * 4);
  const grey = Buffer.alloc(offset + pixels).subarray(offset);
  let at = 0;
  counts.forEach((count, level) => {
    grey.fill(level, at, at + count);
    at += count;
  });
  return grey;
}

/** `items` in a random order (Fisher-Yates), in place. */
function shuffle<T extends number[] | Uint8Array>(items: T, random: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The images of `cases` whose output differs from the former implementation's, 8 compared at a time. */
async function mismatches(cases: Case[]): Promise<string[]> {
  const differing: string[] = [];
  for (let from = 0; from < cases.length; from += 8) {
    await Promise.all(
      cases.slice(from, from + 8).map(async ({ name, grey }) => {
        const [ours, former] = await Promise.all([normaliseGrey(grey), formerNormaliseGrey(grey)]);
        if (!ours.equals(former)) differing.push(name);
      }),
    );
  }
  return differing;
}

describe('normaliseGrey', () => {
  it.each(PHOTOS)('gives pixel for pixel what sharp.normalise() gives on %s, first and again', async (name) => {
    const bytes = await readFile(new URL(name, JUDGED));
    const grey = await greyOf(sharp(bytes)).raw().toBuffer();
    const bySharp = await greyOf(sharp(bytes)).normalise().raw().toBuffer();
    const ours = await normaliseGrey(grey);
    expect(ours.length).toBe(bySharp.length);
    expect(ours.equals(bySharp)).toBe(true);
    expect((await normaliseGrey(grey)).equals(bySharp)).toBe(true);
  });

  it('stretches a low-contrast image to the full range, and leaves a flat one as it is', async () => {
    const dull = Buffer.from(Array.from({ length: 10_000 }, (_, i) => 100 + (i % 41)));
    const stretched = await normaliseGrey(dull);
    expect(Math.max(...stretched) - Math.min(...stretched)).toBeGreaterThan(200);
    const bySharp = await sharp(dull, { raw: { width: 100, height: 100, channels: 1 } }).normalise().raw().toBuffer({ resolveWithObject: true });
    expect([...stretched]).toEqual(Array.from({ length: dull.length }, (_, i) => bySharp.data[i * bySharp.info.channels]));
    const flat = Buffer.alloc(5_000, 77);
    expect((await normaliseGrey(flat)).equals(flat)).toBe(true);
  });

  it('gives byte for byte what the former implementation gives, on images of every level alone', async () => {
    const cases = Array.from({ length: 256 }, (_, level) => ({ name: `only ${level}`, grey: Buffer.alloc(1 + (level % 9), level) }));
    expect(await mismatches(cases)).toEqual([]);
  });

  it('gives byte for byte what the former implementation gives, on 2,000 random histograms', { timeout: 120_000 }, async () => {
    const cases = randomCases(2_000, seeded(20_261_206));
    expect(await mismatches(cases)).toEqual([]);
    // The cases reach the rare stretches: none, from black, short of white, and the upper
    // percentile past the highest lightness, which the float scaling of a few totals gives.
    const lightness = await greyLightness();
    const stretches = cases.map(({ grey }) => stretchOf(sampleCounts(countLevels(grey), grey.length), lightness));
    const seen = (what: (stretch: Stretch) => boolean) => stretches.filter(what).length;
    expect(seen(({ min, max }) => max - min <= 1)).toBeGreaterThan(100);
    expect(seen(({ min, max }) => min === 0 && max - min > 1)).toBeGreaterThan(50);
    expect(seen(({ top, max }) => top < 100 && max - top === 1)).toBeGreaterThan(100);
    expect(seen(({ top, max }) => top === 100 && max === 101)).toBeGreaterThan(10);
  });

  it('keeps apart stretches that differ only in the highest lightness present', async () => {
    // {min 11, max 100, top 99}, then the same with one white pixel (top 100): a table cached for
    // the first holds no level above 253, so white would come out black if `top` left the key.
    // A module of its own: the tests before may have cached this stretch already.
    vi.resetModules();
    const fresh = await import('./grey-normalise.ts');
    const image = (last: number) => Buffer.from([...Array<number>(1_000).fill(128), ...Array<number>(100).fill(30), last]);
    for (const last of [253, 255]) {
      expect((await fresh.normaliseGrey(image(last))).equals(await formerNormaliseGrey(image(last)))).toBe(true);
    }
  });

  it('rounds the divided counts as the former implementation did, where rounding down would differ', async () => {
    // 262,144 pixels halve to the sample: 5,243 black round to 2,622 (min 0), rounded down 2,621 (min 53).
    for (const black of [5_242, 5_243]) {
      const grey = Buffer.alloc(262_144, 128);
      grey.fill(0, 0, black);
      grey[grey.length - 1] = 255;
      expect((await normaliseGrey(grey)).equals(await formerNormaliseGrey(grey))).toBe(true);
    }
  });

  it('asks sharp again after a failed first call, instead of failing for the worker\'s life', async () => {
    vi.resetModules();
    const fresh = await import('./grey-normalise.ts');
    const failOnce = vi.spyOn(sharp.prototype, 'toBuffer').mockRejectedValueOnce(new Error('transient vips failure'));
    try {
      const dull = Buffer.from(Array.from({ length: 10_000 }, (_, i) => 100 + (i % 41)));
      await expect(fresh.normaliseGrey(dull)).rejects.toThrow('transient vips failure');
      expect((await fresh.normaliseGrey(dull)).equals(await formerNormaliseGrey(dull))).toBe(true);
    } finally {
      failOnce.mockRestore();
    }
  });

  it('counts the levels of images at any byte offset and of any length', () => {
    const random = seeded(5);
    const bytes = Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
    for (let offset = 0; offset < 4; offset++) {
      for (let length = 0; offset + length <= 40; length++) {
        const grey = bytes.subarray(offset, offset + length);
        const expected = new Uint32Array(256);
        for (const level of grey) expected[level]! += 1;
        expect(countLevels(grey)).toEqual(expected);
      }
    }
  });

  it('has a small probe image for every stretch a histogram can give', async () => {
    // The upper percentile is the highest lightness + 1 (above 99% of the bins' scale nothing is)
    // except at lightness 100, where it is 100 or, after the float scaling, 101. The lower one is
    // anything up to it; but at top lightness 1 it is never 0 (that takes every pixel at 0).
    const lightness = await greyLightness();
    const stretches: Stretch[] = [];
    for (let top = 2; top <= 100; top++) {
      for (const max of top === 100 ? [100, 101] : [top + 1]) {
        for (let min = 0; min < max - 1; min++) stretches.push({ min, max, top });
      }
    }
    const missing = stretches.filter((stretch) => {
      const probe = probeFor(stretch, lightness);
      return !probe || probe.reduce((sum, count) => sum + count, 0) > 33_000;
    });
    expect(missing).toEqual([]);
  });
});
