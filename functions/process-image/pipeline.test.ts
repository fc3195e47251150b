import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import type { ImageEventInput } from '../../schema/generated/graphql.ts';
import { thumbnailSpecs, DEFAULT_REKOGNITION_TIMEOUTS, DEFAULTS, type ProcessingConfig, type StorageConfig } from '../shared/config.ts';
import { metaKey } from '../shared/storage-keys.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { LOCAL_S3_CREDENTIALS } from '../shared/testing/local-s3.ts';
import { startLocalS3Service } from '../../local/s3/start.ts';
import { analyzeImage } from './analysis/analyze-image.ts';
import { photo as fixturePhoto } from './analysis/fixtures/corpus.ts';
import { ImageRejected } from './image-rejected.ts';
import type { VisionFindings } from './image-vision.ts';
import { handleObjectEvent, type PipelineDeps } from './pipeline.ts';
import { repointCopies } from './repoint-copies.ts';
import type { ObjectEvent } from './s3-events.ts';
import { type ImageSidecar, writeSidecar } from './sidecar.ts';
import { MemoryImageIndex } from './testing/memory-image-index.ts';
import { OutOfTime, TIME_MARGIN_MS } from './time-budget.ts';

const OWNER = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';
const FINDINGS: VisionFindings = {
  labels: [{ name: 'Cup', confidence: 97.5, parents: ['Tableware'], categories: ['Food and Beverage'], instances: [] }],
  moderationLabels: [],
  detectedText: [],
  faces: null,
};

/** The local cloud's S3 (the front that enforces conditional writes, over s3rver); events are made by the tests. */
let s3: { s3: S3Client; config: StorageConfig; close(): Promise<void> };
let config: ProcessingConfig;
let index: MemoryImageIndex;
let published: ImageEventInput[];
let visionCalls: { bucket: string; key: string }[];
let analyses: number;
let detect: PipelineDeps['detect'];
let publish: PipelineDeps['publish'];
/** An invocation's deadline that never comes, unless a test gives its own. */
const NO_DEADLINE = new AbortController().signal;
/** The invocation's clock: a whole Lambda timeout left unless a test shortens it. */
let timeLeft: () => number;
let sequence = 0;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-pipeline-s3-'));
  const storage = { bucket: 'imagegraph-test', region: 'us-east-1' };
  const service = await startLocalS3Service({ dataDir, ...storage, credentials: LOCAL_S3_CREDENTIALS, onEvent: () => undefined });
  const client = createS3Client({ ...storage, s3Endpoint: service.endpoint }, LOCAL_S3_CREDENTIALS);
  s3 = {
    s3: client,
    config: { ...storage, s3Endpoint: service.endpoint },
    async close() {
      client.destroy();
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  config = {
    ...s3.config,
    maxUploadBytes: DEFAULTS.maxUploadBytes,
    maxInputPixels: DEFAULTS.maxInputPixels,
    thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes),
    minLabelConfidence: 70,
    maxLabels: 50,
    detectModeration: false,
    detectText: false,
    detectFaces: false,
    searchEndpoint: 'http://unused',
    graphqlUrl: 'http://unused',
    rekognitionEndpoint: undefined,
    queueUrl: 'http://unused',
    rekognitionTimeouts: DEFAULT_REKOGNITION_TIMEOUTS,
    searchTimeoutMs: DEFAULTS.searchTimeoutMs,
    graphqlTimeoutMs: DEFAULTS.graphqlTimeoutMs,
  };
});
afterAll(() => s3.close());

beforeEach(() => {
  index = new MemoryImageIndex();
  published = [];
  visionCalls = [];
  analyses = 0;
  timeLeft = () => 120_000;
  detect = (image) => {
    visionCalls.push(image);
    return Promise.resolve(FINDINGS);
  };
  publish = (event) => {
    published.push(event);
    return Promise.resolve();
  };
});

function deps(overrides: Partial<PipelineDeps> = {}): PipelineDeps {
  return {
    s3: s3.s3,
    config,
    analyze: (bytes) => {
      analyses += 1;
      return analyzeImage(bytes, { maxInputPixels: config.maxInputPixels, thumbnails: config.thumbnails });
    },
    detect: (image, signal) => detect(image, signal),
    index,
    publish: (event, signal) => publish(event, signal),
    now: () => new Date('2026-11-21T12:00:00.000Z'),
    step: (_name, work) => work(),
    timeLeft: () => timeLeft(),
    signal: NO_DEADLINE,
    ...overrides,
  };
}

function nextSequencer(): string {
  sequence += 1;
  return sequence.toString(16).toUpperCase().padStart(16, '0');
}

async function upload(imageId: string, body: Buffer, fileName = 'photo.jpg', contentType = 'image/jpeg', owner = OWNER): Promise<ObjectEvent> {
  const key = `uploads/${owner}/${imageId}/${fileName}`;
  const put = await s3.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body, ContentType: contentType }));
  return {
    kind: 'created',
    bucket: config.bucket,
    key,
    etag: (put.ETag ?? '').replace(/"/g, ''),
    size: body.length,
    sequencer: nextSequencer(),
    eventTime: new Date(Date.UTC(2026, 10, 21, 10, 0, sequence)).toISOString(),
  };
}

