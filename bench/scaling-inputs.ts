/**
 * `npx tsx bench/scaling-inputs.ts`: the measured inputs of docs/SCALING.md, printed as a table and,
 * last, one JSON line.
 *
 * 1. Documents: every fixture photo (bench/process/photos.ts) and two camera-sized JPEGs made from
 *    one are uploaded through the local cloud with its vision models, as a user would; when each is
 *    PROCESSED, its search document is read back from the search engine (GET /images/_doc/<id>) and
 *    its objects from storage: the UTF-8 JSON size of the _source (and of its labels), the sidecar,
 *    the thumbnails and the original.
 * 2. Processing time: analyzeImage, the processing function's core (decode, EXIF, hashes, colours,
 *    every thumbnail), warm, on a 12 MP and a 24 MP JPEG: CPU time (user + system, all threads)
 *    and wall time, medians of ROUNDS runs.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { clientConfigFromOutputs } from '../client/src/api/config.ts';
import { analyzeImage } from '../functions/process-image/analysis/analyze-image.ts';
import { DEFAULTS, thumbnailSpecs } from '../functions/shared/config.ts';
import { createS3Client } from '../functions/shared/s3-client.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../infra/stack-outputs.ts';
import { startLocalCloud } from '../local/cloud.ts';
import { DEFAULT_LOCAL_SETTINGS, LOCAL_CREDENTIALS } from '../local/config.ts';
import { type ImageEvent, subscribeToEvents, upload } from '../local/e2e/uploads.ts';
import { signUpUser } from '../local/e2e/users.ts';
import { fixturePhotos } from './process/photos.ts';
import { median } from './process/stats.ts';

const ROUNDS = 5;
const CAMERA_SIZES = [
  { name: '12MP-4032x3024.jpg', width: 4032, height: 3024 },
  { name: '24MP-6000x4000.jpg', width: 6000, height: 4000 },
] as const;
/** The fixture the camera-sized JPEGs are made from (it has camera EXIF, which they keep). */
const CAMERA_SOURCE = 'Path_2560x1600.jpg';

interface Measured {
  name: string;
  labels: number;
  sourceBytes: number;
  labelsBytes: number;
  sidecarBytes: number;
  thumbnailBytes: number;
  originalBytes: number;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'imagegraph-scaling-'));

async function cameraPhotos(): Promise<{ name: string; file: string }[]> {
  const source = (await fixturePhotos()).find((photo) => photo.name === CAMERA_SOURCE);
  if (!source) throw new Error(`${CAMERA_SOURCE} is not among the fixtures`);
  return Promise.all(
    CAMERA_SIZES.map(async ({ name, width, height }) => {
      const file = path.join(scratch, name);
      // Quality 90 with EXIF kept: about what a camera writes.
      await sharp(source.file).rotate().resize(width, height, { fit: 'cover' }).keepExif().jpeg({ quality: 90 }).toFile(file);
      return { name, file };
    }),
  );
}

async function objectBytes(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return Contents.reduce((sum, object) => sum + (object.Size ?? 0), 0);
}

