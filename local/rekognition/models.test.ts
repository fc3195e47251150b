/**
 * End to end with the real models: the local service on two real parts (s3rver, the SDK's
 * RekognitionClient and the processing function's own detectImageContent), on the fixtures.
 * One worker, a queue of 2: small enough to show throttling during warm-up.
 */
import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DetectFacesCommand, DetectLabelsCommand, DetectTextCommand, type Label, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRekognitionClient, detectImageContent } from '../../functions/process-image/image-vision.ts';
import { ImageRejected } from '../../functions/process-image/image-rejected.ts';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../functions/shared/testing/local-s3.ts';
import { EXPECTED_LABELS, scoreLabels } from './fixtures/expected.ts';
import { type LocalRekognition, startLocalRekognition } from './start.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));
const bucket = 'imagegraph-test';
const PIPELINE_MIN_CONFIDENCE = 70;

let s3: LocalS3;
let rekognition: LocalRekognition;
let client: RekognitionClient;
let startedAt: number;
let warmUpBurst: Promise<BurstAnswer[]>;

beforeAll(async () => {
  s3 = await startLocalS3(bucket);
  for (const name of Object.keys(EXPECTED_LABELS)) {
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: await fixture(name) }));
  }
  startedAt = performance.now();
  rekognition = await startLocalRekognition({
    mode: 'models',
    auth: { credentials: LOCAL_CREDENTIALS, region: 'us-east-1' },
    workers: 1,
    maxQueue: 2,
    s3: { endpoint: s3.config.s3Endpoint, region: s3.config.region, credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true },
  });
  client = createRekognitionClient({ region: 'us-east-1', rekognitionEndpoint: rekognition.url }, { credentials: LOCAL_CREDENTIALS });
  // Sent in the same turn the service starts listening, while its models are surely still loading.
  warmUpBurst = sendWarmUpBurst(rekognition);
}, 60_000);

interface BurstAnswer {
  outcome: string;
  /** Whether the models were warm when the answer came. */
  warm: boolean;
}