async function removal(created: ObjectEvent): Promise<ObjectEvent> {
  await s3.s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: created.key }));
  return { ...created, kind: 'removed', etag: '', size: 0, sequencer: nextSequencer() };
}

/** The bucket with `around` wrapped around each request, to watch or hold it; `send` sends it. */
function s3Around(around: (command: { input: { Key?: string; IfMatch?: string } }, send: () => Promise<unknown>) => Promise<unknown>): S3Client {
  return new Proxy(s3.s3, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return (command: { input: { Key?: string } }) => around(command, () => target.send(command as never));
    },
  });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await s3.s3.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key ?? '').sort();
}

async function sidecarOf(imageId: string, owner = OWNER): Promise<ImageSidecar> {
  const object = await s3.s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: metaKey(owner, imageId) }));
  return JSON.parse(await object.Body!.transformToString()) as ImageSidecar;
}

const photo = (seed: number, width = 640, height = 480) =>
  sharp({ create: { width, height, channels: 3, background: { r: seed, g: 120, b: 255 - seed } } })
    .composite([{ input: { create: { width: 100, height: 80, channels: 3, background: { r: 255 - seed, g: 10, b: seed } } }, left: 30, top: 40 }])
    .jpeg()
    .toBuffer();

describe('ObjectCreated', () => {
  it('makes thumbnails, labels, a sidecar, an index document and one PROCESSED event', async () => {
    const event = await upload('01JD0000000000000000000001', await photo(10), 'beach day.jpg');
    expect(await handleObjectEvent(deps(), event)).toEqual({ result: 'processed', imageId: '01JD0000000000000000000001' });

    const thumbnails = await keysUnder(`thumbnails/${OWNER}/01JD0000000000000000000001/`);
    expect(thumbnails.map((key) => key.split('/').at(-1))).toEqual(['1280.webp', '160-square.jpg', '160-square.webp', '480.webp']);
    expect(visionCalls).toEqual([{ bucket: config.bucket, key: event.key }]);

    const doc = index.documents.get('01JD0000000000000000000001');
    expect(doc).toEqual(
      expect.objectContaining({
        status: 'PROCESSED',
        ownerSub: OWNER,
        fileName: 'beach day.jpg',
        format: 'JPEG',
        width: 640,
        height: 480,
        labelNames: ['Cup'],
        etag: event.etag,
        sequencer: event.sequencer,
        duplicateOf: null,
        nearDuplicateOf: null,
        uploadedAt: event.eventTime,
      }),
    );
    expect(doc?.thumbnails.map((t) => t.key)).toEqual(expect.arrayContaining(thumbnails));

    const sidecar = await sidecarOf('01JD0000000000000000000001');
    expect(sidecar.document).toEqual(doc);
    expect(sidecar.publishedAt).toBe('2026-11-21T12:00:00.000Z');

    expect(published).toHaveLength(1);
    expect(published[0]).toEqual(expect.objectContaining({ imageId: '01JD0000000000000000000001', ownerSub: OWNER, status: 'PROCESSED', reason: null }));
    expect(JSON.parse(published[0]?.image ?? 'null')).toEqual(doc);
  });

  it('does the work once when the same event arrives three times', async () => {
    const event = await upload('01JD0000000000000000000002', await photo(20));
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await handleObjectEvent(deps(), event));
    expect(outcomes.map((outcome) => outcome.result)).toEqual(['processed', 'skipped', 'skipped']);
    expect(analyses).toBe(1);
    expect(visionCalls).toHaveLength(1);
    expect(index.writes).toBe(1);
    expect(published).toHaveLength(1);
    expect(await keysUnder(`thumbnails/${OWNER}/01JD0000000000000000000002/`)).toHaveLength(4);
  });

  it('finishes an interrupted delivery from its sidecar without redoing the analysis', async () => {
    const event = await upload('01JD0000000000000000000003', await photo(30));
    publish = () => Promise.reject(new Error('AppSync 503'));
    await expect(handleObjectEvent(deps(), event)).rejects.toThrow('AppSync 503');
    expect((await sidecarOf('01JD0000000000000000000003')).publishedAt).toBeNull();

    publish = (e) => (published.push(e), Promise.resolve());
    expect(await handleObjectEvent(deps(), event)).toEqual({ result: 'processed', imageId: '01JD0000000000000000000003' });
    expect(analyses).toBe(1);
    expect(published.map((e) => e.status)).toEqual(['PROCESSED']);
  });

  it('records an unusable file as FAILED with its reason, and does not throw (no retry)', async () => {
    const event = await upload('01JD0000000000000000000004', Buffer.from('just some text, named like a photo'), 'notes.jpg');
    const outcome = await handleObjectEvent(deps(), event);
    expect(outcome).toEqual(expect.objectContaining({ result: 'failed', code: 'UNSUPPORTED_TYPE' }));
    const doc = index.documents.get('01JD0000000000000000000004');
    expect(doc?.status).toBe('FAILED');
    expect(doc?.failureReason).toMatch(/Not a supported image/);
    expect((await sidecarOf('01JD0000000000000000000004')).rejection?.code).toBe('UNSUPPORTED_TYPE');
    expect(published).toEqual([
      { imageId: '01JD0000000000000000000004', ownerSub: OWNER, status: 'FAILED', image: null, reason: doc?.failureReason },
    ]);
    expect(visionCalls).toEqual([]);
    expect(await keysUnder(`thumbnails/${OWNER}/01JD0000000000000000000004/`)).toEqual([]);
  });

  it('refuses an object over the size cap before analysing it', async () => {
    const event = await upload('01JD0000000000000000000005', await photo(40));
    const small = deps({ config: { ...config, maxUploadBytes: 1000 } });
    expect(await handleObjectEvent(small, event)).toEqual(expect.objectContaining({ result: 'failed', code: 'TOO_LARGE' }));
    expect(analyses).toBe(0);
  });

  it('skips an event whose object was replaced since: the download’s If-Match fails (412), the newer event does the work', async () => {
    const stale = await upload('01JD0000000000000000000030', await photo(60));
    await upload('01JD0000000000000000000030', await photo(70));
    expect(await handleObjectEvent(deps(), stale)).toEqual({ result: 'skipped', imageId: '01JD0000000000000000000030', why: 'the object is gone or was replaced' });
    expect(analyses).toBe(0);
    expect(await keysUnder(metaKey(OWNER, '01JD0000000000000000000030'))).toEqual([]);
  });

  it('leaves transient failures to SQS: nothing recorded, nothing announced', async () => {
    const event = await upload('01JD0000000000000000000006', await photo(50));
    detect = () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(handleObjectEvent(deps(), event)).rejects.toThrow('Rate exceeded');
    expect(index.documents.size).toBe(0);
    expect(published).toEqual([]);
    expect(await keysUnder(metaKey(OWNER, '01JD0000000000000000000006'))).toEqual([]);
  });

  it('keeps an image Rekognition refuses, unlabelled, and says why in the sidecar', async () => {
    const event = await upload('01JD0000000000000000000007', await photo(60));
    detect = () => Promise.reject(new ImageRejected('VISION_REJECTED', 'Rekognition: the image is too small'));
    expect(await handleObjectEvent(deps(), event)).toEqual({ result: 'processed', imageId: '01JD0000000000000000000007' });
    expect(index.documents.get('01JD0000000000000000000007')?.labels).toEqual([]);
    expect((await sidecarOf('01JD0000000000000000000007')).visionSkipped).toBe('Rekognition: the image is too small');
  });

  it('hands Rekognition a JPEG rendition when it cannot read the original (WebP)', async () => {
    const webp = await sharp(await photo(70)).webp().toBuffer();
    const event = await upload('01JD0000000000000000000008', webp, 'sticker.webp', 'image/webp');
    await handleObjectEvent(deps(), event);
    expect(visionCalls).toEqual([{ bucket: config.bucket, key: `thumbnails/${OWNER}/01JD0000000000000000000008/vision.jpg` }]);
    expect(await keysUnder(`thumbnails/${OWNER}/01JD0000000000000000000008/vision.jpg`)).toHaveLength(1);
    expect(index.documents.get('01JD0000000000000000000008')?.thumbnails.map((t) => t.key)).not.toContain(
      `thumbnails/${OWNER}/01JD0000000000000000000008/vision.jpg`,
    );
  });

  it('points a second copy of the same bytes at the owner’s earliest one', async () => {
    const bytes = await photo(80);
    await handleObjectEvent(deps(), await upload('01JD0000000000000000000009', bytes));
    await handleObjectEvent(deps(), await upload('01JD0000000000000000000010', bytes));
    expect(index.documents.get('01JD0000000000000000000010')?.duplicateOf).toBe('01JD0000000000000000000009');
    expect(index.documents.get('01JD0000000000000000000009')?.duplicateOf).toBeNull();
    // Byte-identical: a duplicate, not also a near-duplicate.
    expect(index.documents.get('01JD0000000000000000000010')?.nearDuplicateOf).toBeNull();
  });

  it('points a re-encoded, resized copy at the owner’s earlier photo as a near-duplicate, and no other', async () => {
    const original = fixturePhoto('cups');
    const copy = await sharp(original).resize(512, 320).jpeg({ quality: 60 }).toBuffer();
    const other = fixturePhoto('path');
    await handleObjectEvent(deps(), await upload('01JD0000000000000000000020', original));
    await handleObjectEvent(deps(), await upload('01JD0000000000000000000021', copy));
    await handleObjectEvent(deps(), await upload('01JD0000000000000000000022', other));
    expect(index.documents.get('01JD0000000000000000000021')).toMatchObject({ duplicateOf: null, nearDuplicateOf: '01JD0000000000000000000020' });
    expect(index.documents.get('01JD0000000000000000000020')?.nearDuplicateOf).toBeNull();
    expect(index.documents.get('01JD0000000000000000000022')?.nearDuplicateOf).toBeNull();
  });

  it('does not compare flat pictures, whose hashes carry no texture (two plain colours are not copies)', async () => {
    const plain = (background: string) => sharp({ create: { width: 320, height: 200, channels: 3, background } }).jpeg().toBuffer();
    await handleObjectEvent(deps(), await upload('01JD0000000000000000000023', await plain('#3366cc')));
    await handleObjectEvent(deps(), await upload('01JD0000000000000000000024', await plain('#cc3333')));
    expect(index.documents.get('01JD0000000000000000000024')?.perceptualHash).toBe('0000000000000000');
    expect(index.documents.get('01JD0000000000000000000024')?.nearDuplicateOf).toBeNull();
  });

  it('keeps the earlier upload as the original when the later copy is processed first', async () => {
    const bytes = await photo(85);
    const earlier = await upload('01JD0000000000000000000012', bytes);
    const later = await upload('01JD0000000000000000000013', bytes);
    await handleObjectEvent(deps(), later);
    await handleObjectEvent(deps(), earlier);
    expect(index.documents.get('01JD0000000000000000000012')?.duplicateOf).toBeNull();
    expect(index.documents.get('01JD0000000000000000000013')?.duplicateOf).toBeNull();
  });

  it('skips keys outside uploads/', async () => {
    const event = { ...(await upload('01JD0000000000000000000011', await photo(90))), key: `thumbnails/${OWNER}/x/160.webp` };
    expect(await handleObjectEvent(deps(), event)).toEqual(expect.objectContaining({ result: 'skipped', imageId: null }));
  });
});