async function measureDocuments(photos: { name: string; file: string }[]): Promise<Measured[]> {
  const dataDir = path.join(scratch, 'cloud');
  const cloud = await startLocalCloud({ ...DEFAULT_LOCAL_SETTINGS, dataDir, portBase: 0, vision: 'models' }, () => undefined);
  try {
    await cloud.visionReady;
    const outputs = cloud.outputs;
    const bucket = outputs[OUTPUT_KEYS.bucketName]!;
    const s3 = createS3Client({ bucket, region: outputs[OUTPUT_KEYS.region]!, s3Endpoint: outputs[LOCAL_OUTPUT_KEYS.s3Endpoint] }, LOCAL_CREDENTIALS);
    const user = await signUpUser(clientConfigFromOutputs(outputs), dataDir, 'scaling');
    const processed = new Map<string, ImageEvent>();
    let arrived: () => void = () => undefined;
    const events = await subscribeToEvents(user, (event) => {
      processed.set(event.imageId, event);
      arrived();
    });
    const results: Measured[] = [];
    for (const photo of photos) {
      const type = photo.name.endsWith('.png') ? 'image/png' : 'image/jpeg';
      const { ticket, status } = await upload(user, { name: photo.name, type, bytes: readFileSync(photo.file) });
      if (status !== 204) throw new Error(`${photo.name}: upload answered ${status}`);
      while (!processed.has(ticket.imageId)) await new Promise<void>((resolve) => (arrived = resolve));
      const event = processed.get(ticket.imageId)!;
      if (event.status !== 'PROCESSED') throw new Error(`${photo.name}: ${event.status} ${event.reason ?? ''}`);
      const response = await fetch(`${outputs[OUTPUT_KEYS.searchEndpoint]}/images/_doc/${ticket.imageId}`);
      const { _source: source } = (await response.json()) as { _source: { labels: unknown[] } };
      const sidecar = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `meta/${user.sub}/${ticket.imageId}.json` }));
      results.push({
        name: photo.name,
        labels: source.labels.length,
        sourceBytes: Buffer.byteLength(JSON.stringify(source)),
        labelsBytes: Buffer.byteLength(JSON.stringify(source.labels)),
        sidecarBytes: Number(sidecar.ContentLength),
        thumbnailBytes: await objectBytes(s3, bucket, `thumbnails/${user.sub}/${ticket.imageId}/`),
        originalBytes: await objectBytes(s3, bucket, `uploads/${user.sub}/${ticket.imageId}/`),
      });
      console.error(`measured ${photo.name}`);
    }
    events.unsubscribe();
    user.client.stop();
    return results;
  } finally {
    await cloud.close();
  }
}

async function measureProcessing(photos: { name: string; file: string }[]) {
  const options = { maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) };
  return Promise.all(
    photos.map(async (photo) => {
      const bytes = readFileSync(photo.file);
      await analyzeImage(bytes, options); // warm-up
      const cpuMs: number[] = [];
      const wallMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        await analyzeImage(bytes, options);
        wallMs.push(performance.now() - started);
        const used = process.cpuUsage(cpu);
        cpuMs.push((used.user + used.system) / 1000);
      }
      return { name: photo.name, bytes: bytes.length, cpuMs: median(cpuMs), wallMs: median(wallMs) };
    }),
  );
}

try {
  const cameras = await cameraPhotos();
  const fixtures = (await fixturePhotos()).map(({ name, file }) => ({ name, file }));
  // One at a time, so CPU time is not shared between measurements.
  const processing = [];
  for (const photo of cameras) processing.push(...(await measureProcessing([photo])));
  const documents = await measureDocuments([...fixtures, ...cameras]);

  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log('photo                          labels  _source B  labels B  sidecar B  thumbs B  original B');
  for (const d of documents) {
    console.log(
      `${d.name.padEnd(30)} ${String(d.labels).padStart(6)} ${String(d.sourceBytes).padStart(10)} ${String(d.labelsBytes).padStart(9)} ${String(d.sidecarBytes).padStart(10)} ${String(d.thumbnailBytes).padStart(9)} ${String(d.originalBytes).padStart(11)}`,
    );
  }
  console.log(`\nanalyzeImage (processing core), ${cpus().length} cores visible, median of ${ROUNDS}:`);
  for (const p of processing) console.log(`  ${p.name}: ${(p.bytes / 1e6).toFixed(1)} MB, CPU ${p.cpuMs.toFixed(0)} ms, wall ${p.wallMs.toFixed(0)} ms`);
  const labelled = documents.filter((d) => d.labels > 0);
  console.log(
    JSON.stringify({
      documents,
      processing,
      meanSourceBytes: Math.round(mean(documents.map((d) => d.sourceBytes))),
      meanBytesPerLabel: Math.round(mean(labelled.map((d) => (d.labelsBytes - 2) / d.labels))),
      meanNonLabelBytes: Math.round(mean(documents.map((d) => d.sourceBytes - d.labelsBytes))),
      meanSidecarBytes: Math.round(mean(documents.map((d) => d.sidecarBytes))),
    }),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
