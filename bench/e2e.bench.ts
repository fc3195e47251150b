/**
 * `npm run bench:e2e`: the whole local pipeline, measured as a user meets it. `npm start` runs in
 * its own process (as the e2e tests run it); a signed-up user subscribes to onImageProcessed,
 * asks requestUpload, POSTs a photo to the presigned URL, and waits for the PROCESSED event.
 *   - Latency with the offline vision models, as issue 17 sets its goal: a closed loop of
 *     LATENCY_IN_FLIGHT (4) uploads in flight, each slot doing requestUpload, the POST and the wait
 *     for its event, then starting the next; LATENCY_WARMUP uploads first, then LATENCY_UPLOADS
 *     measured (p95 is the 95th of 100, not the slowest but one of 20), and the slots keep uploading
 *     until the last measured event, so every measured upload has 3 others in flight throughout.
 *     Photos of 2 to 12 MP (e2e/photos.ts), one size class after the other in a fixed order: 2 MP,
 *     the real 4 MP photos, 8 MP and 12 MP camera-sized ones stitched from them.
 *     Gated: from the end of the POST (its 204) to the event. Also reported: from the start of
 *     requestUpload (the ticket the web app asks for before every file) to the event, requestUpload
 *     and the POST alone; p50 and p95 overall, p50 per size class.
 *   - Latency with lite vision (a second cloud), for context: 2 MP, one upload at a time.
 *   - Every upload is a different file (a JPEG comment makes it unique, see unique-jpeg.ts): the
 *     vision service's detection cache and the duplicate check never see the same bytes twice.
 *   - Throughput: 500 uploads of 2 MP with lite vision, THROUGHPUT_IN_FLIGHT at a time (requestUpload
 *     + POST each), from the first request to the last PROCESSED event; nothing may be lost: every
 *     upload gets exactly one PROCESSED event and exactly one PROCESSED document in the index.
 *   - Baselines in the same run, to read the figures as ratios and to see where the time goes:
 *     the processing core alone (analyzeImage on the same photos, per size class, in this process),
 *     the POST alone (S3's 204), and the vision calls alone (the pipeline's own detectImageContent
 *     against the cloud's vision endpoint, on the same photos stored again with bytes of their own,
 *     since the uploaded ones are in the vision service's detection cache; one call at a time).
 * Goals (set by issue 17 for this machine, 2 cores): with the vision models, 4 uploads in flight,
 * photos of 2-12 MP, end of POST to event p50 <= 1.5 s and p95 <= 3 s; >= 10 images/s sustained
 * over 500 uploads with lite vision, nothing lost or doubled.
 */
import { availableParallelism, loadavg } from 'node:os';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { analyzeImage } from '../functions/process-image/analysis/analyze-image.ts';
import { createRekognitionClient, detectImageContent } from '../functions/process-image/image-vision.ts';
import { DEFAULTS, thumbnailSpecs } from '../functions/shared/config.ts';
import { createS3Client } from '../functions/shared/s3-client.ts';
import { DEFAULT_SETTINGS } from '../infra/stack-props.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../infra/stack-outputs.ts';
import { LOCAL_CREDENTIALS } from '../local/config.ts';
import { notProcessedOnce, queueDepths, waitFor } from '../local/e2e/probes.ts';
import { postUpload, requestUpload } from '../local/e2e/uploads.ts';
import { type BenchPhoto, type SizeClass, TWO_MP, mixedPhotos, twoMegapixelPhotos } from './e2e/photos.ts';
import { cpuBetween, sampleProcessTree } from './e2e/process-cpu.ts';
import { BenchSession, type TimedUpload } from './e2e/session.ts';
import { median, percentile } from './process/stats.ts';
import { printReport, round } from './report.ts';
import { uniqueJpeg } from './unique-jpeg.ts';

const LATENCY_WARMUP = 8;
const LATENCY_UPLOADS = 100;
const LATENCY_IN_FLIGHT = 4;
const LITE_WARMUP = 3;
const LITE_LATENCY_UPLOADS = 50;
const THROUGHPUT_UPLOADS = 500;
const THROUGHPUT_IN_FLIGHT = 8;
/** analyzeImage runs per size class (each photo of the class in turn): 3 runs of the ten 2 MP photos. */
const CORE_SAMPLES_PER_CLASS = 30;
const THROUGHPUT_WAIT_MS = 300_000;
const GOALS = { postToEventP50Ms: 1_500, postToEventP95Ms: 3_000, imagesPerSecond: 10 } as const;

