import type { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletedDocument } from '../../functions/process-image/image-document.ts';
import { IMAGE_INDEX_MAPPING } from '../../functions/process-image/image-index-mapping.ts';
import { ImageIndex, createSearchClient } from '../../functions/process-image/image-index.ts';
import * as imageQuery from '../../resolvers/Query.image.ts';
import * as imageStatsQuery from '../../resolvers/Query.imageStats.ts';
import { ALICE, BOB, cognitoIdentity, context, run } from '../../resolvers/__tests__/context.ts';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { searchPlan } from '../../resolvers/lib/imageSearch.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { MISMATCH_MESSAGE } from '../sigv4.ts';
import { REFUSAL_CASES, type RefusalCase, sendCall } from '../testing/sigv4-refusals.ts';
import { startSearchEngine, type SearchEngine } from './start.ts';

/** Image ids are ULIDs, as requestUpload makes them (the API refuses anything else). */
const A1 = '01J0SERVERTEST0000000000A1';
const REGION = 'us-east-1';
let engine: SearchEngine;
let client: Client;

beforeAll(async () => {
  engine = await startSearchEngine({ dataDir: ':memory:', port: 0, auth: { credentials: LOCAL_CREDENTIALS, region: REGION } });
  client = createSearchClient({ searchEndpoint: engine.url, region: REGION }, LOCAL_CREDENTIALS);
});
afterAll(async () => {
  await client.close();
  await engine.close();
});

function image(id: string, ownerSub: string, fields: Partial<ImageDocument> = {}): ImageDocument {
  return {
    ...deletedDocument(ownerSub, id, `0${id}`),
    status: 'PROCESSED',
    fileName: `${id}.jpg`,
    uploadedAt: '2024-01-01T00:00:00.000Z',
    sha256: `sha-${id}`,
    ...fields,
  };
}

