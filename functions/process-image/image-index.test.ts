import { request as httpRequest, type RequestOptions } from 'node:http';
import type { Client } from '@opensearch-project/opensearch';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as imageQuery from '../../resolvers/Query.image.ts';
import * as imageStatsQuery from '../../resolvers/Query.imageStats.ts';
import * as similarImagesQuery from '../../resolvers/Query.similarImages.ts';
import { context, run } from '../../resolvers/__tests__/context.ts';
import { FIELD, IMAGES_INDEX, type ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { searchPlan } from '../../resolvers/lib/imageSearch.ts';
import { type FieldMapping, IMAGE_INDEX_MAPPING } from './image-index-mapping.ts';
import { deletedDocument } from './image-document.ts';
import { ImageIndex, createSearchClient } from './image-index.ts';
import { type SearchEngine, startSearchEngine } from '../../local/opensearch/start.ts';
import { type FakeResponse, type HttpFake, type RecordedRequest, startForwardingProxy } from './testing/http-fake.ts';
import { recomputeAuthorization } from './testing/sigv4.ts';
import { type Stall, startStallingServer } from '../shared/testing/stalling-server.ts';

const OWNER = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';
const LOCAL_KEY = { accessKeyId: 'LOCALKEY', secretAccessKey: 'local-secret' };
const properties: Record<string, FieldMapping> = IMAGE_INDEX_MAPPING.mappings.properties;

function imageDoc(id: string, sequencer: string, overrides: Partial<ImageDocument> = {}): ImageDocument {
  return {
    id,
    ownerSub: OWNER,
    fileName: 'beach.jpg',
    contentType: 'image/jpeg',
    bytes: 1234,
    width: 640,
    height: 480,
    format: 'JPEG',
    uploadedAt: '2025-06-01T10:00:00.000Z',
    originalKey: `uploads/${OWNER}/${id}/beach.jpg`,
    etag: `etag-${sequencer}`,
    sequencer,
    status: 'PROCESSED',
    thumbnails: [{ size: 160, width: 160, height: 160, format: 'WEBP', square: true, key: `thumbnails/${OWNER}/${id}/160s.webp` }],
    labels: [{ name: 'Beach', confidence: 99, parents: ['Nature'], categories: [], instances: [] }],
    labelNames: ['Beach'],
    detectedText: [],
    moderationLabels: [],
    moderated: false,
    faces: null,
    faceCount: 0,
    dominantColors: [{ hex: '#336699', pixelPercent: 40 }],
    location: { lat: 43.3, lon: 5.4 },
    altitude: 12,
    camera: { make: 'SONY', model: 'NEX-3N' },
    cameraName: 'SONY NEX-3N',
    sha256: 'a'.repeat(64),
    ...overrides,
  };
}


// The local search engine (local/opensearch), as the function meets it: every request goes through
// a recording proxy, which is also where a test injects a fault (throttling, a concurrent writer,
// a lost race) into the otherwise real engine.
const REGION = 'eu-west-1';
let engine: SearchEngine;
let proxy: HttpFake;
let client: Client;
/** Straight to the engine: what a test arranges or checks, not recorded. */
let direct: Client;
let index: ImageIndex;
/** When set, sees each request before it is forwarded; an answer replaces the engine's. */
let intercept: ((request: RecordedRequest) => FakeResponse | undefined | Promise<FakeResponse | undefined>) | undefined;

beforeAll(async () => {
  engine = await startSearchEngine({ dataDir: ':memory:', auth: { credentials: LOCAL_KEY, region: REGION } });
  proxy = await startForwardingProxy(engine.url, LOCAL_KEY, (request) => intercept?.(request));
  client = createSearchClient({ searchEndpoint: proxy.url, region: REGION }, LOCAL_KEY);
  direct = createSearchClient({ searchEndpoint: engine.url, region: REGION }, LOCAL_KEY);
});

beforeEach(async () => {
  intercept = undefined;
  for (const name of [IMAGES_INDEX, 'images-v2']) {
    if ((await direct.indices.exists({ index: name })).body) await direct.indices.delete({ index: name });
  }
  index = new ImageIndex(client);
  await index.ensureIndex();
  proxy.requests.length = 0;
});

afterAll(async () => {
  await Promise.all([client.close(), direct.close()]);
  await proxy.close();
  await engine.close();
});

const writes = () => proxy.requests.filter((request) => request.method === 'PUT' && request.url.includes('/_doc/'));

/** Stores `doc` straight in the engine, searchable at once; returns its _seq_no. */
async function store(doc: ImageDocument, indexName = IMAGES_INDEX): Promise<number> {
  const { body } = await direct.index({ index: indexName, id: doc.id, body: doc, refresh: true });
  return Number(body._seq_no);
}

async function stored(id: string): Promise<ImageDocument | undefined> {
  const { body } = await direct.get({ index: IMAGES_INDEX, id }, { ignore: [404] });
  return body.found ? (body._source as ImageDocument) : undefined;
}

/** Runs `arrange` once, before the next document write reaches the engine (a concurrent writer). */
function beforeNextWrite(arrange: (id: string) => Promise<unknown>): void {
  intercept = async (request) => {
    const id = /\/_doc\/([^?]+)/.exec(request.url)?.[1];
    if (request.method !== 'PUT' || !id) return undefined;
    intercept = undefined;
    await arrange(id);
    return undefined;
  };
}

describe('ImageIndex.ensureIndex', () => {
  it('creates the index with its mapping once, then finds it', async () => {
    await direct.indices.delete({ index: IMAGES_INDEX });
    await index.ensureIndex();
    await index.ensureIndex();

    const creations = proxy.requests.filter((request) => request.method === 'PUT');
    expect(creations.map((request) => request.url)).toEqual([`/${IMAGES_INDEX}`]);
    expect(JSON.parse(creations[0]?.body ?? '')).toEqual(JSON.parse(JSON.stringify(IMAGE_INDEX_MAPPING)));
    expect(proxy.requests.filter((request) => request.method === 'HEAD')).toHaveLength(2);
    expect((await direct.indices.getMapping({ index: IMAGES_INDEX })).body[IMAGES_INDEX]?.mappings.dynamic).toBe('strict');
  });

  it('accepts that another container created the index meanwhile', async () => {
    // HEAD says missing (the other container had not created it yet), then the PUT loses the race.
    intercept = (request) => (request.method === 'HEAD' ? { status: 404 } : undefined);
    await expect(index.ensureIndex()).resolves.toBeUndefined();
    expect(proxy.requests.map((request) => `${request.method} ${request.url}`)).toEqual([`HEAD /${IMAGES_INDEX}`, `PUT /${IMAGES_INDEX}`]);
  });

  it('works on another index when given one', async () => {
    const other = new ImageIndex(client, 'images-v2');
    await other.ensureIndex();
    await other.put(imageDoc('img1', '01'));

    expect(proxy.requests.map((request) => `${request.method} ${request.url.replace(/\?.*/, '')}`)).toEqual([
      'HEAD /images-v2',
      'PUT /images-v2',
      'GET /images-v2/_doc/img1',
      'PUT /images-v2/_doc/img1',
    ]);
    expect((await direct.get({ index: 'images-v2', id: 'img1' })).body._source).toEqual(imageDoc('img1', '01'));
  });
});

describe('ImageIndex.put', () => {
  it('creates a new document with op_type=create, without refreshing', async () => {
    await expect(index.put(imageDoc('img1', '0055AED6DCD90281E5'))).resolves.toBe('written');

    expect(writes().map((request) => request.url)).toEqual([`/${IMAGES_INDEX}/_doc/img1?refresh=false&op_type=create`]);
    expect(await stored('img1')).toEqual(imageDoc('img1', '0055AED6DCD90281E5'));
  });

  it('overwrites a document from an older event, conditionally on what it read', async () => {
    const seqNo = await store(imageDoc('img1', '0055AED6DCD90281E5'));
    const newer = imageDoc('img1', '0055AED6DCD90281F0', { fileName: 'renamed.jpg' });

    await expect(index.put(newer)).resolves.toBe('written');

    expect(writes().map((request) => request.url)).toEqual([`/${IMAGES_INDEX}/_doc/img1?refresh=false&if_seq_no=${seqNo}&if_primary_term=1`]);
    expect(await stored('img1')).toEqual(newer);
  });

  it('compares sequencers of different lengths as left-padded hex', async () => {
    await store(imageDoc('img1', 'FF'));
    await expect(index.put(imageDoc('img1', '0100'))).resolves.toBe('written');
    await expect(index.put(imageDoc('img1', 'ff'))).resolves.toBe('stale');
  });

  it('writes nothing and says stale when the stored document came from a newer event', async () => {
    const newer = imageDoc('img1', '0055AED6DCD90281F0');
    await store(newer);

    await expect(index.put(imageDoc('img1', '0055AED6DCD90281E5'))).resolves.toBe('stale');

    expect(writes()).toEqual([]);
    expect(await stored('img1')).toEqual(newer);
  });

  it('rewrites on the same event again (a redelivery, or the next step of the same run)', async () => {
    await store(imageDoc('img1', '0055AED6DCD90281E5', { status: 'PROCESSING' }));
    await expect(index.put(imageDoc('img1', '0055AED6DCD90281E5'))).resolves.toBe('written');
    expect((await stored('img1'))?.status).toBe('PROCESSED');
  });

  it('retries after a concurrent writer, and keeps the write when it still wins', async () => {
    await store(imageDoc('img1', '01'));
    beforeNextWrite((id) => store(imageDoc(id, '02')));

    await expect(index.put(imageDoc('img1', '03'))).resolves.toBe('written');

    expect(writes()).toHaveLength(2);
    expect((await stored('img1'))?.sequencer).toBe('03');
  });

  it('gives way when a concurrent writer stored a newer event between read and write', async () => {
    beforeNextWrite((id) => store(imageDoc(id, '09')));

    await expect(index.put(imageDoc('img1', '03'))).resolves.toBe('stale');

    expect(writes()).toHaveLength(1);
    expect((await stored('img1'))?.sequencer).toBe('09');
  });

  it('leaves the newest event in place whatever order concurrent writers run in', async () => {
    const sequencers = ['0A', '03', '0F', '01', '0C', '07'];
    const results = await Promise.all(sequencers.map((sequencer) => index.put(imageDoc('img1', sequencer))));

    expect((await stored('img1'))?.sequencer).toBe('0F');
    expect(results[sequencers.indexOf('0F')]).toBe('written');
  });

  it('throws after too many conflicts in a row, for SQS to retry later', async () => {
    // Another writer gets in before every attempt.
    intercept = async (request) => {
      const id = /\/_doc\/([^?]+)/.exec(request.url)?.[1];
      if (request.method === 'PUT' && id) await store(imageDoc(id, '01'));
      return undefined;
    };
    await expect(index.put(imageDoc('img1', '02'))).rejects.toMatchObject({ name: 'ResponseError', statusCode: 409 });
    expect(writes()).toHaveLength(5);
  });

  it('propagates throttling (429) without writing', async () => {
    intercept = (request) =>
      request.method === 'PUT' && request.url.includes('/_doc/')
        ? { status: 429, body: { error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' }, status: 429 } }
        : undefined;
    await expect(index.put(imageDoc('img1', '01'))).rejects.toMatchObject({ name: 'ResponseError', statusCode: 429 });
    expect(await stored('img1')).toBeUndefined();
  });

  it('propagates a refused document (strict mapping) as an error', async () => {
    const withExtra = { ...imageDoc('img1', '01'), originalUrl: 'https://example.com/x' } as ImageDocument;
    await expect(index.put(withExtra)).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('strict_dynamic_mapping_exception') });
    expect(await stored('img1')).toBeUndefined();
  });

  it('propagates connection failures', async () => {
    const unreachable = createSearchClient({ searchEndpoint: 'http://127.0.0.1:9', region: REGION }, LOCAL_KEY);
    await expect(new ImageIndex(unreachable).put(imageDoc('img1', '01'))).rejects.toMatchObject({ name: 'ConnectionError' });
    await unreachable.close();
  });

  // A short searchTimeoutMs, as a config would set it; asserted: the call ends, how, and after how
  // many attempts, never how long it took.
  it.each<[Stall, string, RegExp]>([
    ['before-headers', 'TimeoutError', /timed out/],
    ['in-body', 'ConnectionError', /aborted while reading the body/],
  ])('gives up on an engine that stalls %s with %s, after three attempts', async (stall, name, message) => {
    const server = await startStallingServer({ stall });
    const stalledClient = createSearchClient({ searchEndpoint: server.url, region: REGION, searchTimeoutMs: 300 }, LOCAL_KEY);
    try {
      await expect(new ImageIndex(stalledClient).put(imageDoc('img1', '01'))).rejects.toMatchObject({ name, message: expect.stringMatching(message) as string });
      expect(server.stalled).toEqual(Array.from({ length: 3 }, () => `GET /${IMAGES_INDEX}/_doc/img1`));
    } finally {
      await stalledClient.close();
      await server.close();
    }
  });

  it('aborts a request when its signal does (the invocation\'s deadline), closing the connection, without retrying it', async () => {
    const server = await startStallingServer({ stall: 'before-headers' });
    const stalledClient = createSearchClient({ searchEndpoint: server.url, region: REGION }, LOCAL_KEY);
    const deadline = new AbortController();
    try {
      const put = new ImageIndex(stalledClient).abortingOn(deadline.signal).put(imageDoc('img1', '01'));
      await expect.poll(() => server.stalled).toHaveLength(1);
      deadline.abort();
      await expect(put).rejects.toMatchObject({ name: 'RequestAbortedError' });
      await expect.poll(() => server.abandoned).toEqual([`GET /${IMAGES_INDEX}/_doc/img1`]);
      expect(server.stalled).toHaveLength(1);
      // Once aborted, nothing more is sent.
      await expect(new ImageIndex(stalledClient).abortingOn(deadline.signal).get('img1')).rejects.toMatchObject({ name: 'RequestAbortedError' });
      expect(server.stalled).toHaveLength(1);
    } finally {
      await stalledClient.close();
      await server.close();
    }
  });
});

describe('ImageIndex.markDeleted', () => {
  it('replaces the document by a tombstone holding nothing the user deleted', async () => {
    await store(imageDoc('img1', '01'));

    await expect(index.markDeleted(OWNER, 'img1', '02')).resolves.toBe('written');

    const tombstone = await stored('img1');
    expect(tombstone).toEqual(deletedDocument(OWNER, 'img1', '02'));
    expect(tombstone).toMatchObject({ id: 'img1', ownerSub: OWNER, status: 'DELETED', sequencer: '02', etag: '', labels: [], location: null });
    expect(tombstone?.sha256).toBeUndefined();
  });

  it('blocks an older ObjectCreated that arrives after the deletion', async () => {
    await index.markDeleted(OWNER, 'img1', '05');
    await expect(index.put(imageDoc('img1', '04'))).resolves.toBe('stale');
    expect((await stored('img1'))?.status).toBe('DELETED');
  });

  it('answers once search shows the tombstone (refresh=wait_for), so the DELETED event that follows finds search up to date', async () => {
    await store(imageDoc('img1', '01'));
    await index.markDeleted(OWNER, 'img1', '02');
    expect(writes().map((request) => request.url)).toEqual([`/${IMAGES_INDEX}/_doc/img1?refresh=wait_for&if_seq_no=0&if_primary_term=1`]);
  });

  it('is stale itself when the image was uploaded again after the deletion', async () => {
    await store(imageDoc('img1', '07'));
    await expect(index.markDeleted(OWNER, 'img1', '05')).resolves.toBe('stale');
    expect((await stored('img1'))?.status).toBe('PROCESSED');
  });
});

describe('ImageIndex.get', () => {
  it('returns the stored document, a tombstone included', async () => {
    await store(imageDoc('img1', '01'));
    await expect(index.get('img1')).resolves.toEqual(imageDoc('img1', '01'));
    await index.markDeleted(OWNER, 'img1', '02');
    await expect(index.get('img1')).resolves.toMatchObject({ status: 'DELETED' });
  });

  it('returns null for a missing document and for a missing index', async () => {
    await expect(index.get('nope')).resolves.toBeNull();
    await direct.indices.delete({ index: IMAGES_INDEX });
    await expect(index.get('nope')).resolves.toBeNull();
  });
});

describe('ImageIndex.findFirstWithSha256', () => {
  const SHA = 'b'.repeat(64);
  const uploaded = (day: number) => `2025-06-0${day}T00:00:00.000Z`;

  it("finds the owner's earliest other non-deleted image with those bytes, uploaded no later", async () => {
    await store(imageDoc('img1', '01', { sha256: SHA, uploadedAt: uploaded(2) }));
    await store(imageDoc('img2', '01', { sha256: SHA, uploadedAt: uploaded(1) }));
    await store(imageDoc('img0', '01', { sha256: SHA, uploadedAt: uploaded(1) }));
    // None of these may be the answer: later, deleted, another owner's, other bytes.
    await store(imageDoc('img3', '01', { sha256: SHA, uploadedAt: uploaded(3) }));
    await store({ ...deletedDocument(OWNER, 'img4', '02'), sha256: SHA, uploadedAt: '2025-05-01T00:00:00.000Z' });
    await store(imageDoc('img5', '01', { sha256: SHA, uploadedAt: '2025-05-01T00:00:00.000Z', ownerSub: '0a1b2c3d-2222-4222-8222-bbbbbbbbbbbb' }));
    await store(imageDoc('img6', '01', { sha256: 'c'.repeat(64), uploadedAt: '2025-05-01T00:00:00.000Z' }));

    // Same upload instant: the id breaks the tie, so img0 is the original and img2 its copy, never
    // each other's copy (both would then be hidden as duplicates).
    await expect(index.findFirstWithSha256(OWNER, SHA, { id: 'img1', uploadedAt: uploaded(2) })).resolves.toBe('img0');
    await expect(index.findFirstWithSha256(OWNER, SHA, { id: 'img2', uploadedAt: uploaded(1) })).resolves.toBe('img0');
    await expect(index.findFirstWithSha256(OWNER, SHA, { id: 'img0', uploadedAt: uploaded(1) })).resolves.toBeNull();
    expect(proxy.requests.map((request) => `${request.method} ${request.url}`)).toEqual(Array(3).fill(`POST /${IMAGES_INDEX}/_search`));
  });

  it('returns null when there is no such image', async () => {
    await store(imageDoc('img1', '01', { sha256: SHA, uploadedAt: uploaded(2) }));
    await expect(index.findFirstWithSha256(OWNER, SHA, { id: 'img1', uploadedAt: uploaded(2) })).resolves.toBeNull();
  });

  it('leaves out the ids it is told to (images being deleted, not yet tombstones)', async () => {
    await store(imageDoc('img0', '01', { sha256: SHA, uploadedAt: uploaded(1) }));
    await store(imageDoc('img1', '01', { sha256: SHA, uploadedAt: uploaded(2) }));
    const image = { id: 'img2', uploadedAt: uploaded(3) };
    await expect(index.findFirstWithSha256(OWNER, SHA, image, ['img0'])).resolves.toBe('img1');
    await expect(index.findFirstWithSha256(OWNER, SHA, image, ['img0', 'img1'])).resolves.toBeNull();
  });
});

describe('ImageIndex.refresh', () => {
  it('asks the engine to make every write searchable now', async () => {
    await index.refresh();
    // GET is what the client sends; OpenSearch takes GET and POST alike.
    expect(proxy.requests.map((request) => `${request.method} ${request.url}`)).toEqual([`GET /${IMAGES_INDEX}/_refresh`]);
  });
});

describe('ImageIndex.findLinkedImages', () => {
  const SHA = 'd'.repeat(64);
  const BOB = '0a1b2c3d-2222-4222-8222-bbbbbbbbbbbb';
  // 230 copies over 3 pages; every third shares its upload instant with the one before, so the id orders them.
  const copies = Array.from({ length: 230 }, (_, n) =>
    imageDoc(`copy${String(n).padStart(3, '0')}`, '01', { sha256: SHA, uploadedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, n - (n % 3 === 2 ? 1 : 0))).toISOString() }),
  );
  const searches = () => proxy.requests.filter((request) => request.url === `/${IMAGES_INDEX}/_search`);

  beforeEach(async () => {
    // Shuffled, so that the order comes from the query, not from insertion.
    const shuffled = [...copies].sort((a, b) => (a.id.split('').reverse().join('') < b.id.split('').reverse().join('') ? -1 : 1));
    await index.bulkPut([
      ...shuffled,
      // None of these is listed: the deleted original itself, a tombstone, another owner's, other bytes.
      imageDoc('original', '01', { sha256: SHA, uploadedAt: '2024-01-01T00:00:00.000Z' }),
      { ...deletedDocument(OWNER, 'gone', '02'), sha256: SHA },
      imageDoc('bobs', '01', { sha256: SHA, ownerSub: BOB }),
      imageDoc('other', '01', { sha256: 'e'.repeat(64) }),
      imageDoc('near1', '01', { nearDuplicateOf: 'original', uploadedAt: '2025-02-01T00:00:00.000Z' }),
      imageDoc('near0', '01', { nearDuplicateOf: 'original', uploadedAt: '2025-03-01T00:00:00.000Z' }),
      imageDoc('dup1', '01', { duplicateOf: 'original', uploadedAt: '2025-02-01T00:00:00.000Z' }),
    ]);
    proxy.requests.length = 0;
  });

  it("lists the owner's other live images with those bytes in upload order, page after page with search_after", async () => {
    const { images, more } = await index.findLinkedImages(OWNER, 'sha256', SHA, 'original', 500);
    // `copies` is in upload order (uploadedAt, then id).
    expect(images.map((image) => image.id)).toEqual(copies.map((copy) => copy.id));
    expect(images[0]).toEqual({ id: 'copy000', uploadedAt: copies[0]!.uploadedAt, sequencer: '01', originalKey: copies[0]!.originalKey, sha256: SHA });
    expect(more).toBe(false);
    const bodies = searches().map((request) => JSON.parse(request.body) as { size: number; search_after?: unknown[] });
    expect(bodies.map((body) => body.size)).toEqual([100, 100, 100]);
    expect(bodies[0]?.search_after).toBeUndefined();
    expect(bodies[1]?.search_after).toEqual([Date.parse(copies[99]!.uploadedAt), 'copy099']);
  });

  it('stops at the limit and says there were more', async () => {
    const { images, more } = await index.findLinkedImages(OWNER, 'sha256', SHA, 'original', 150);
    expect(images.map((image) => image.id)).toEqual(copies.slice(0, 150).map((copy) => copy.id));
    expect(more).toBe(true);
    expect(searches().map((request) => (JSON.parse(request.body) as { size: number }).size)).toEqual([100, 51]);
    await expect(index.findLinkedImages(OWNER, 'sha256', SHA, 'original', 230)).resolves.toMatchObject({ more: false });
    await expect(index.findLinkedImages(OWNER, 'sha256', SHA, 'original', 0)).resolves.toEqual({ images: [], more: true });
  });

  it('lists the near-duplicates of an image by their pointer, and none of another owner', async () => {
    const near = await index.findLinkedImages(OWNER, 'nearDuplicateOf', 'original', 'original', 10);
    expect(near.images.map((image) => [image.id, image.nearDuplicateOf])).toEqual([
      ['near1', 'original'],
      ['near0', 'original'],
    ]);
    await expect(index.findLinkedImages(BOB, 'nearDuplicateOf', 'original', 'original', 10)).resolves.toEqual({ images: [], more: false });
  });

  it('lists the byte copies of an image by their pointer (duplicateOf)', async () => {
    const byPointer = await index.findLinkedImages(OWNER, 'duplicateOf', 'original', 'original', 1);
    expect(byPointer.images.map((image) => [image.id, image.duplicateOf])).toEqual([['dup1', 'original']]);
    expect(byPointer.more).toBe(false);
    await expect(index.findLinkedImages(OWNER, 'duplicateOf', 'copy000', 'copy000', 1)).resolves.toEqual({ images: [], more: false });
  });
});