interface Timings {
  p50: number;
  p95: number;
}
const timings = (samples: number[]): Timings => ({ p50: median(samples), p95: percentile(samples, 95) });
const ms = (value: number) => `${value.toFixed(0)} ms`;
const meanMb = (photos: BenchPhoto[]) => photos.reduce((sum, photo) => sum + photo.bytes.length, 0) / photos.length / 1024 / 1024;
const cycled = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;
const loadAverage = () => loadavg()[0] ?? 0;

const loadAtStart = loadAverage();
const twoMp = await twoMegapixelPhotos();
const sizeClasses = await mixedPhotos(twoMp);
let uploadsMade = 0;
/** The photo as bytes no other upload of this run had. */
const unique = (photo: BenchPhoto): BenchPhoto => ({ name: photo.name, bytes: uniqueJpeg(photo.bytes, `bench:e2e upload ${(uploadsMade += 1)}`) });
/** The i-th upload of lite latency and throughput: the 2 MP photos in turn. */
const twoMpAt = (i: number) => cycled(twoMp, i);
/** The i-th upload of the mix: one size class after the other, each class's photos in turn. */
const classAt = (i: number) => cycled(sizeClasses, i);
const mixedAt = (i: number) => cycled(classAt(i).photos, Math.floor(i / sizeClasses.length));

// Baseline: the processing core alone, as the function calls it, on the same photos, per size class.
const analysisOptions = { maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) };
await analyzeImage(cycled(twoMp, 0).bytes, analysisOptions);
const coreByClass = new Map<SizeClass, Timings>();
for (const sizeClass of sizeClasses) {
  const samples: number[] = [];
  for (let i = 0; i < CORE_SAMPLES_PER_CLASS; i++) {
    const started = performance.now();
    await analyzeImage(cycled(sizeClass.photos, i).bytes, analysisOptions);
    samples.push(performance.now() - started);
  }
  coreByClass.set(sizeClass, timings(samples));
}
const coreOf = (sizeClass: SizeClass) => coreByClass.get(sizeClass) ?? timings([]);
const core = coreOf(cycled(sizeClasses, 0));

interface Sample {
  upload: TimedUpload;
  /** What was uploaded, before it was made unique. */
  photo: BenchPhoto;
  sizeClass: SizeClass;
  /** The vision calls alone on this photo. */
  visionMs: number;
}
type Measured = Omit<Sample, 'visionMs'>;

interface LatencyRun {
  postToEvent: Timings;
  requestToEvent: Timings;
  request: Timings;
  post: Timings;
  vision: Timings;
}
const latencyRun = (samples: Sample[]): LatencyRun => ({
  postToEvent: timings(samples.map((s) => s.upload.postToEventMs)),
  requestToEvent: timings(samples.map((s) => s.upload.requestToEventMs)),
  request: timings(samples.map((s) => s.upload.requestMs)),
  post: timings(samples.map((s) => s.upload.postMs)),
  vision: timings(samples.map((s) => s.visionMs)),
});

/**
 * Issue 17's latency: LATENCY_IN_FLIGHT slots, each uploading (requestUpload, POST, wait for its
 * event) and then starting the next. The first LATENCY_WARMUP uploads are not measured, nor those
 * started after the measured ones, which keep the load at LATENCY_IN_FLIGHT until the last
 * measured event arrives.
 */
async function closedLoop(session: BenchSession): Promise<{ measured: Measured[]; cpuPerImage: CpuPerImage }> {
  const measured: Measured[] = [];
  const cpu = startCpuCount(session);
  let next = 0;
  const slot = async () => {
    while (measured.length < LATENCY_UPLOADS) {
      const index = next++;
      const photo = mixedAt(index);
      const upload = await session.upload(unique(photo));
      if (index >= LATENCY_WARMUP && index < LATENCY_WARMUP + LATENCY_UPLOADS) measured.push({ upload, photo, sizeClass: classAt(index) });
    }
  };
  await Promise.all(Array.from({ length: LATENCY_IN_FLIGHT }, slot));
  // Every upload started has finished: `next` images were processed while counting.
  return { measured, cpuPerImage: cpu.perImage(next) };
}

