/**
 * `npm run eval:duplicates [-- --fixtures DIR] [--json]`: calibrates the near-duplicate threshold.
 * Makes re-encoded, resized, cropped and messenger-style copies of every judged photo and shared
 * fixture, hashes them as the pipeline does (analyzeImage), and prints, per kind of copy, the
 * Hamming distances to the original; over every pair of distinct photos, the closest distances; and
 * the true-match and false-match rates at the shipped threshold (NEAR_DUPLICATE_MAX_DISTANCE).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { analyzeImage } from '../../functions/process-image/analysis/analyze-image.ts';
import { NEAR_DUPLICATE_MAX_DISTANCE } from '../../functions/process-image/near-duplicates.ts';
import { DEFAULTS, thumbnailSpecs } from '../../functions/shared/config.ts';
import { DEFAULT_SHARED_FIXTURES } from './judged-set.ts';
import { COPY_KINDS, calibrate, chooseThreshold, ratesAt } from './near-duplicate-copies.ts';

const options = new Command()
  .option('--fixtures <dir>', 'the shared fixture photos', DEFAULT_SHARED_FIXTURES)
  .option('--json', 'print only the JSON summary')
  .parse()
  .opts<{ fixtures: string; json?: boolean }>();

const JUDGED_PHOTOS = fileURLToPath(new URL('./judged/photos/', import.meta.url));
const IMAGE = /\.(jpe?g|png|webp)$/i;
const photoFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => IMAGE.test(name)).map((name) => join(dir, name)) : []);
const files = [...photoFiles(JUDGED_PHOTOS), ...photoFiles(options.fixtures)];
if (!photoFiles(options.fixtures).length) console.error(`no photos in ${options.fixtures} (--fixtures): judged photos only`);

const analysisOptions = { maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) };
const calibration = await calibrate(
  files.map((file) => ({ name: file.slice(file.lastIndexOf('/') + 1), bytes: readFileSync(file) })),
  async (bytes) => (await analyzeImage(bytes, analysisOptions)).perceptualHash,
);

const rates = ratesAt(calibration, NEAR_DUPLICATE_MAX_DISTANCE);
const perKind = COPY_KINDS.map(({ name }) => {
  const distances = calibration.copies.filter((copy) => copy.kind === name).map((copy) => copy.distance);
  return {
    kind: name,
    max: Math.max(...distances),
    mean: Number((distances.reduce((a, b) => a + b, 0) / distances.length).toFixed(2)),
    matched: distances.filter((d) => d <= NEAR_DUPLICATE_MAX_DISTANCE).length,
    of: distances.length,
  };
});
const closestDistinct = [...calibration.distinct].sort((a, b) => a.distance - b.distance).slice(0, 5);
const summary = {
  photos: files.length,
  copies: calibration.copies.length,
  distinctPairs: calibration.distinct.length,
  threshold: NEAR_DUPLICATE_MAX_DISTANCE,
  trueMatchRate: Number(rates.trueMatchRate.toFixed(4)),
  falseMatchRate: Number(rates.falseMatchRate.toFixed(4)),
  suggestedThreshold: chooseThreshold(calibration, 2),
  sweep: [4, 6, 8, 10, 12].map((threshold) => ratesAt(calibration, threshold)),
  closestDistinct,
  perKind,
};

if (!options.json) {
  console.log(`${files.length} photos, ${calibration.copies.length} copies, ${calibration.distinct.length} distinct pairs\n`);
  console.log('copy kind               max  mean  within threshold');
  for (const row of perKind) console.log(`${row.kind.padEnd(22)} ${String(row.max).padStart(4)} ${String(row.mean).padStart(5)}  ${row.matched}/${row.of}`);
  console.log(`\nclosest distinct pairs: ${closestDistinct.map((p) => `${p.a} ~ ${p.b}: ${p.distance}`).join('; ')}`);
  for (const row of summary.sweep) {
    console.log(`at ${String(row.threshold).padStart(2)}: true-match ${(row.trueMatchRate * 100).toFixed(1)}%, false-match ${(row.falseMatchRate * 100).toFixed(2)}%`);
  }
  console.log(`threshold ${NEAR_DUPLICATE_MAX_DISTANCE}: true-match rate ${(rates.trueMatchRate * 100).toFixed(1)}%, false-match rate ${(rates.falseMatchRate * 100).toFixed(2)}%\n`);
}
console.log(JSON.stringify(summary));
