/**
 * sharp's `normalise()` for a greyscale image, at a fraction of its cost. sharp converts every pixel
 * to LAB and back to stretch the lightness between its 1st and 99th percentiles (libvips'
 * `percent`, in whole L units): about 80 ms of the 110 ms it takes to prepare a 1600 px OCR input.
 * On a greyscale image that stretch sends each grey level to one output level and depends only on
 * the two percentiles. They are computed here as libvips computes them, from the level counts of
 * the image divided down to a 131,072-pixel sample (what the output has always been defined by);
 * the 256 output levels of each stretch are asked of sharp once per worker, from a small image with
 * every level and the same percentiles, and kept. Pixel for pixel the same as sharp's own on the 37
 * photos compared (judged photos and fixtures, at their size and at 1600 px) and as the former
 * implementation (sharp on the whole sample, every call) on thousands of histograms
 * (grey-normalise.test.ts). CPU per 1600 px pass: 3.3 ms where that took 23; 7.5 ms for a stretch
 * not met before; 18 ms for a worker's first call (45 before).
 */
import sharp from 'sharp';

const LEVELS = 256;
/** The sample's size: the image's level counts are divided down to about this many pixels. */
const SAMPLE_PIXELS = 131_072;
/** The percentiles sharp's `normalise()` stretches between, by default. */
const LOWER_PERCENT = 1;
const UPPER_PERCENT = 99;
/** Probe sizes tried, smallest (cheapest for sharp) first, each with up to PROBE_NUDGES pixels more. */
const PROBE_SIZES = [1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, SAMPLE_PIXELS];
const PROBE_NUDGES = 512;

/** What a stretch depends on: the two lightness percentiles, and the highest lightness present. */
export interface Stretch {
  min: number;
  max: number;
  top: number;
}

/** Each grey level's lightness as libvips' percent sees it: LAB L (0-100) truncated to an integer. */
let lightnessOnce: Promise<Uint8Array> | undefined;
/** The table of each stretch met, by `keyOf`: at most about 101 x 103 of 256 bytes. */
const tables = new Map<number, Uint8Array>();
const IDENTITY = Uint8Array.from({ length: LEVELS }, (_, level) => level);

/** `grey` (one byte per pixel) normalised as sharp's `normalise()` would; a new buffer. */
export async function normaliseGrey(grey: Uint8Array): Promise<Buffer> {
  // Asked before the pixel loop: sharp answers on its own threads meanwhile.
  const lightness = greyLightness();
  const sample = sampleCounts(countLevels(grey), grey.length);
  const table = await tableFor(sample, await lightness);
  const normalised = bufferAlignedLike(grey);
  applyTable(grey, table, normalised);
  return normalised;
}

/**
 * Every level's count divided by one factor, so that the sample has about SAMPLE_PIXELS pixels; a
 * level present stays present, however rare: the extremes decide the stretch.
 */
export function sampleCounts(histogram: Uint32Array, pixels: number): Float64Array {
  const divisor = Math.max(1, pixels / SAMPLE_PIXELS);
  return Float64Array.from(histogram, (count) => (count > 0 ? Math.max(1, Math.round(count / divisor)) : 0));
}

/**
 * The stretch sharp's `normalise()` gives an image with these counts per grey level, computed as
 * libvips' `percent` computes it on the L band: `hist_find` (the float L cast to ushort, i.e.
 * truncated; as many bins as the highest value + 1), `hist_cum`, `hist_norm` (scaled by
 * top / total, a float `linear`, cast to uchar), `more_const1` (above percent / 100 x bins) and
 * `profile` (the first bin above, or the number of bins).
 */