describe('the invocation’s time', () => {
  it('starts no event with less than the margin left, and starts one with the margin', async () => {
    const event = await upload('01JD0000000000000000000040', await photo(120));
    timeLeft = () => TIME_MARGIN_MS - 1;
    expect(await handleObjectEvent(deps(), event)).toEqual({
      result: 'postponed',
      imageId: '01JD0000000000000000000040',
      why: 'too little time left in this invocation to start',
      repointed: 0,
    });
    expect(analyses).toBe(0);
    expect(index.documents.size).toBe(0);
    expect(await keysUnder(metaKey(OWNER, '01JD0000000000000000000040'))).toEqual([]);
    timeLeft = () => TIME_MARGIN_MS;
    expect(await handleObjectEvent(deps(), event)).toEqual({ result: 'processed', imageId: '01JD0000000000000000000040' });
  });

  it('abandons an event still running at the deadline: its aborted calls write nothing, and its redelivery finishes it', async () => {
    const event = await upload('01JD0000000000000000000041', await photo(121));
    const deadline = new AbortController();
    const reason = new OutOfTime('less than the margin left');
    // The deadline comes as the sidecar is about to be written: the write is aborted before it is sent.
    let abandonedWrite: Promise<unknown> | undefined;
    const step: PipelineDeps['step'] = (name, work) => {
      if (name !== 'writeSidecar') return work();
      deadline.abort(reason);
      abandonedWrite = work();
      return abandonedWrite as ReturnType<typeof work>;
    };
    expect(await handleObjectEvent(deps({ step, signal: deadline.signal }), event)).toEqual({ result: 'timedOut', imageId: '01JD0000000000000000000041' });
    await expect(abandonedWrite).rejects.toMatchObject({ name: 'AbortError' });
    expect(await keysUnder(metaKey(OWNER, '01JD0000000000000000000041'))).toEqual([]);
    expect(index.documents.size).toBe(0);
    expect(published).toEqual([]);
    expect(await handleObjectEvent(deps(), event)).toEqual({ result: 'processed', imageId: '01JD0000000000000000000041' });
  });
});

