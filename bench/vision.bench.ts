/**
 * `npm run bench:vision`: the local Rekognition stand-in (local/rekognition) with its real models.
 *   - Photos of 1, 2 and 4 MP: the 4 MP fixture (ColorfulCups, 2560x1600) resized with sharp, JPEG q85.
 *   - "labels+faces+moderation": the three calls the processing function makes at once for one
 *     image, through the real RekognitionClient with Image.Bytes; latency until all three answer.
 *     "ocr": DetectText alone. Each sequentially (median, p95), then 4 images in flight (throughput).
 *   - With 1 and 2 workers; the service runs alone in a child process: peak RSS (VmHWM) and
 *     time to ready (models loaded and warm) are its own.
 *   - Baseline in the same run: sharp decoding the same JPEG and resizing it to 1024 px, which
 *     the pipeline does for its thumbnails anyway; vision latency is reported as a ratio to it.
 * Goal (the issue's): median labels+faces+moderation <= 400 ms on a 2 MP photo, at the default
 * of one worker per core (2 here).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { DetectFacesCommand, DetectLabelsCommand, DetectModerationLabelsCommand, DetectTextCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/config.ts';
import { median, percentile } from './process/stats.ts';
import { printReport, round } from './report.ts';
import { startServiceProcess } from './vision/service.ts';

const SOURCE = new URL('../local/rekognition/fixtures/ColorfulCups_2560x1600.jpg', import.meta.url);
const MEGAPIXELS = [1, 2, 4];
const WORKERS = [1, 2];
const RUNS = { detect: 10, ocr: 5 };
const IN_FLIGHT = 4;
const THROUGHPUT_IMAGES = { detect: 12, ocr: 6 };
const GOAL_MS = 400;

type Operation = 'labels+faces+moderation' | 'ocr';

const source = await readFile(SOURCE);
const { width = 0, height = 0 } = await sharp(source).metadata();
const photos = await Promise.all(
  MEGAPIXELS.map(async (mp) => {
    const scale = Math.sqrt((mp * 1_000_000) / (width * height));
    const bytes = await sharp(source).resize(Math.round(width * scale), Math.round(height * scale)).jpeg({ quality: 85 }).toBuffer();
    return { mp, bytes };
  }),
);

/** The baseline: decode + resize to 1024 px with sharp, per photo, median of 10 after 2 warm-ups. */
const baselineMs = new Map<number, number>();
for (const { mp, bytes } of photos) {
  const samples: number[] = [];
  for (let i = 0; i < 12; i++) {
    const start = performance.now();
    await sharp(bytes).resize(1024, 1024, { fit: 'inside' }).raw().toBuffer();
    if (i >= 2) samples.push(performance.now() - start);
  }
  baselineMs.set(mp, median(samples));
}

const rows: (string | number)[][] = [];
const figures: Record<string, number | string> = { cores: availableParallelism() };
for (const workers of WORKERS) {
  const service = await startServiceProcess(workers);
  figures[`ready_ms_${workers}w`] = round(service.readyMs);
  figures[`listen_ms_${workers}w`] = round(service.listenMs);
  // Standard retries as the pipeline's client, but no 15 s timeout: requests queue by design here.
  const client = new RekognitionClient({
    endpoint: service.url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    retryMode: 'standard',
    maxAttempts: 3,
  });
  const call = (operation: Operation, Bytes: Uint8Array): Promise<unknown> =>
    operation === 'ocr'
      ? client.send(new DetectTextCommand({ Image: { Bytes } }))
      : Promise.all([
          client.send(new DetectLabelsCommand({ Image: { Bytes }, MinConfidence: 70, MaxLabels: 50 })),
          client.send(new DetectModerationLabelsCommand({ Image: { Bytes } })),
          client.send(new DetectFacesCommand({ Image: { Bytes }, Attributes: ['EMOTIONS'] })),
        ]);
  try {
    for (const operation of ['labels+faces+moderation', 'ocr'] as const) {
      for (const { mp, bytes } of photos) {
        await call(operation, bytes);
        const runs = operation === 'ocr' ? RUNS.ocr : RUNS.detect;
        const samples: number[] = [];
        for (let i = 0; i < runs; i++) {
          const start = performance.now();
          await call(operation, bytes);
          samples.push(performance.now() - start);
        }
        const images = operation === 'ocr' ? THROUGHPUT_IMAGES.ocr : THROUGHPUT_IMAGES.detect;
        let next = 0;
        const start = performance.now();
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (next++ < images) await call(operation, bytes);
          }),
        );
        const perSecond = images / ((performance.now() - start) / 1000);
        const mid = median(samples);
        const key = `${operation === 'ocr' ? 'ocr' : 'detect'}_${mp}mp_${workers}w`;
        figures[`${key}_median_ms`] = round(mid);
        figures[`${key}_p95_ms`] = round(percentile(samples, 95));
        figures[`${key}_images_per_s`] = round(perSecond);
        rows.push([workers, `${mp} MP`, operation, round(mid), round(percentile(samples, 95)), round(perSecond), round(mid / (baselineMs.get(mp) ?? 1))]);
      }
    }
    figures[`peak_rss_mb_${workers}w`] = round(service.peakRssMb());
  } finally {
    client.destroy();
    await service.stop();
  }
}
for (const { mp } of photos) figures[`baseline_${mp}mp_ms`] = round(baselineMs.get(mp) ?? 0);

const goalValue = Number(figures['detect_2mp_2w_median_ms']);
printReport(
  { benchmark: 'bench:vision', figures, goals: [{ name: 'median labels+faces+moderation, 2 MP, 2 workers (ms)', value: goalValue, max: GOAL_MS }] },
  rows,
  ['workers', 'photo', 'operation', 'median ms', 'p95 ms', `images/s (${IN_FLIGHT} in flight)`, 'x baseline'],
  [
    `Baseline (sharp decode + resize to 1024 px): ${photos.map(({ mp }) => `${mp} MP ${round(baselineMs.get(mp) ?? 0)} ms`).join(', ')}`,
    ...WORKERS.map((w) => `${w} worker(s): listening after ${figures[`listen_ms_${w}w`]} ms, ready after ${figures[`ready_ms_${w}w`]} ms, peak RSS ${figures[`peak_rss_mb_${w}w`]} MB`),
  ],
);