describe('the REST API through the real client', () => {
  it('GET / answers an OpenSearch 2.19.0 version block', async () => {
    const { body } = await client.info();
    expect(body.version).toMatchObject({ number: '2.19.0', distribution: 'opensearch' });
  });

  it('ImageIndex end to end: ensureIndex, put, stale, get, markDeleted, findFirstWithSha256, bulkPut', async () => {
    const index = new ImageIndex(client, 'images-e2e');
    await index.ensureIndex();
    await index.ensureIndex();
    expect((await client.indices.exists({ index: 'images-e2e' })).body).toBe(true);

    const first = image('img1', ALICE, { sequencer: '0002', uploadedAt: '2024-01-01T00:00:00.000Z', sha256: 'same' });
    expect(await index.put(first)).toBe('written');
    expect(await index.put({ ...first, sequencer: '0001', fileName: 'old.jpg' })).toBe('stale');
    expect(await index.put({ ...first, fileName: 'again.jpg' })).toBe('written');
    expect((await index.get('img1'))?.fileName).toBe('again.jpg');
    expect(await index.get('missing')).toBeNull();

    const copy = image('img2', ALICE, { sequencer: '0003', uploadedAt: '2024-02-01T00:00:00.000Z', sha256: 'same' });
    expect(await index.put(copy)).toBe('written');
    expect(await index.findFirstWithSha256(ALICE, 'same', { id: 'img2', uploadedAt: copy.uploadedAt })).toBe('img1');
    expect(await index.findFirstWithSha256(BOB, 'same', { id: 'img2', uploadedAt: copy.uploadedAt })).toBeNull();

    expect(await index.markDeleted(ALICE, 'img1', '0009')).toBe('written');
    expect((await index.get('img1'))?.status).toBe('DELETED');
    expect(await index.findFirstWithSha256(ALICE, 'same', { id: 'img2', uploadedAt: copy.uploadedAt })).toBeNull();

    const bad = { ...image('img4', ALICE), unmapped: true } as unknown as ImageDocument;
    const result = await index.bulkPut([image('img3', ALICE), bad]);
    expect(result.written).toBe(1);
    expect(result.failed).toEqual([
      { id: 'img4', reason: 'strict_dynamic_mapping_exception: mapping set to strict, dynamic introduction of [unmapped] within [_doc] is not allowed' },
    ]);
  });

  it('ImageIndex.findNearDuplicate: the owner’s earliest earlier image within 8 bits, by the k-NN query; recreateIndex', async () => {
    const index = new ImageIndex(client, 'images-near');
    await index.ensureIndex();
    const at = (day: number) => `2024-03-${String(day).padStart(2, '0')}T00:00:00.000Z`;
    // Hashes 0, 3, 8 and 9 bits away from 0000000000000000; Bob's is identical.
    await index.bulkPut([
      image('n1', ALICE, { uploadedAt: at(1), perceptualHash: '00000000000000ff' }), // 8 bits: the earliest within
      image('n2', ALICE, { uploadedAt: at(2), perceptualHash: '0000000000000007' }), // 3 bits, later
      image('n3', ALICE, { uploadedAt: at(3), perceptualHash: '00000000000001ff' }), // 9 bits: too far
      image('n9', ALICE, { uploadedAt: at(9), perceptualHash: '0000000000000000' }), // later than the image
      image('b1', BOB, { uploadedAt: at(1), perceptualHash: '0000000000000000' }), // another owner's
    ]);
    await client.indices.refresh({ index: 'images-near' });
    const image5 = { id: 'n5', uploadedAt: at(5) };
    expect(await index.findNearDuplicate(ALICE, '0000000000000000', image5)).toBe('n1');
    expect(await index.findNearDuplicate(BOB, '0000000000000000', image5)).toBe('b1');
    expect(await index.findNearDuplicate(ALICE, 'ffffffffffffffff', image5)).toBeNull();
    // Deleted images and the image itself are never candidates.
    await index.markDeleted(ALICE, 'n1', '0zzz');
    expect(await index.findNearDuplicate(ALICE, '0000000000000000', image5)).toBe('n2');
    expect(await index.findNearDuplicate(ALICE, '0000000000000007', { id: 'n2', uploadedAt: at(2) })).toBeNull();
    // The vector is derived from perceptualHash on every write.
    const { body } = await client.get({ index: 'images-near', id: 'n2' });
    expect((body._source as Record<string, unknown>).perceptualHashVector).toEqual([0, 0, 0, 0, 0, 0, 0, 7]);

    await index.recreateIndex();
    expect((await client.count({ index: 'images-near' })).body.count).toBe(0);
  });

  it('bulk reports a failing item without failing the others', async () => {
    const { body } = await client.bulk({
      index: 'bulk-test',
      body: [{ index: { _id: '1' } }, { n: 1 }, { create: { _id: '1' } }, { n: 2 }, { delete: { _id: 'nope' } }],
    });
    expect(body.errors).toBe(true);
    expect(body.items.map((item) => Object.values(item)[0]?.status)).toEqual([201, 409, 404]);
    expect(body.items[1]?.create?.error?.type).toBe('version_conflict_engine_exception');
  });

  it('errors come back in the OpenSearch envelope', async () => {
    const response = await sendCall(signedCall('/bulk-test/_search', { query: { fuzzy_foo: {} } }));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { root_cause: [{ type: 'parsing_exception', reason: 'unknown query [fuzzy_foo]' }], type: 'parsing_exception' }, status: 400 });
    const missing = await client.get({ index: 'no-such-index', id: '1' }, { ignore: [404] });
    expect((missing.body as unknown as { error: { type: string } }).error.type).toBe('index_not_found_exception');
  });
});