type CpuPerImage = { name: string; msPerUnit: number }[];

/** Where the CPU goes from now on, per image: each process of the local cloud, and this client. */
function startCpuCount(session: BenchSession) {
  const cloudPid = session.cloud.child.pid ?? 0;
  const before = { tree: sampleProcessTree(cloudPid), self: process.cpuUsage() };
  return {
    perImage(images: number): CpuPerImage {
      const self = process.cpuUsage(before.self);
      return [
        ...cpuBetween(before.tree, sampleProcessTree(cloudPid), images),
        { name: 'the client (this benchmark: tickets, POSTs, the WebSocket)', msPerUnit: (self.user + self.system) / 1000 / images },
      ];
    },
  };
}

/** The lite context rows: 2 MP, one upload at a time, after LITE_WARMUP. */
async function oneAtATime(session: BenchSession): Promise<Measured[]> {
  for (let i = 0; i < LITE_WARMUP; i++) await session.upload(unique(twoMpAt(i)));
  const measured: Measured[] = [];
  for (let i = 0; i < LITE_LATENCY_UPLOADS; i++) {
    const photo = twoMpAt(i);
    measured.push({ upload: await session.upload(unique(photo)), photo, sizeClass: cycled(sizeClasses, 0) });
  }
  return measured;
}

/**
 * The pipeline's own vision calls on the uploaded photos, one at a time, once the uploads are done.
 * Each is stored again as a new object with bytes of its own: the uploaded bytes are in the vision
 * service's detection cache (keyed by the bytes' hash), which would answer instead of the models.
 * The key is outside uploads/, so the pipeline does not process it.
 */