/** Six distinct images at once: one worker loading, two waiting in the queue, the rest refused. */
function sendWarmUpBurst(service: LocalRekognition): Promise<BurstAnswer[]> {
  let warm = false;
  void service.ready.then(() => (warm = true));
  // One attempt per call: the SDK's retries would otherwise outlast the warm-up on a fast machine.
  const once = new RekognitionClient({ region: 'us-east-1', endpoint: service.url, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const names = Object.keys(EXPECTED_LABELS).slice(0, 6);
  const answers = names.map((name) =>
    once.send(new DetectLabelsCommand({ Image: S3Object(name) })).then(
      () => ({ outcome: 'labels', warm }),
      (error: unknown) => ({ outcome: (error as Error).name, warm }),
    ),
  );
  return Promise.all(answers).finally(() => once.destroy());
}

afterAll(async () => {
  client.destroy();
  await rekognition?.close();
  await s3?.close();
});

const S3Object = (Name: string) => ({ S3Object: { Bucket: bucket, Name } });
const vision = { minLabelConfidence: PIPELINE_MIN_CONFIDENCE, maxLabels: 50, detectModeration: true, detectFaces: true, detectText: false };

describe('local Rekognition with models', { timeout: 180_000 }, () => {
  it('answers while the models warm up, throttling beyond its queue', async () => {
    const answers = await warmUpBurst;
    const throttled = answers.filter((answer) => answer.outcome === 'ThrottlingException');
    expect(throttled.length, JSON.stringify(answers)).toBeGreaterThanOrEqual(1);
    // Refused at once, while the models were still loading: the server listens before it is warm.
    expect(throttled.every((answer) => !answer.warm)).toBe(true);
    expect(answers.filter((answer) => answer.outcome !== 'ThrottlingException').every((answer) => answer.outcome === 'labels')).toBe(true);
    // The processing function treats throttling as transient (SQS retries), never as a refused image.
    const failure = await detectImageContent(client, { bucket, key: 'messi5.jpg' }, vision).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(ImageRejected);
    await rekognition.ready;
    console.log(`time to ready: ${Math.round(performance.now() - startedAt)} ms`);
  });

  it('finds the expected labels on the fixtures; precision and recall over the set', async () => {
    const found: Record<string, Label[]> = {};
    for (const name of Object.keys(EXPECTED_LABELS)) {
      const response = await client.send(new DetectLabelsCommand({ Image: S3Object(name), MinConfidence: PIPELINE_MIN_CONFIDENCE }));
      found[name] = response.Labels ?? [];
    }
    const names = (fixtureName: string) => (found[fixtureName] ?? []).map((label) => label.Name);
    expect(names('messi5.jpg')).toEqual(expect.arrayContaining(['Person', 'Sports Ball']));
    expect(names('coffee.png')).toContain('Cup');
    expect(names('motorcycle_left.png')).toEqual(expect.arrayContaining(['Motorcycle', 'Vehicle', 'Transportation']));
    expect(names('astronaut.png')).toContain('Person');
    const score = scoreLabels(found);
    console.log(`label precision ${score.precision.toFixed(2)}, recall ${score.recall.toFixed(2)}`, score);
    expect(score.recall).toBeGreaterThanOrEqual(0.8);
    expect(score.precision).toBeGreaterThanOrEqual(0.6);
    for (const label of Object.values(found).flat()) {
      expect(label.Confidence).toBeGreaterThanOrEqual(PIPELINE_MIN_CONFIDENCE);
      for (const instance of label.Instances ?? []) expect(instance.BoundingBox?.Width).toBeGreaterThan(0);
    }
  });

  it('finds one face with emotions on the astronaut (Bytes)', async () => {
    const response = await client.send(new DetectFacesCommand({ Image: { Bytes: await fixture('astronaut.png') }, Attributes: ['ALL'] }));
    expect(response.FaceDetails).toHaveLength(1);
    const [face] = response.FaceDetails ?? [];
    expect(face?.Confidence).toBeGreaterThan(80);
    expect(face?.Emotions?.[0]?.Type).toBe('HAPPY');
  });

  it('reads the words printed on the page', async () => {
    const response = await client.send(new DetectTextCommand({ Image: S3Object('page.png') }));
    const words = (response.TextDetections ?? []).filter((d) => d.Type === 'WORD').map((d) => d.DetectedText?.toLowerCase());
    expect(words).toEqual(expect.arrayContaining(['markers', 'coins', 'pixels', 'object', 'segmentation']));
    expect(response.TextDetections?.[0]).toMatchObject({ Type: 'LINE', Id: 0 });
  });

  it('reads no text on a photo without any (the cat, whose fur OCR reads as "yi" and "va")', async () => {
    const response = await client.send(new DetectTextCommand({ Image: S3Object('chelsea.png') }));
    expect(response.TextDetections).toEqual([]);
  });

  it('serves the processing function: labels, moderation and faces in one go', async () => {
    const findings = await detectImageContent(client, { bucket, key: 'astronaut.png' }, vision);
    expect(findings.labels.map((label) => label.name)).toContain('Person');
    expect(findings.faces?.count).toBe(1);
    expect(findings.moderationLabels.filter((label) => label.name === 'Explicit')).toEqual([]);
  });

  it('finds no face where there are no people (the spoon, the cat, the fruit, the page)', async () => {
    for (const name of ['coffee.png', 'chelsea.png', 'fruits.jpg', 'page.png']) {
      const response = await client.send(new DetectFacesCommand({ Image: S3Object(name) }));
      expect({ name, faces: response.FaceDetails }).toEqual({ name, faces: [] });
    }
  });

  it('labels the printed page Text and Document, as Rekognition does', async () => {
    const response = await client.send(new DetectLabelsCommand({ Image: S3Object('page.png'), MinConfidence: PIPELINE_MIN_CONFIDENCE }));
    expect(response.Labels?.map((label) => label.Name)).toEqual(expect.arrayContaining(['Text', 'Document']));
  });
});