describe('ImageIndex.findNearDuplicate', () => {
  it('leaves out the ids it is told to (an image being deleted, not yet a tombstone)', async () => {
    const at = (day: number) => `2025-06-0${day}T00:00:00.000Z`;
    const hash = '00ff00ff00ff00ff';
    await index.bulkPut([
      imageDoc('first', '01', { perceptualHash: hash, uploadedAt: at(1) }),
      imageDoc('second', '01', { perceptualHash: '00ff00ff00ff00fe', uploadedAt: at(2) }),
      imageDoc('later', '01', { perceptualHash: hash, uploadedAt: at(4) }),
    ]);
    const image = { id: 'later', uploadedAt: at(4) };
    await expect(index.findNearDuplicate(OWNER, hash, image)).resolves.toBe('first');
    await expect(index.findNearDuplicate(OWNER, hash, image, ['first'])).resolves.toBe('second');
    await expect(index.findNearDuplicate(OWNER, hash, image, ['first', 'second'])).resolves.toBeNull();
  });
});

describe('ImageIndex.bulkPut', () => {
  it('writes every document in one bulk request and reports the ones refused', async () => {
    const refused = { ...imageDoc('img2', '01'), unexpected: true } as ImageDocument;

    const result = await index.bulkPut([imageDoc('img1', '01'), refused, imageDoc('img3', '01')]);

    expect(result).toEqual({ written: 2, failed: [{ id: 'img2', reason: expect.stringMatching(/^strict_dynamic_mapping_exception: .*\[unexpected\]/) }] });
    expect(proxy.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /_bulk?refresh=false']);
    expect(proxy.requests[0]?.body.split('\n')[0]).toBe(JSON.stringify({ index: { _index: IMAGES_INDEX, _id: 'img1' } }));
    expect([await stored('img1'), await stored('img2'), await stored('img3')].map((doc) => doc?.id)).toEqual(['img1', undefined, 'img3']);
  });

  it('sends nothing for nothing', async () => {
    await expect(index.bulkPut([])).resolves.toEqual({ written: 0, failed: [] });
    expect(proxy.requests).toEqual([]);
  });
});

describe('IMAGE_INDEX_MAPPING', () => {
  function mappingAt(path: string): FieldMapping | undefined {
    const [field = '', subfield] = path.split('.');
    const mapping = properties[field];
    return subfield ? (mapping && 'fields' in mapping ? mapping.fields?.[subfield] : undefined) : mapping;
  }

  it('maps every field the resolvers query', () => {
    const missing = Object.values(FIELD).filter((path) => !mappingAt(path));
    expect(missing).toEqual([]);
  });

  it('refuses unmapped fields instead of guessing their type', () => {
    expect(IMAGE_INDEX_MAPPING.mappings.dynamic).toBe('strict');
  });

  it('keeps nested structures out of the index: their flattened fields are what is searched', () => {
    for (const field of ['labels', 'thumbnails', 'faces', 'camera', 'moderationLabels', 'dominantColors']) {
      expect(properties[field]).toEqual({ type: 'object', enabled: false });
    }
  });

  /** Each field every query uses, with what the query does with it. */
  function fieldUses(node: unknown, uses: [string, string][] = []): [string, string][] {
    if (Array.isArray(node)) {
      for (const item of node) fieldUses(item, uses);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        const clause = value as Record<string, unknown>;
        if ((key === 'term' || key === 'terms') && typeof clause.field !== 'string') uses.push(...Object.keys(clause).map((f): [string, string] => [f, 'exact']));
        else if (key === 'terms' || key === 'date_histogram') uses.push([clause.field as string, key === 'terms' ? 'exact' : 'date']);
        else if (key === 'range') uses.push(...Object.keys(clause).map((f): [string, string] => [f, 'range']));
        else if (key === 'exists' || key === 'value_count') uses.push([clause.field as string, 'exact']);
        else if (key === 'geo_distance') uses.push(...Object.keys(clause).filter((f) => f !== 'distance').map((f): [string, string] => [f, 'geo']));
        else if (key === 'multi_match') uses.push(...(clause.fields as string[]).map((f): [string, string] => [f.replace(/\^.*$/, ''), 'text']));
        else if (key === 'more_like_this') uses.push(...(clause.fields as string[]).map((f): [string, string] => [f, 'similar']));
        else if (key === 'match') uses.push(...Object.keys(clause).map((f): [string, string] => [f, 'text']));
        else if (key === 'sort') uses.push(...(value as object[]).flatMap((s) => Object.keys(s)).filter((f) => f !== '_score').map((f): [string, string] => [f, 'sort']));
        else fieldUses(value, uses);
      }
    }
    return uses;
  }

  const FITS: Record<string, FieldMapping['type'][]> = {
    exact: ['keyword', 'boolean'],
    range: ['integer', 'long', 'float', 'date'],
    sort: ['keyword', 'integer', 'long', 'float', 'date'],
    geo: ['geo_point'],
    text: ['text'],
    date: ['date'],
    similar: ['text', 'keyword'],
  };

  it('gives every field each query uses a type that query works on', async () => {
    const filter = {
      labels: ['Dog'],
      takenAfter: '2020-01-01T00:00:00Z',
      takenBefore: '2021-01-01T00:00:00Z',
      uploadedAfter: '2020-01-01T00:00:00Z',
      uploadedBefore: '2021-01-01T00:00:00Z',
      formats: ['JPEG' as const],
      minWidth: 100,
      minHeight: 100,
      hasFaces: false,
      near: { lat: 1, lon: 2, radiusKm: 3 },
      camera: 'SONY NEX-3N',
      includeModerated: false,
    };
    await index.findFirstWithSha256(OWNER, 'c'.repeat(64), { id: 'img1', uploadedAt: '2025-06-02T00:00:00.000Z' });
    const bodies = [
      ...(['RELEVANCE', 'NEWEST', 'OLDEST', 'TAKEN'] as const).map((sort) => searchPlan(OWNER, { query: 'dog', filter, sort }).body),
      searchPlan(OWNER, { filter: { hasFaces: true, statuses: ['FAILED'], hideDuplicates: true } }).body,
      searchPlan(OWNER, { filter: { onlyDuplicates: true } }).body,
      (run(imageQuery.request, context({ args: { id: '01J0MAGE1NDEXTEST000000MG1' } })).result as { params: { body: unknown } }).params.body,
      (run(imageStatsQuery.request, context()).result as { params: { body: unknown } }).params.body,
      (run(similarImagesQuery.request, context({ args: { id: '01J0MAGE1NDEXTEST000000MG1' } })).result as { params: { body: unknown } }).params.body,
      JSON.parse(proxy.requests[0]?.body ?? '{}') as unknown,
    ];

    const uses = bodies.flatMap((body) => fieldUses(body));
    // The walk reaches every field the resolvers name, so it cannot pass by seeing nothing.
    expect(uses.map(([field]) => field)).toEqual(expect.arrayContaining(Object.values(FIELD)));
    const misfits = uses
      .filter(([field, use]) => !(FITS[use] ?? []).includes(mappingAt(field)?.type as FieldMapping['type']))
      .map(([field, use]) => `${use} on ${field} (${mappingAt(field)?.type ?? 'unmapped'})`);
    expect(new Set(misfits)).toEqual(new Set());
  });
});