async function withVisionCalls(session: BenchSession, measured: Measured[]): Promise<Sample[]> {
  const { outputs } = session.cloud;
  const region = outputs[OUTPUT_KEYS.region] ?? DEFAULTS.region;
  const bucket = outputs[OUTPUT_KEYS.bucketName] ?? '';
  const s3 = createS3Client({ bucket, region, s3Endpoint: outputs[LOCAL_OUTPUT_KEYS.s3Endpoint] }, LOCAL_CREDENTIALS);
  const rekognition = createRekognitionClient({ region, rekognitionEndpoint: outputs[LOCAL_OUTPUT_KEYS.visionEndpoint] }, { credentials: LOCAL_CREDENTIALS });
  // As the local cloud configures the function: faces on, moderation and text as deployed.
  const visionOptions = {
    minLabelConfidence: DEFAULTS.minLabelConfidence,
    maxLabels: DEFAULTS.maxLabels,
    detectFaces: true,
    detectModeration: DEFAULT_SETTINGS.detectModeration,
    detectText: DEFAULT_SETTINGS.detectText,
  };
  const samples: Sample[] = [];
  for (const [i, item] of measured.entries()) {
    const key = `bench/vision-alone/${i}/${item.photo.name}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: unique(item.photo).bytes, ContentType: 'image/jpeg' }));
    const started = performance.now();
    await detectImageContent(rekognition, { bucket, key }, visionOptions);
    samples.push({ ...item, visionMs: performance.now() - started });
  }
  rekognition.destroy();
  s3.destroy();
  return samples;
}

/**
 * THROUGHPUT_UPLOADS as fast as the client sends them; counts what was not processed exactly once
 * (lost, doubled, failed, dead-lettered, or still not processed after THROUGHPUT_WAIT_MS: on a busy
 * machine that is a miss to report with the other figures, not a crash that loses them).
 */
async function throughput(session: BenchSession) {
  const limit = pLimit(THROUGHPUT_IN_FLIGHT);
  const cpu = startCpuCount(session);
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: THROUGHPUT_UPLOADS }, (_, i) =>
      limit(async () => {
        const photo = unique(twoMpAt(i));
        const file = { name: photo.name, type: 'image/jpeg', bytes: photo.bytes };
        const ticket = await requestUpload(session.user, file);
        const sent = await postUpload(ticket, file);
        if (sent.status !== 204) throw new Error(`upload ${i} refused: HTTP ${sent.status} ${sent.body}`);
        return ticket.imageId;
      }),
    ),
  );
  const uploadedMs = performance.now() - started;
  const { outputs } = session.cloud;
  await waitFor(`${ids.length} PROCESSED events`, () => ids.every((id) => session.processed.has(id)), THROUGHPUT_WAIT_MS).catch((error: unknown) => console.error(String(error)));
  const processed = ids.filter((id) => session.processed.has(id));
  const cpuPerImage = cpu.perImage(ids.length);
  const lastEvent = Math.max(...processed.map((id) => session.processed.get(id)?.at ?? 0));
  const seconds = (lastEvent - started) / 1000;
  // Nothing lost or doubled: one event each, one PROCESSED document each, queues empty.
  const notOneEvent = ids.filter((id) => session.processed.get(id)?.count !== 1);
  const notOnce = await notProcessedOnce(outputs, ids);
  const depths = await queueDepths(outputs);
  const notExactlyOnce = new Set([...notOneEvent, ...notOnce]).size + depths.deadLetters + session.failed.length;
  if (notExactlyOnce > 0) console.error(`bench:e2e: not processed exactly once: ${JSON.stringify({ notOneEvent, notOnce, depths, failed: session.failed })}`);
  return { imagesPerSecond: processed.length / seconds, seconds, uploadSeconds: uploadedMs / 1000, notExactlyOnce, cpuPerImage };
}

const withModels = await BenchSession.start('models');
const { modelSamples, modelsCpuPerImage } = await closedLoop(withModels)
  .then(async ({ measured, cpuPerImage }) => ({ modelSamples: await withVisionCalls(withModels, measured), modelsCpuPerImage: cpuPerImage }))
  .finally(() => withModels.close());
const loadAfterModels = loadAverage();
const lite = await BenchSession.start('lite');
const liteSamples = await oneAtATime(lite).then((measured) => withVisionCalls(lite, measured));
const sustained = await throughput(lite).finally(() => lite.close());
const cpuTotal = (rows: { msPerUnit: number }[]) => rows.reduce((sum, row) => sum + row.msPerUnit, 0);
/** The table's rows for one phase's CPU per image: the total, what it allows, and each process. */
const cpuRows = (rows: CpuPerImage) => [
  ['  CPU per image, all processes', '', '', '', `${cpuTotal(rows).toFixed(0)} ms: at most ${((availableParallelism() * 1000) / cpuTotal(rows)).toFixed(1)} images/s on ${availableParallelism()} busy cores`],
  ...rows.map(({ name, msPerUnit }) => [`    ${name}`, '', '', '', `${msPerUnit.toFixed(1)} ms CPU per image`]),
];

const models = latencyRun(modelSamples);
const modelsByClass = sizeClasses.map((sizeClass) => {
  const samples = modelSamples.filter((sample) => sample.sizeClass === sizeClass);
  return { sizeClass, uploads: samples.length, run: latencyRun(samples), core: coreOf(sizeClass) };
});
const liteLatency = latencyRun(liteSamples);
/** What is neither the core nor the vision calls between the POST's 204 and the event. */
const rest = (run: LatencyRun, classCore: Timings) => run.postToEvent.p50 - classCore.p50 - run.vision.p50;
const loadAtEnd = loadAverage();
const classLabel = (sizeClass: SizeClass) => `${sizeClass.name} ${sizeClass.width}x${sizeClass.height}`;

printReport(
  {
    benchmark: 'bench:e2e',
    figures: {
      photos: twoMp.length,
      photoPixels: TWO_MP.width * TWO_MP.height,
      photoMeanMb: round(meanMb(twoMp)),
      mixSizeClasses: sizeClasses.map((sizeClass) => `${classLabel(sizeClass)} x${sizeClass.photos.length}`).join(', '),
      latencyUploads: LATENCY_UPLOADS,
      latencyWarmup: LATENCY_WARMUP,
      latencyInFlight: LATENCY_IN_FLIGHT,
      visionPostToEventP50Ms: round(models.postToEvent.p50),
      visionPostToEventP95Ms: round(models.postToEvent.p95),
      visionRequestToEventP50Ms: round(models.requestToEvent.p50),
      visionRequestToEventP95Ms: round(models.requestToEvent.p95),
      visionRequestUploadP50Ms: round(models.request.p50),
      visionRequestUploadP95Ms: round(models.request.p95),
      visionPostP50Ms: round(models.post.p50),
      visionPostP95Ms: round(models.post.p95),
      visionCallsP50Ms: round(models.vision.p50),
      visionCallsP95Ms: round(models.vision.p95),
      ...Object.fromEntries(
        modelsByClass.flatMap(({ sizeClass, uploads, run, core: classCore }) => [
          [`uploads_${sizeClass.name}`, uploads],
          [`photoMeanMb_${sizeClass.name}`, round(meanMb(sizeClass.photos))],
          [`visionPostToEventP50Ms_${sizeClass.name}`, round(run.postToEvent.p50)],
          [`visionRequestToEventP50Ms_${sizeClass.name}`, round(run.requestToEvent.p50)],
          [`visionCallsP50Ms_${sizeClass.name}`, round(run.vision.p50)],
          [`coreP50Ms_${sizeClass.name}`, round(classCore.p50)],
        ]),
      ),
      liteLatencyUploads: LITE_LATENCY_UPLOADS,
      litePostToEventP50Ms: round(liteLatency.postToEvent.p50),
      litePostToEventP95Ms: round(liteLatency.postToEvent.p95),
      liteRequestToEventP50Ms: round(liteLatency.requestToEvent.p50),
      liteRequestToEventP95Ms: round(liteLatency.requestToEvent.p95),
      liteRequestUploadP50Ms: round(liteLatency.request.p50),
      litePostP50Ms: round(liteLatency.post.p50),
      liteCallsP50Ms: round(liteLatency.vision.p50),
      coreP50Ms: round(core.p50),
      coreP95Ms: round(core.p95),
      litePostToEventToCoreP50: round(liteLatency.postToEvent.p50 / core.p50),
      liteRequestToEventToPostP50: round(liteLatency.requestToEvent.p50 / liteLatency.post.p50),
      throughputUploads: THROUGHPUT_UPLOADS,
      throughputInFlight: THROUGHPUT_IN_FLIGHT,
      imagesPerSecond: round(sustained.imagesPerSecond),
      ...Object.fromEntries(sustained.cpuPerImage.map(({ name, msPerUnit }) => [`throughputCpuMsPerImage ${name}`, round(msPerUnit)])),
      throughputCpuMsPerImageTotal: round(cpuTotal(sustained.cpuPerImage)),
      ...Object.fromEntries(modelsCpuPerImage.map(({ name, msPerUnit }) => [`visionCpuMsPerImage ${name}`, round(msPerUnit)])),
      visionCpuMsPerImageTotal: round(cpuTotal(modelsCpuPerImage)),
      notExactlyOnce: sustained.notExactlyOnce,
      throughputSeconds: round(sustained.seconds),
      uploadSeconds: round(sustained.uploadSeconds),
      coreImagesPerSecondOneCore: round(1000 / core.p50),
      loadAverage1mAtStart: round(loadAtStart),
      loadAverage1mAfterModelsLatency: round(loadAfterModels),
      loadAverage1m: round(loadAtEnd),
    },
    goals: [
      { name: `end of POST to event p50, vision models, ${LATENCY_IN_FLIGHT} in flight, 2-12 MP (ms)`, value: models.postToEvent.p50, max: GOALS.postToEventP50Ms },
      { name: `end of POST to event p95, vision models, ${LATENCY_IN_FLIGHT} in flight, 2-12 MP (ms)`, value: models.postToEvent.p95, max: GOALS.postToEventP95Ms },
      { name: `${GOALS.imagesPerSecond} images/s / sustained images/s, lite vision`, value: GOALS.imagesPerSecond / sustained.imagesPerSecond, max: 1 },
      { name: 'throughput uploads not processed exactly once (lost, doubled, failed, dead-lettered or late)', value: sustained.notExactlyOnce, max: 0 },
    ],
  },
  [
    [`vision models, ${LATENCY_IN_FLIGHT} in flight, 2-12 MP: end of POST -> event`, ms(models.postToEvent.p50), ms(models.postToEvent.p95), '', `${LATENCY_UPLOADS} uploads after ${LATENCY_WARMUP} warm-up, closed loop (the goal)`],
    ...modelsByClass.map(({ sizeClass, uploads, run, core: classCore }) => [
      `  ${classLabel(sizeClass)}`,
      ms(run.postToEvent.p50),
      '',
      '',
      `${uploads} uploads of ${sizeClass.photos.length} photo(s); core alone ${ms(classCore.p50)}, vision alone ${ms(run.vision.p50)}`,
    ]),
    ['  requestUpload start -> event', ms(models.requestToEvent.p50), ms(models.requestToEvent.p95), '', 'what the user waits, ticket and POST included'],
    ['  requestUpload (ticket)', ms(models.request.p50), ms(models.request.p95), '', ''],
    ['  POST to S3 (204)', ms(models.post.p50), ms(models.post.p95), '', ''],
    ['  vision calls alone', ms(models.vision.p50), ms(models.vision.p95), '', 'detectImageContent on the same photos, one at a time, models'],
    ...cpuRows(modelsCpuPerImage),
    ['lite vision, one at a time, 2 MP: end of POST -> event', ms(liteLatency.postToEvent.p50), ms(liteLatency.postToEvent.p95), '', `${LITE_LATENCY_UPLOADS} uploads after ${LITE_WARMUP} warm-up, for context`],
    ['  requestUpload start -> event', ms(liteLatency.requestToEvent.p50), ms(liteLatency.requestToEvent.p95), '', ''],
    ['  requestUpload (ticket)', ms(liteLatency.request.p50), ms(liteLatency.request.p95), '', ''],
    ['  POST to S3 (204)', ms(liteLatency.post.p50), ms(liteLatency.post.p95), '', ''],
    ['  vision calls alone', ms(liteLatency.vision.p50), ms(liteLatency.vision.p95), '', 'lite (colours only)'],
    ['baseline: analyzeImage alone, 2 MP', ms(core.p50), ms(core.p95), (1000 / core.p50).toFixed(1), `the processing core in this process, ${CORE_SAMPLES_PER_CLASS} runs over the ${twoMp.length} photos (each class alike)`],
    [`sustained, lite vision, ${THROUGHPUT_IN_FLIGHT} in flight, 2 MP`, '', '', sustained.imagesPerSecond.toFixed(1), `${THROUGHPUT_UPLOADS} uploads in ${sustained.seconds.toFixed(1)} s (all POSTed after ${sustained.uploadSeconds.toFixed(1)} s); ${sustained.notExactlyOnce} not processed exactly once`],
    ...cpuRows(sustained.cpuPerImage),
  ],
  ['measure', 'p50', 'p95', 'images/s', 'detail'],
  [
    `Photos with models, one size class after the other: ${sizeClasses.map((sizeClass) => `${classLabel(sizeClass)} (${sizeClass.photos.length}, ${meanMb(sizeClass.photos).toFixed(2)} MB mean)`).join(', ')}.`,
    `  2MP: the fixtures resized, JPEG q85; 4MP: the real 2560x1600 photos as they are; 8MP and 12MP: stitched from those (bench/process/photos.ts, never upscaled), JPEG q90. Lite and throughput: the 2MP set. Each upload made unique by a JPEG comment.`,
    `The goal's figure runs from the POST's 204 to the event; p95 is the nearest-rank 95th of ${LATENCY_UPLOADS}. With ${LATENCY_IN_FLIGHT} in flight on ${availableParallelism()} cores it includes waiting behind the other uploads.`,
    `Vision calls alone run one at a time after each latency phase: the models' own time, not their time under load.`,
    `Where the end-of-POST p50 goes with models (core + vision alone + the rest: queue, S3, index, publish, WebSocket, waiting): ${modelsByClass.map(({ sizeClass, run, core: classCore }) => `${sizeClass.name} ${ms(classCore.p50)} + ${ms(run.vision.p50)} + ${ms(rest(run, classCore))}`).join('; ')}.`,
    `With lite vision, one at a time: requestUpload ${ms(liteLatency.request.p50)}, POST ${ms(liteLatency.post.p50)}, then core ${ms(core.p50)} + vision ${ms(liteLatency.vision.p50)} + the rest ${ms(rest(liteLatency, core))}.`,
    "CPU per image: each process of the local cloud (from /proc) over the images of that phase; the vision models' worker threads run inside local/cloud-main.ts.",
    "Client, local cloud, its search and queue processes and the vision workers share this machine's cores.",
    `Load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadAfterModels.toFixed(1)} after the models latency phase, ${loadAtEnd.toFixed(1)} at the end, on ${availableParallelism()} cores.`,
  ],
);