export function stretchOf(counts: ArrayLike<number>, lightness: Uint8Array): Stretch {
  const perLightness = new Float64Array(101);
  for (let level = 0; level < LEVELS; level++) perLightness[lightness[level]!]! += counts[level]!;
  let top = 0;
  perLightness.forEach((count, value) => {
    if (count > 0) top = value;
  });
  const cumulative = new Float64Array(top + 1);
  let total = 0;
  for (let value = 0; value <= top; value++) cumulative[value] = total += perLightness[value]!;
  const scale = Math.fround(top / total);
  const percent = (percentage: number) => {
    const above = (percentage / 100) * (top + 1);
    const at = cumulative.findIndex((count) => Math.trunc(Math.fround(scale * count)) > above);
    return at < 0 ? top + 1 : at;
  };
  return { min: percent(LOWER_PERCENT), max: percent(UPPER_PERCENT), top };
}

/**
 * Counts per level of a small image that has every level up to lightness `top` (all an image of
 * this stretch can hold) and this stretch, or undefined if none of the sizes tried has it: all
 * but one pixel per level at the lower percentile's lightness, whose share then decides it.
 */
export function probeFor(stretch: Stretch, lightness: Uint8Array): Uint32Array | undefined {
  const levels = lightness.findLastIndex((value) => value <= stretch.top) + 1;
  const atMin = lightness.indexOf(stretch.min);
  for (const size of PROBE_SIZES) {
    for (let nudge = 0; nudge < PROBE_NUDGES; nudge++) {
      const probe = new Uint32Array(LEVELS).fill(1, 0, levels);
      probe[atMin] = size + nudge - levels + 1;
      const found = stretchOf(probe, lightness);
      // The lower percentile needs a larger probe; the upper one, at top 100, a total that the
      // float scaling rounds the same way (1 in 20 totals: 100 / total x total < 100).
      if (found.min !== stretch.min || found.top !== stretch.top) break;
      if (found.max === stretch.max) return probe;
    }
  }
  return undefined;
}

/** The output level of each grey level an image with the `sample`'s counts can hold. */
async function tableFor(sample: Float64Array, lightness: Uint8Array): Promise<Uint8Array> {
  const stretch = stretchOf(sample, lightness);
  // sharp returns the image untouched when the percentiles are this close.
  if (Math.abs(stretch.max - stretch.min) <= 1) return IDENTITY;
  const key = keyOf(stretch);
  const known = tables.get(key);
  if (known) return known;
  // The probe is checked against this file's model of libvips' percent, not against sharp: the
  // comparisons with sharp's own normalise() in the test are what catch a libvips that changes it.
  const probe = probeFor(stretch, lightness);
  // Not expected (the test finds a probe for every stretch a histogram can give): the sample itself
  // gives this image's levels exactly, as before, but not the others', so is not kept.
  if (!probe) return levelsBySharp(sample);
  const table = await levelsBySharp(probe);
  tables.set(key, table);
  return table;
}

const keyOf = ({ min, max, top }: Stretch) => (min * 103 + max) * 101 + top;

/** sharp's `normalise()` of a 1-row image with these counts per level: its output level for each level present. */
async function levelsBySharp(counts: ArrayLike<number>): Promise<Uint8Array> {
  const firstAt = new Int32Array(LEVELS).fill(-1);
  let pixels = 0;
  for (let level = 0; level < LEVELS; level++) {
    if (counts[level]! > 0) firstAt[level] = pixels;
    pixels += counts[level]!;
  }
  const image = Buffer.alloc(pixels);
  firstAt.forEach((at, level) => {
    if (at >= 0) image.fill(level, at, at + counts[level]!);
  });
  const { data, info } = await sharp(image, { raw: { width: pixels, height: 1, channels: 1 } })
    .normalise()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const table = new Uint8Array(LEVELS);
  firstAt.forEach((at, level) => {
    if (at >= 0) table[level] = data[at * info.channels]!;
  });
  return table;
}

/** Each grey level's LAB L truncated, as libvips converts a B_W image to LAB; asked of sharp once per process. */
export function greyLightness(): Promise<Uint8Array> {
  // A failure is not kept: the next call asks again instead of failing for the worker's life.
  return (lightnessOnce ??= lightnessBySharp().catch((error: unknown) => {
    lightnessOnce = undefined;
    throw error;
  }));
}