describe('createSearchClient', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('signs requests to an https endpoint with SigV4 for es, with credentials from the default chain', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', credentials.sessionToken);
    const signed = createSearchClient({ searchEndpoint: proxy.url.replace('http:', 'https:'), region: 'eu-west-1' });
    // The proxy speaks plain HTTP: the connection is pointed at it below TLS, after signing.
    const [connection] = signed.connectionPool.connections as unknown as { makeRequest: (options: RequestOptions) => unknown }[];
    if (connection) connection.makeRequest = (options) => httpRequest({ ...options, protocol: 'http:', agent: undefined });
    await store(imageDoc('img1', '01'));

    await expect(new ImageIndex(signed).get('img1')).resolves.toMatchObject({ id: 'img1' });

    const [request] = proxy.requests;
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=.*x-amz-security-token.*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-security-token']).toBe('session-token');
    expect(await recomputeAuthorization(request!, { service: 'es', region: 'eu-west-1', credentials })).toBe(request?.headers.authorization);
    await signed.close();
  });

  it('signs requests to an http endpoint (the local engine) too, with the credentials it is given', async () => {
    await index.get('img1');
    const [request] = proxy.requests;
    expect(request?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=LOCALKEY\/\d{8}\/eu-west-1\/es\/aws4_request, /);
    expect(await recomputeAuthorization(request!, { service: 'es', region: 'eu-west-1', credentials: LOCAL_KEY })).toBe(request?.headers.authorization);
  });
});