describe('ObjectRemoved', () => {
  it('deletes thumbnails and sidecar, leaves a tombstone and announces DELETED once', async () => {
    const created = await upload('01JD0000000000000000000020', await photo(100));
    await handleObjectEvent(deps(), created);
    const removed = await removal(created);
    expect(await handleObjectEvent(deps(), removed)).toEqual({ result: 'deleted', imageId: '01JD0000000000000000000020', copies: { repointed: 0, capped: false } });
    expect(await handleObjectEvent(deps(), removed)).toEqual(expect.objectContaining({ result: 'skipped', why: 'already deleted' }));
    expect(await keysUnder(`thumbnails/${OWNER}/01JD0000000000000000000020/`)).toEqual([]);
    expect(await keysUnder(metaKey(OWNER, '01JD0000000000000000000020'))).toEqual([]);
    expect(index.documents.get('01JD0000000000000000000020')).toEqual(expect.objectContaining({ status: 'DELETED', sequencer: removed.sequencer }));
    expect(published.map((event) => event.status)).toEqual(['PROCESSED', 'DELETED']);
  });

  it('is not undone by the upload’s event arriving late', async () => {
    const created = await upload('01JD0000000000000000000021', await photo(110));
    const removed = await removal(created);
    expect((await handleObjectEvent(deps(), removed)).result).toBe('deleted');
    expect(await handleObjectEvent(deps(), created)).toEqual(expect.objectContaining({ result: 'skipped' }));
    expect(index.documents.get('01JD0000000000000000000021')?.status).toBe('DELETED');
    expect(published.map((event) => event.status)).toEqual(['DELETED']);
    expect(analyses).toBe(0);
  });
});

