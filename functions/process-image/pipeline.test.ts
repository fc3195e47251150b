import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import type { ImageEventInput } from '../../schema/generated/graphql.ts';
import { thumbnailSpecs, DEFAULTS, type ProcessingConfig, type StorageConfig } from '../shared/config.ts';
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
  };
});
afterAll(() => s3.close());

beforeEach(() => {
  index = new MemoryImageIndex();
  published = [];
  visionCalls = [];
  analyses = 0;
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
    detect: (image) => detect(image),
    index,
    publish: (event) => publish(event),
    now: () => new Date('2026-11-21T12:00:00.000Z'),
    step: (_name, work) => work(),
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
    return new Proxy(s3.s3, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
        return async (command: { input: { Key?: string } }) => {
          const answer: unknown = await target.send(command as never);
          if (!done && command instanceof GetObjectCommand && command.input.Key === metaKey(OWNER, imageId)) {
            done = true;
            await meanwhile();
          }
          return answer;
        };
      },
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
    const racing = afterReadingSidecarOf(ids.c, () => writeSidecar(s3.s3, config.bucket, newer));
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

  async function repointWithCap(removed: ObjectEvent, maxImages: number) {
    const deleted = index.documents.get(removed.key.split('/')[2]!)!;
    expect(await repointCopies({ s3: s3.s3, bucket: config.bucket, index, maxImages }, deleted)).toEqual({ repointed: 2, capped: true });
  }
});