/** A request to the engine, for sendCall to sign (or not) with the key pair it accepts. */
function signedCall(path: string, body: unknown) {
  const text = JSON.stringify(body);
  return { url: `${engine.url}${path}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: text, service: 'es', region: REGION, credentials: LOCAL_CREDENTIALS };
}

describe('authentication, as Amazon OpenSearch Service with IAM access does it', () => {
  const INDEX = 'auth-test';
  const count = async () => (await client.count({ index: INDEX })).body.count;
  // What the attacker sent: delete every owner's documents.
  const deleteEverything = () => signedCall(`/${INDEX}/_delete_by_query`, { query: { match_all: {} } });
  const messages: Record<RefusalCase, string | RegExp> = {
    unsigned: 'User: anonymous is not authorized to perform: es:ESHttpPost because no resource-based policy allows the es:ESHttpPost action',
    'unknown key': 'The security token included in the request is invalid.',
    'wrong secret': MISMATCH_MESSAGE,
    'skewed date': /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    'wrong service': "Credential should be scoped to correct service: 'es'. ",
    'wrong region': "Credential should be scoped to a valid region, not 'eu-west-3'. ",
    'foreign Host': /^Host 'attacker\.example:\d+' is not this local service's address/,
    'foreign Origin': "The local search engine is not called from browsers: requests from origin 'http://attacker.example' are refused.",
  };

  beforeAll(async () => {
    await client.bulk({ refresh: true, body: [{ index: { _index: INDEX, _id: 'alice-1' } }, { ownerSub: ALICE }, { index: { _index: INDEX, _id: 'bob-1' } }, { ownerSub: BOB }] });
  });

  it.each(REFUSAL_CASES)('refuses a _delete_by_query with %s (403 and a bare message), and deletes nothing', async (wrong) => {
    const reply = await sendCall(deleteEverything(), wrong);
    expect(reply.status, reply.body).toBe(403);
    const body = JSON.parse(reply.body) as { message: string };
    expect(Object.keys(body)).toEqual(['message']);
    expect(body.message).toMatch(messages[wrong]);
    expect(await count()).toBe(2);
  });

  it('refuses the real client signing with another key, another secret or another region', async () => {
    const wrongClients = [
      createSearchClient({ searchEndpoint: engine.url, region: REGION }, { ...LOCAL_CREDENTIALS, accessKeyId: 'AKIAOTHERUSER0000000' }),
      createSearchClient({ searchEndpoint: engine.url, region: REGION }, { ...LOCAL_CREDENTIALS, secretAccessKey: 'not-the-secret' }),
      createSearchClient({ searchEndpoint: engine.url, region: 'eu-west-3' }, LOCAL_CREDENTIALS),
    ];
    for (const wrong of wrongClients) {
      await expect(wrong.search({ index: INDEX, body: { query: { match_all: {} } } })).rejects.toMatchObject({ meta: { statusCode: 403 } });
      await wrong.close();
    }
  });

  it('serves the same request correctly signed', async () => {
    const reply = await sendCall(deleteEverything());
    expect(reply.status, reply.body).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ deleted: 2 });
    expect(await count()).toBe(0);
  });
});

describe("the resolvers' request bodies", () => {
  const INDEX = 'images';
  beforeAll(async () => {
    await client.indices.create({ index: INDEX, body: IMAGE_INDEX_MAPPING });
    const docs = [
      image(A1, ALICE, { labelNames: ['Beach', 'Sea'], format: 'JPEG', takenAt: '2021-07-01T10:00:00.000Z', uploadedAt: '2024-03-01T00:00:00.000Z' }),
      image('a2', ALICE, { labelNames: ['Mountain'], fileName: 'beach-sunset.png', format: 'PNG', takenAt: '2023-01-01T00:00:00.000Z', uploadedAt: '2024-02-01T00:00:00.000Z' }),
      image('a3', ALICE, { labelNames: ['Beach'], moderated: true, uploadedAt: '2024-01-01T00:00:00.000Z' }),
      image('a4', ALICE, { status: 'FAILED', uploadedAt: '2024-04-01T00:00:00.000Z' }),
      image('b1', BOB, { labelNames: ['Beach'], format: 'JPEG' }),
    ];
    await client.bulk({ refresh: true, body: docs.flatMap((doc) => [{ index: { _index: INDEX, _id: doc.id } }, doc]) });
  });

  it('searchImages: fuzzy text across fields, owner filter, moderated hidden, facets', async () => {
    const plan = searchPlan(ALICE, { query: 'beahc' });
    const { body } = await client.search({ index: INDEX, body: plan.body });
    // "beach" is rare in file names (high idf) but a file-name-only match still ranks below a label.
    expect(body.hits.hits.map((h) => h._id)).toEqual([A1, 'a2']);
    expect(body.hits.total).toEqual({ value: 2, relation: 'eq' });
    const aggs = body.aggregations as Record<string, { buckets: { key: string; key_as_string?: string; doc_count: number }[] }>;
    expect(aggs.labels?.buckets).toEqual([{ key: 'Beach', doc_count: 1 }, { key: 'Mountain', doc_count: 1 }, { key: 'Sea', doc_count: 1 }]);
    expect(aggs.years?.buckets.map((b) => [b.key_as_string, b.doc_count])).toEqual([['2021', 1], ['2023', 1]]);
  });

  it('searchImages: newest first, then the next page by search_after', async () => {
    const page1 = await client.search({ index: INDEX, body: { ...searchPlan(ALICE, { first: 2 }).body, size: 2 } });
    expect(page1.body.hits.hits.map((h) => h._id)).toEqual(['a4', A1]);
    const after = page1.body.hits.hits[1]?.sort;
    const page2 = await client.search({ index: INDEX, body: { ...searchPlan(ALICE, { first: 2 }).body, size: 2, search_after: after } });
    expect(page2.body.hits.hits.map((h) => h._id)).toEqual(['a2']);
  });

  it('Query.image and Query.imageStats', async () => {
    const imageRequest = run(imageQuery.request, context({ args: { id: A1 }, identity: cognitoIdentity(BOB) })).result;
    if (!imageRequest) throw new Error('Query.image built no request');
    const asBob = await client.transport.request({ method: imageRequest.operation, path: imageRequest.path, body: imageRequest.params?.body as Record<string, unknown> });
    expect((asBob.body as { hits: { hits: unknown[] } }).hits.hits).toEqual([]);
    const statsRequest = run(imageStatsQuery.request, context()).result;
    if (!statsRequest) throw new Error('Query.imageStats built no request');
    const stats = await client.transport.request({ method: statsRequest.operation, path: statsRequest.path, body: statsRequest.params?.body as Record<string, unknown> });
    const ctx = context({ result: stats.body });
    expect(run(imageStatsQuery.response, ctx).result).toEqual({ total: 4, processing: 0, processed: 3, failed: 1, duplicates: 0 });
  });
});

describe('JSON nesting depth (Jackson StreamReadConstraints maxNestingDepth, 1000, opensearch.xcontent.depth.max)', () => {
  const send = async (method: string, path: string, text: string) => {
    const reply = await sendCall({ ...signedCall(path, null), method, body: text });
    return { status: reply.status, body: JSON.parse(reply.body) as { error: { type: string; caused_by?: { type: string } } } };
  };
  const nestedBools = (levels: number) => `${'{"bool":{"must":['.repeat(levels)}{"match_all":{}}${']}}'.repeat(levels)}`;

  it('a search body nested deeper than 1000 fails with the parser exception, 500; 333 bools (999 levels) are served', async () => {
    await client.indices.create({ index: 'depth' });
    const deep = await send('POST', '/depth/_search', `{"query":${nestedBools(400)}}`);
    expect(deep.status).toBe(500);
    expect(deep.body.error.type).toBe('stream_constraints_exception');
    expect((await send('POST', '/depth/_search', `{"query":${nestedBools(332)}}`)).status).toBe(200);
  });

  it('a document nested deeper fails to parse: 400 mapper_parsing_exception caused by stream_constraints_exception', async () => {
    const deep = await send('PUT', '/depth/_doc/1', `{"a":${'['.repeat(5000)}1${']'.repeat(5000)}}`);
    expect(deep.status).toBe(400);
    expect(deep.body.error).toMatchObject({ type: 'mapper_parsing_exception', caused_by: { type: 'stream_constraints_exception' } });
  });
});