describe('ObjectRemoved of an original with copies', () => {
  const BOB = '0a1b2c3d-2222-4222-8222-bbbbbbbbbbbb';
  const id = (n: number) => `01JDCOPY${String(n).padStart(18, '0')}`;
  const pointers = (imageId: string) => {
    const doc = index.documents.get(imageId);
    return { duplicateOf: doc?.duplicateOf ?? null, nearDuplicateOf: doc?.nearDuplicateOf ?? null };
  };

  /** Alice's A, byte copies B and C, a resized look-alike D; Bob's identical E. */
  async function library(base: number) {
    const cups = fixturePhoto('cups');
    const [a, b, c, d, e] = [id(base), id(base + 1), id(base + 2), id(base + 3), id(base + 4)] as const;
    const events = {
      a: await upload(a, cups),
      b: await upload(b, cups),
      c: await upload(c, cups),
      d: await upload(d, await sharp(cups).resize(512, 320).jpeg({ quality: 60 }).toBuffer()),
      e: await upload(e, cups, 'photo.jpg', 'image/jpeg', BOB),
    };
    for (const event of Object.values(events)) await handleObjectEvent(deps(), event);
    expect([b, c].map(pointers)).toEqual([{ duplicateOf: a, nearDuplicateOf: null }, { duplicateOf: a, nearDuplicateOf: null }]);
    expect(pointers(d)).toEqual({ duplicateOf: null, nearDuplicateOf: a });
    return { ids: { a, b, c, d, e }, events };
  }

  it('makes the earliest byte copy the original and points the other copies at it, in index and sidecars', async () => {
    const { ids, events } = await library(0);
    const bobBefore = structuredClone(index.documents.get(ids.e));
    published = [];
    expect(await handleObjectEvent(deps(), await removal(events.a))).toEqual({ result: 'deleted', imageId: ids.a, copies: { repointed: 3, capped: false } });

    expect(pointers(ids.b)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect(pointers(ids.c)).toEqual({ duplicateOf: ids.b, nearDuplicateOf: null });
    expect(pointers(ids.d)).toEqual({ duplicateOf: null, nearDuplicateOf: ids.b });
    // The sidecars say the same, so a reindex or a replayed ObjectCreated keeps it.
    for (const copy of [ids.b, ids.c, ids.d]) expect((await sidecarOf(copy)).document).toEqual(index.documents.get(copy));
    // Each copy keeps its own sequencer: a later event of its own still wins.
    expect(index.documents.get(ids.c)?.sequencer).toBe(events.c.sequencer);
    expect(index.refreshes).toBe(1);
    // Bob's identical photo is not Alice's copy.
    expect(index.documents.get(ids.e)).toEqual(bobBefore);
    expect((await sidecarOf(ids.e, BOB)).document).toEqual(bobBefore);
    // One event: the DELETED that makes the web app search again; none per copy.
    expect(published.map((event) => [event.imageId, event.status])).toEqual([[ids.a, 'DELETED']]);
  });

  it('is harmless when the removal is delivered again, also after failing before its tombstone', async () => {
    const { ids, events } = await library(10);
    const removed = await removal(events.a);
    const failingOnce = Object.assign(Object.create(index) as MemoryImageIndex, {
      markDeleted: () => Promise.reject(new Error('search engine 503')),
    });
    await expect(handleObjectEvent(deps({ index: failingOnce }), removed)).rejects.toThrow('search engine 503');
    expect(pointers(ids.c)).toEqual({ duplicateOf: ids.b, nearDuplicateOf: null });
    const writes = index.writes;

    expect(await handleObjectEvent(deps(), removed)).toEqual({ result: 'deleted', imageId: ids.a, copies: { repointed: 0, capped: false } });
    expect(index.writes).toBe(writes + 1); // the tombstone only
    expect(await handleObjectEvent(deps(), removed)).toEqual(expect.objectContaining({ result: 'skipped', why: 'already deleted' }));
    expect([ids.b, ids.c, ids.d].map(pointers)).toEqual([
      { duplicateOf: null, nearDuplicateOf: null },
      { duplicateOf: ids.b, nearDuplicateOf: null },
      { duplicateOf: null, nearDuplicateOf: ids.b },
    ]);
  });

  it('passes over a copy that is being deleted too, and does not bring its sidecar back', async () => {
    const { ids, events } = await library(20);
    // B's upload is deleted; its removal is still queued when A's is processed.
    const bRemoved = await removal(events.b);
    await handleObjectEvent(deps(), await removal(events.a));
    expect(pointers(ids.c)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect(pointers(ids.d)).toEqual({ duplicateOf: null, nearDuplicateOf: ids.c });
    await handleObjectEvent(deps(), bRemoved);
    expect(await keysUnder(metaKey(OWNER, ids.b))).toEqual([]);
    expect(pointers(ids.c)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
  });

  /** The bucket as the re-pointing sees it, with `meanwhile` done right after it reads C's sidecar. */
  function afterReadingSidecarOf(imageId: string, meanwhile: () => Promise<unknown>): S3Client {
    let done = false;
    return s3Around(async (command, send) => {
      const answer = await send();
      if (!done && command instanceof GetObjectCommand && command.input.Key === metaKey(OWNER, imageId)) {
        done = true;
        await meanwhile();
      }
      return answer;
    });
  }

  it('does not bring back a copy’s sidecar deleted between its read and its write (S3 refuses the If-Match)', async () => {
    const { ids, events } = await library(30);
    const cBefore = structuredClone(index.documents.get(ids.c));
    // C's removal runs meanwhile: its upload and its sidecar go.
    const racing = afterReadingSidecarOf(ids.c, async () => {
      await s3.s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: events.c.key }));
      await s3.s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: metaKey(OWNER, ids.c) }));
    });
    expect(await handleObjectEvent(deps({ s3: racing }), await removal(events.a))).toEqual(expect.objectContaining({ copies: { repointed: 2, capped: false } }));
    expect(await keysUnder(metaKey(OWNER, ids.c))).toEqual([]);
    // C's own removal tombstones it; until then its document is left as it was.
    expect(index.documents.get(ids.c)).toEqual(cBefore);
  });

  it('does not overwrite a copy’s sidecar that a newer event rewrote between its read and its write', async () => {
    const { ids, events } = await library(35);
    const cBefore = structuredClone(index.documents.get(ids.c));
    const newer = { ...(await sidecarOf(ids.c)), processedAt: '2026-11-21T13:00:00.000Z' };
    const racing = afterReadingSidecarOf(ids.c, () => writeSidecar(s3.s3, config.bucket, newer, new AbortController().signal));
    expect(await handleObjectEvent(deps({ s3: racing }), await removal(events.a))).toEqual(expect.objectContaining({ copies: { repointed: 2, capped: false } }));
    expect(await sidecarOf(ids.c)).toEqual(newer);
    expect(index.documents.get(ids.c)).toEqual(cBefore);
  });

  it('lets a newer event of a copy win over the re-pointing', async () => {
    const { ids, events } = await library(40);
    const newer = { ...index.documents.get(ids.c)!, sequencer: nextSequencer(), fileName: 'newer.jpg' };
    const racing = Object.assign(Object.create(index) as MemoryImageIndex, {
      put: async (doc: ImageDocument) => {
        // A newer event of C lands between the re-pointing's read and its write.
        if (doc.id === ids.c) await index.put(newer);
        return index.put(doc);
      },
    });
    expect(await handleObjectEvent(deps({ index: racing }), await removal(events.a))).toEqual(expect.objectContaining({ copies: { repointed: 2, capped: false } }));
    expect(index.documents.get(ids.c)).toEqual(newer);
  });

  it('re-points at most the cap, and says it stopped short', async () => {
    const { ids, events } = await library(50);
    const removed = await removal(events.a);
    await repointWithCap(removed, 2);
    expect(pointers(ids.b)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect(pointers(ids.c)).toEqual({ duplicateOf: ids.b, nearDuplicateOf: null });
    expect(pointers(ids.d)).toEqual({ duplicateOf: null, nearDuplicateOf: ids.a });
  });

  it('reads neither the byte group nor S3 when the deleted image is a copy, or nothing points at it', async () => {
    const { ids, events } = await library(60);
    const fields: string[] = [];
    const listing = Object.assign(Object.create(index) as MemoryImageIndex, {
      findLinkedImages: (...args: Parameters<MemoryImageIndex['findLinkedImages']>) => {
        fields.push(args[1]);
        return index.findLinkedImages(...args);
      },
    });
    let s3Requests = 0;
    const counting = s3Around((_command, send) => ((s3Requests += 1), send()));
    const repoint = (imageId: string) => repointCopies({ s3: counting, bucket: config.bucket, index: listing, timeLeft, signal: NO_DEADLINE }, index.documents.get(imageId)!);
    // C is a byte copy of A: deleting it changes nothing, and asks S3 nothing.
    await removal(events.c);
    expect(await repoint(ids.c)).toEqual({ repointed: 0, capped: false, outOfTime: false });
    // E is Bob's, and nothing of his points at it.
    expect(await repoint(ids.e)).toEqual({ repointed: 0, capped: false, outOfTime: false });
    expect(fields).toEqual(['nearDuplicateOf', 'duplicateOf', 'nearDuplicateOf', 'duplicateOf']);
    expect(s3Requests).toBe(0);
    expect(pointers(ids.b)).toEqual({ duplicateOf: ids.a, nearDuplicateOf: null });
  });

  it('points the copies at an earlier upload with the same bytes that was processed after the deleted one', async () => {
    const bytes = await photo(140);
    const [e, a, c] = [id(70), id(71), id(72)];
    const earlier = await upload(e, bytes);
    const events = { a: await upload(a, bytes), c: await upload(c, bytes) };
    // E was uploaded first but processed last: A found nothing before it, C found A, E found nothing.
    for (const event of [events.a, events.c, earlier]) await handleObjectEvent(deps(), event);
    expect([a, c, e].map(pointers)).toEqual([
      { duplicateOf: null, nearDuplicateOf: null },
      { duplicateOf: a, nearDuplicateOf: null },
      { duplicateOf: null, nearDuplicateOf: null },
    ]);
    expect(await handleObjectEvent(deps(), await removal(events.a))).toEqual({ result: 'deleted', imageId: a, copies: { repointed: 1, capped: false } });
    // As if A had never been there: C's earliest image with its bytes is E, not C itself.
    expect(pointers(c)).toEqual({ duplicateOf: e, nearDuplicateOf: null });
  });

  it('asks for the new original’s upload several at a time, and still picks the first in upload order that is stored', async () => {
    const bytes = await photo(130);
    const imageIds = [id(80), id(81), id(82), id(83), id(84)];
    const events: ObjectEvent[] = [];
    for (const imageId of imageIds) events.push(await upload(imageId, bytes));
    for (const event of events) await handleObjectEvent(deps(), event);
    const [a, b, c, d, e] = imageIds as [string, string, string, string, string];
    // B's and C's uploads are deleted; their removals are still queued.
    await removal(events[1]!);
    await removal(events[2]!);
    const keyOf = (imageId: string) => events[imageIds.indexOf(imageId)]!.key;
    let running = 0;
    let mostRunning = 0;
    const answered: string[] = [];
    let eAnswered: Promise<unknown> | undefined;
    const watching = s3Around(async (command, send) => {
      if (!(command instanceof HeadObjectCommand)) return send();
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      const key = command.input.Key;
      try {
        // D's answer (stored) comes after E's (stored too), when E is asked alongside: asks that
        // run together all start before the next turn of the event loop.
        if (key === keyOf(e)) eAnswered = send().catch((error: unknown) => error);
        if (key === keyOf(d)) {
          await new Promise(setImmediate);
          if (eAnswered) await eAnswered;
        }
        const answer = await (key === keyOf(e) ? eAnswered : send().catch((error: unknown) => error));
        answered.push(key!.split('/')[2]!);
        if (answer instanceof Error) throw answer;
        return answer;
      } finally {
        running -= 1;
      }
    });
    expect(await handleObjectEvent(deps({ s3: watching }), await removal(events[0]!))).toEqual(expect.objectContaining({ result: 'deleted' }));
    expect(mostRunning).toBeGreaterThan(1);
    expect(answered.indexOf(e)).toBeLessThan(answered.indexOf(d));
    expect(pointers(d)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect(pointers(e)).toEqual({ duplicateOf: d, nearDuplicateOf: null });
    // B and C are being deleted: left as they are.
    expect([b, c].map(pointers)).toEqual([
      { duplicateOf: a, nearDuplicateOf: null },
      { duplicateOf: a, nearDuplicateOf: null },
    ]);
  });

  /** A and its byte copies B to G, processed: deleting A changes six pointers (B becomes the original). */
  async function sevenCopies(base: number) {
    const bytes = await photo(160 + base);
    const imageIds = Array.from({ length: 7 }, (_, n) => id(base + n));
    const events: ObjectEvent[] = [];
    for (const imageId of imageIds) events.push(await upload(imageId, bytes));
    for (const event of events) await handleObjectEvent(deps(), event);
    const [a, b, ...later] = imageIds as [string, string, ...string[]];
    return { a, b, later, removed: await removal(events[0]!) };
  }

  it('starts no rewrite once the time left is under the margin, postpones the deletion, and its redelivery finishes it', async () => {
    const { a, b, later, removed } = await sevenCopies(90);
    // The clock runs short as soon as a rewrite is written: the first round of four was started, no more.
    let left = 120_000;
    const shortening = s3Around(async (command, send) => {
      const answer = await send();
      if (command instanceof PutObjectCommand && command.input.IfMatch) left = TIME_MARGIN_MS - 1;
      return answer;
    });
    published = [];
    expect(await handleObjectEvent(deps({ s3: shortening, timeLeft: () => left }), removed)).toEqual({
      result: 'postponed',
      imageId: a,
      why: 'out of time re-pointing its copies',
      repointed: 4,
    });
    // No tombstone and no DELETED event: the redelivery finds A still indexed. The new original was rewritten first.
    expect(index.documents.get(a)?.status).toBe('PROCESSED');
    expect(published).toEqual([]);
    expect(pointers(b)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect(later.map((copy) => pointers(copy).duplicateOf)).toEqual([b, b, b, a, a]);

    expect(await handleObjectEvent(deps(), removed)).toEqual({ result: 'deleted', imageId: a, copies: { repointed: 2, capped: false } });
    expect(later.map(pointers)).toEqual(later.map(() => ({ duplicateOf: b, nearDuplicateOf: null })));
    expect(published.map((event) => [event.imageId, event.status])).toEqual([[a, 'DELETED']]);
  });

  it('makes progress on every delivery, even one that starts its re-pointing with no time left', async () => {
    const { a, b, later } = await sevenCopies(100);
    const repoint = () => repointCopies({ s3: s3.s3, bucket: config.bucket, index, timeLeft: () => 0, signal: NO_DEADLINE }, index.documents.get(a)!);
    expect(await repoint()).toEqual({ repointed: 4, capped: false, outOfTime: true });
    expect(await repoint()).toEqual({ repointed: 2, capped: false, outOfTime: false });
    expect(pointers(b)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect(later.map(pointers)).toEqual(later.map(() => ({ duplicateOf: b, nearDuplicateOf: null })));
  });

  /** Deps whose step `name` runs `meanwhile` before it, the first time. */
  function before(name: string, meanwhile: () => Promise<unknown>, overrides: Partial<PipelineDeps> = {}): PipelineDeps {
    let done = false;
    return deps({
      ...overrides,
      step: async (step, work) => {
        if (step === name && !done) {
          done = true;
          await meanwhile();
        }
        return work();
      },
    });
  }

  it('decides again for a copy indexed after its original’s removal listed the copies, instead of pointing at the tombstone', async () => {
    const bytes = await photo(180);
    const [a, c] = [id(120), id(121)];
    const events = { a: await upload(a, bytes), c: await upload(c, bytes) };
    await handleObjectEvent(deps(), events.a);
    // C looked A up; A's whole removal runs before C is indexed, and finds no copy of A.
    const removeA = async () => {
      expect(await handleObjectEvent(deps(), await removal(events.a))).toEqual({ result: 'deleted', imageId: a, copies: { repointed: 0, capped: false } });
    };
    published = [];
    expect(await handleObjectEvent(before('index', removeA), events.c)).toEqual({ result: 'processed', imageId: c });
    expect(pointers(c)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect((await sidecarOf(c)).document).toEqual(index.documents.get(c));
    // Announced again, with the pointers it keeps.
    const announced = published.filter((event) => event.imageId === c).map((event) => (JSON.parse(event.image!) as ImageDocument).duplicateOf);
    expect(announced).toEqual([a, null]);
  });

  it('decides again for a look-alike whose original’s upload is gone before its removal is processed', async () => {
    const cups = fixturePhoto('cups');
    const [a, b, d] = [id(125), id(126), id(127)];
    const events = { a: await upload(a, cups), b: await upload(b, cups), d: await upload(d, await sharp(cups).resize(512, 320).jpeg({ quality: 60 }).toBuffer()) };
    await handleObjectEvent(deps(), events.a);
    await handleObjectEvent(deps(), events.b);
    // D looked A up; A's upload is deleted before D is indexed, A's removal runs later.
    const aRemoved = removal(events.a);
    expect(await handleObjectEvent(before('index', () => aRemoved), events.d)).toEqual({ result: 'processed', imageId: d });
    expect(pointers(d)).toEqual({ duplicateOf: null, nearDuplicateOf: b });
    expect(await handleObjectEvent(deps(), await aRemoved)).toEqual({ result: 'deleted', imageId: a, copies: { repointed: 1, capped: false } });
    expect([b, d].map(pointers)).toEqual([
      { duplicateOf: null, nearDuplicateOf: null },
      { duplicateOf: null, nearDuplicateOf: b },
    ]);
  });

  it('finishes the double check on redelivery when it failed half way', async () => {
    const bytes = await photo(190);
    const [a, c] = [id(130), id(131)];
    const events = { a: await upload(a, bytes), c: await upload(c, bytes) };
    await handleObjectEvent(deps(), events.a);
    let writesOfC = 0;
    const failingSecondWrite = Object.assign(Object.create(index) as MemoryImageIndex, {
      put: (doc: ImageDocument) => (doc.id === c && ++writesOfC === 2 ? Promise.reject(new Error('search engine 503')) : index.put(doc)),
    });
    const removeA = async () => {
      await handleObjectEvent(deps(), await removal(events.a));
    };
    await expect(handleObjectEvent(before('index', removeA, { index: failingSecondWrite }), events.c)).rejects.toThrow('search engine 503');
    expect(pointers(c)).toEqual({ duplicateOf: a, nearDuplicateOf: null });
    expect(await handleObjectEvent(deps(), events.c)).toEqual({ result: 'processed', imageId: c });
    expect(pointers(c)).toEqual({ duplicateOf: null, nearDuplicateOf: null });
    expect((await sidecarOf(c)).document).toEqual(index.documents.get(c));
    expect(await handleObjectEvent(deps(), events.c)).toEqual({ result: 'skipped', imageId: c, why: 'already processed' });
  });

  it('keeps a copy’s sidecar re-pointed when its original is deleted between its indexing and its announcement', async () => {
    const { ids, events } = await library(140);
    // A second copy F, whose removal-time re-pointing the old code then undid in its sidecar.
    const f = id(145);
    const fCreated = await upload(f, fixturePhoto('cups'));
    const removeA = async () => {
      expect(await handleObjectEvent(deps(), await removal(events.a))).toEqual(expect.objectContaining({ result: 'deleted' }));
    };
    expect(await handleObjectEvent(before('publish', removeA), fCreated)).toEqual({ result: 'processed', imageId: f });
    expect(pointers(f)).toEqual({ duplicateOf: ids.b, nearDuplicateOf: null });
    expect((await sidecarOf(f)).document).toEqual(index.documents.get(f));
  });

  async function repointWithCap(removed: ObjectEvent, maxImages: number) {
    const deleted = index.documents.get(removed.key.split('/')[2]!)!;
    expect(await repointCopies({ s3: s3.s3, bucket: config.bucket, index, timeLeft, maxImages, signal: NO_DEADLINE }, deleted)).toEqual({ repointed: 2, capped: true, outOfTime: false });
  }
});