async function lightnessBySharp(): Promise<Uint8Array> {
  const { data, info } = await sharp(IDENTITY, { raw: { width: LEVELS, height: 1, channels: 1 } })
    .toColourspace('lab')
    .raw({ depth: 'float' })
    .toBuffer({ resolveWithObject: true });
  const lab = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
  return Uint8Array.from({ length: LEVELS }, (_, level) => Math.max(0, Math.trunc(lab[level * info.channels]!)));
}

/**
 * The pixel loops below each run in a function of their own, with the same argument types on every
 * call: V8 optimises them once and keeps them optimised (one loop inside a function called once per
 * image was compiled on the stack and thrown away on most calls). They read and write 4 pixels at
 * a time, through 32-bit views: half the CPU of a byte at a time.
 */

/** The number of pixels at each level. */
export function countLevels(grey: Uint8Array): Uint32Array {
  // 8 histograms, one per byte of a pair of words: runs of one level do not wait on one counter.
  const counts = new Uint32Array(LANES * LEVELS);
  const head = Math.min(grey.length, -grey.byteOffset & 3);
  const words = wordsOf(grey, head);
  countBytes(grey, 0, head, counts);
  countWords(words, counts);
  countBytes(grey, head + 4 * words.length, grey.length, counts);
  const histogram = new Uint32Array(LEVELS);
  for (let lane = 0; lane < LANES; lane++) {
    for (let level = 0; level < LEVELS; level++) histogram[level]! += counts[lane * LEVELS + level]!;
  }
  return histogram;
}

const LANES = 8;

/** The whole pairs of 32-bit words of `bytes` from `head` on (an aligned offset whenever there is one). */
function wordsOf(bytes: Uint8Array, head: number): Uint32Array {
  const words = ((bytes.length - head) >>> 3) * 2;
  return words > 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset + head, words) : new Uint32Array(0);
}

function countBytes(grey: Uint8Array, from: number, to: number, counts: Uint32Array): void {
  for (let i = from; i < to; i++) counts[grey[i]!]! += 1;
}

function countWords(words: Uint32Array, counts: Uint32Array): void {
  for (let i = 0; i < words.length; i += 2) {
    const first = words[i]!;
    const second = words[i + 1]!;
    counts[first & 0xff]! += 1;
    counts[LEVELS + ((first >>> 8) & 0xff)]! += 1;
    counts[2 * LEVELS + ((first >>> 16) & 0xff)]! += 1;
    counts[3 * LEVELS + (first >>> 24)]! += 1;
    counts[4 * LEVELS + (second & 0xff)]! += 1;
    counts[5 * LEVELS + ((second >>> 8) & 0xff)]! += 1;
    counts[6 * LEVELS + ((second >>> 16) & 0xff)]! += 1;
    counts[7 * LEVELS + (second >>> 24)]! += 1;
  }
}

/** A new buffer as long as `grey`, at the same byte offset modulo 4, so that both have the same whole words. */
function bufferAlignedLike(grey: Uint8Array): Buffer {
  const offset = grey.byteOffset & 3;
  return Buffer.allocUnsafeSlow(grey.length + offset).subarray(offset);
}

/** `out[i] = table[grey[i]]`; `out` at the same byte offset modulo 4 as `grey`. */
function applyTable(grey: Uint8Array, table: Uint8Array, out: Uint8Array): void {
  const head = Math.min(grey.length, -grey.byteOffset & 3);
  const words = wordsOf(grey, head);
  applyBytes(grey, table, out, 0, head);
  applyWords(words, table, wordsOf(out, head));
  applyBytes(grey, table, out, head + 4 * words.length, grey.length);
}

function applyBytes(grey: Uint8Array, table: Uint8Array, out: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = table[grey[i]!]!;
}

/** Each byte of a word through the table, in place: the same on either byte order. */
function applyWords(grey: Uint32Array, table: Uint8Array, out: Uint32Array): void {
  for (let i = 0; i < grey.length; i++) {
    const word = grey[i]!;
    out[i] = table[word & 0xff]! | (table[(word >>> 8) & 0xff]! << 8) | (table[(word >>> 16) & 0xff]! << 16) | (table[word >>> 24]! << 24);
  }
}
