/**
 * The exact requests the resolvers send, against an index created with IMAGE_INDEX_MAPPING:
 * searchPlan (searchImages) for text, every filter, each sort and cursor pages, and the request()
 * of Query.image, Query.similarImages and Query.imageStats, run the way AppSync runs them. Responses go back through
 * the resolvers' response() where that is what gives them meaning (cursors, facets, stats).
 *
 * Expectations follow from OpenSearch's documented semantics of the DSL these requests use (the
 * pages are cited in queries.test.ts and search.test.ts) applied to image-fixtures.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_INDEX_MAPPING } from '../../../functions/process-image/image-index-mapping.ts';
import * as imageQuery from '../../../resolvers/Query.image.ts';
import * as imageStatsQuery from '../../../resolvers/Query.imageStats.ts';
import * as searchImagesQuery from '../../../resolvers/Query.searchImages.ts';
import * as similarImagesQuery from '../../../resolvers/Query.similarImages.ts';
import { cognitoIdentity, context, run } from '../../../resolvers/__tests__/context.ts';
import { EVERY_EXTRA, type SearchExtras, searchPlan } from '../../../resolvers/lib/imageSearch.ts';
import { evaluate } from '../../appsync/runtime/evaluation.ts';
import type { FacetCount, ImageConnection, ImageStats, QuerySearchImagesArgs } from '../../../schema/generated/graphql.ts';
import { type Json, createIndex, loadDocuments, raw, useTarget } from './harness.ts';
import { ALICE, ALICE_VISIBLE_NEWEST, BOB, CASSIS, IMAGES, LYON, MARSEILLE } from './image-fixtures.ts';

const target = useTarget();
let index = '';

beforeAll(async () => {
  index = target().indexName('images');
  await createIndex(target(), index, IMAGE_INDEX_MAPPING);
  await loadDocuments(target(), index, Object.fromEntries(IMAGES.map((image) => [image.id, image as unknown as Json])));
}, 60_000);

interface ResolverRequest {
  operation: string;
  path: string;
  params: { body: Json };
}

/**
 * Sends a resolver's OpenSearch request as AppSync's data source would: method, path and body as
 * given, except that the fixed index name `images` becomes this run's index.
 */
async function send(request: ResolverRequest): Promise<Json> {
  expect(request.path).toBe('/images/_search');
  const response = await target().client.transport.request({
    method: request.operation,
    path: request.path.replace(/^\/images\//, `/${index}/`),
    body: request.params.body,
  });
  return response.body as Json;
}

/** searchPlan under the APPSYNC_JS runtime, then the request AppSync would send. */
function plan(owner: string, args: QuerySearchImagesArgs, extras: SearchExtras = EVERY_EXTRA) {
  const evaluation = evaluate(() => searchPlan(owner, args, extras));
  expect(evaluation.error).toBeUndefined();
  const built = evaluation.result;
  if (!built) throw new Error('searchPlan returned nothing');
  return built;
}

/** One searchImages page: request built by searchPlan, response mapped by the resolver's response(). */
async function searchImages(owner: string, args: QuerySearchImagesArgs, extras: SearchExtras = EVERY_EXTRA): Promise<ImageConnection> {
  const built = plan(owner, args, extras);
  const result = await send({ operation: 'POST', path: '/images/_search', params: { body: built.body } });
  const mapped = run(searchImagesQuery.response, context({ args, identity: cognitoIdentity(owner), result, stash: { page: built.page, extras } }));
  expect(mapped.error).toBeUndefined();
  return mapped.result as ImageConnection;
}

const idsOf = (connection: ImageConnection) => connection.items.map((item) => item.id);

/** Facet counts in groups of equal count: counts in order, values within a group in any order. */
function expectFacet(facet: FacetCount[], groups: [number, string[]][]): void {
  const actual: [number, string[]][] = [];
  let position = 0;
  for (const [, values] of groups) {
    const slice = facet.slice(position, position + values.length);
    actual.push([slice[0]?.count ?? -1, slice.map((entry) => entry.value).sort()]);
    for (const entry of slice) expect(entry.count, JSON.stringify(facet)).toBe(slice[0]?.count);
    position += values.length;
  }
  expect({ groups: actual, length: facet.length }, JSON.stringify(facet)).toEqual({
    groups: groups.map(([count, values]) => [count, [...values].sort()]),
    length: position,
  });
}

describe('searchImages: the body searchPlan builds is the one the resolver sends', () => {
  it('Query.searchImages.request wraps searchPlan’s body unchanged', () => {
    const args = { query: 'beach', filter: { hasFaces: true } };
    const ctx = context({ args, identity: cognitoIdentity(ALICE) });
    const { result } = run(searchImagesQuery.request, ctx);
    expect(result).toEqual({ operation: 'POST', path: '/images/_search', params: { body: plan(ALICE, args).body } });
  });
});

describe('searchImages: owner isolation, defaults and facets', () => {
  it('lists the caller’s visible images only, newest first, with the total and facets', async () => {
    const page = await searchImages(ALICE, {});
    expect(idsOf(page)).toEqual(ALICE_VISIBLE_NEWEST);
    expect(page.items.every((item) => (item as unknown as { ownerSub: string }).ownerSub === ALICE)).toBe(true);
    expect(page.totalCount).toBe(ALICE_VISIBLE_NEWEST.length);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expectFacet(page.facets.labels, [
      [2, ['Beach', 'Person']],
      [1, ['Ball', 'Document', 'Dog', 'Food', 'Grass', 'Park', 'Sea', 'Sky', 'Sunset', 'Table', 'Text', 'Tree']],
    ]);
    expectFacet(page.facets.formats, [
      [4, ['JPEG']],
      [1, ['PNG', 'WEBP']],
    ]);
    expectFacet(page.facets.cameras, [
      [2, ['Apple iPhone 13', 'Canon EOS R5']],
      [1, ['SONY ILCE-7M3']],
    ]);
    // date_histogram buckets come in key order, keyed by their format (yyyy).
    expect(page.facets.years).toEqual([
      { value: '2020', count: 1 },
      { value: '2021', count: 1 },
      { value: '2022', count: 1 },
      { value: '2023', count: 2 },
    ]);
    // A04 is a byte-identical copy of A03, A05 a near-duplicate of A01.
    expect(page.facets.duplicates).toBe(2);
  });

  it('Bob sees only his own', async () => {
    expect(idsOf(await searchImages(BOB, {}))).toEqual(['00000000000000000000000B02', '00000000000000000000000B01']);
    expect(idsOf(await searchImages(BOB, { query: 'beach' }))).toEqual(['00000000000000000000000B01']);
    expect([...idsOf(await searchImages(BOB, { query: 'dog' }))].sort()).toEqual(['00000000000000000000000B01', '00000000000000000000000B02']);
  });

  it('facets count every match, not just the page', async () => {
    const page = await searchImages(ALICE, { first: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.totalCount).toBe(ALICE_VISIBLE_NEWEST.length);
    expect(page.facets.formats.reduce((sum, facet) => sum + facet.count, 0)).toBe(6);
  });
});

describe('searchImages: duplicates (filter.hideDuplicates, filter.onlyDuplicates, facets.duplicates)', () => {
  const COPIES = ['00000000000000000000000A04', '00000000000000000000000A05'];

  it('hideDuplicates hides byte-identical and near-duplicate copies, keeping their originals', async () => {
    const page = await searchImages(ALICE, { filter: { hideDuplicates: true } });
    expect(idsOf(page)).toEqual(ALICE_VISIBLE_NEWEST.filter((id) => !COPIES.includes(id)));
    expect(page.facets.duplicates).toBe(0);
  });

  it('onlyDuplicates lists just the copies, counted by the facet', async () => {
    const page = await searchImages(ALICE, { filter: { onlyDuplicates: true } });
    expect([...idsOf(page)].sort()).toEqual(COPIES);
    expect(page.facets.duplicates).toBe(2);
    expect(idsOf(await searchImages(BOB, { filter: { onlyDuplicates: true } }))).toEqual([]);
  });

  it('the facet counts copies among the matches only', async () => {
    expect((await searchImages(ALICE, { query: 'beach' })).facets.duplicates).toBe(1);
  });
});

describe('searchImages: text query (content above file names, boosts, stemming, synonyms, fuzziness AUTO)', () => {
  const cases: [string, QuerySearchImagesArgs, string[]][] = [
    // Same label and file-name match, equal scores: uploadedAt desc breaks the tie; a06 is moderated.
    ['label and file name, ties newest first', { query: 'beach' }, ['00000000000000000000000A05', '00000000000000000000000A01']],
    ['the query is analyzed (case)', { query: 'BEACH' }, ['00000000000000000000000A05', '00000000000000000000000A01']],
    ['a word inside a file name (file_name pattern analyzer)', { query: 'volley' }, ['00000000000000000000000A05']],
    ['a label and a file-name word', { query: 'sunset' }, ['00000000000000000000000A01']],
    ['detected text', { query: 'invoice' }, ['00000000000000000000000A04']],
    ['camera name, equal scores newest first', { query: 'iphone' }, ['00000000000000000000000A03', '00000000000000000000000A02']],
    // labelNames^3 (a02, 2 labels) scores ~1.52, fileName^2 (a10, 3 tokens) ~1.33.
    ['a label match outranks a file-name match', { query: 'dog' }, ['00000000000000000000000A02', '00000000000000000000000A10']],
    ['a plural finds the singular label (english stemmer)', { query: 'dogs' }, ['00000000000000000000000A02', '00000000000000000000000A10']],
    ['a listed synonym finds the label', { query: 'puppy' }, ['00000000000000000000000A02']],
    ['"people" finds Person (synonym; a06 is moderated)', { query: 'people' }, ['00000000000000000000000A05', '00000000000000000000000A03']],
    ['a stemmed word of detected text', { query: 'totals' }, ['00000000000000000000000A04']],
    // a10's file name holds both words, a02's labels only one: content still ranks first.
    ['a file name alone ranks below any content match', { query: 'dog walk' }, ['00000000000000000000000A02', '00000000000000000000000A10']],
    ['with a filter', { query: 'beach', filter: { hasFaces: true } }, ['00000000000000000000000A05']],
    ['an explicit sort replaces relevance', { query: 'beach', sort: 'OLDEST' }, ['00000000000000000000000A01', '00000000000000000000000A05']],
    ['nothing matches', { query: 'zebra' }, []],
  ];
  for (const [name, args, expected] of cases) {
    it(`${name}: ${JSON.stringify(args)}`, async () => {
      expect(idsOf(await searchImages(ALICE, args))).toEqual(expected);
    });
  }

  it('fuzziness AUTO forgives one typo in a 5-letter word', async () => {
    expect([...idsOf(await searchImages(ALICE, { query: 'beech' }))].sort()).toEqual(['00000000000000000000000A01', '00000000000000000000000A05']);
  });
});

describe('searchImages: every filter (newest first)', () => {
  const cases: [string, QuerySearchImagesArgs['filter'], string[]][] = [
    ['labels: one', { labels: ['Beach'] }, ['00000000000000000000000A05', '00000000000000000000000A01']],
    ['labels: all of them', { labels: ['Beach', 'Person'] }, ['00000000000000000000000A05']],
    ['labels: exact keyword, case matters', { labels: ['beach'] }, []],
    ['takenAfter (inclusive)', { takenAfter: '2023-07-14T18:00:00.000Z' }, ['00000000000000000000000A03', '00000000000000000000000A01']],
    ['takenBefore', { takenBefore: '2022-12-31T23:59:59.999Z' }, ['00000000000000000000000A05', '00000000000000000000000A02', '00000000000000000000000A10']],
    ['takenAfter and takenBefore', { takenAfter: '2022-01-01T00:00:00.000Z', takenBefore: '2023-08-01T00:00:00.000Z' }, ['00000000000000000000000A02', '00000000000000000000000A01']],
    ['uploadedAfter (inclusive)', { uploadedAfter: '2024-01-12T10:00:00.000Z' }, ['00000000000000000000000A09', '00000000000000000000000A08', '00000000000000000000000A05', '00000000000000000000000A04', '00000000000000000000000A03']],
    ['uploadedBefore (inclusive)', { uploadedBefore: '2024-01-11T10:00:00.000Z' }, ['00000000000000000000000A02', '00000000000000000000000A01', '00000000000000000000000A10']],
    ['formats', { formats: ['PNG', 'WEBP'] }, ['00000000000000000000000A04', '00000000000000000000000A02']],
    ['minWidth (inclusive)', { minWidth: 2000 }, ['00000000000000000000000A05', '00000000000000000000000A03', '00000000000000000000000A01']],
    ['minHeight (inclusive)', { minHeight: 3000 }, ['00000000000000000000000A03', '00000000000000000000000A01']],
    ['hasFaces: true', { hasFaces: true }, ['00000000000000000000000A05', '00000000000000000000000A03', '00000000000000000000000A02']],
    ['hasFaces: false', { hasFaces: false }, ['00000000000000000000000A09', '00000000000000000000000A08', '00000000000000000000000A04', '00000000000000000000000A01', '00000000000000000000000A10']],
    ['camera', { camera: 'Apple iPhone 13' }, ['00000000000000000000000A03', '00000000000000000000000A02']],
    ['camera: exact keyword', { camera: 'apple iphone 13' }, []],
    ['statuses: DELETED only when asked for', { statuses: ['DELETED'] }, ['00000000000000000000000A07']],
    ['statuses: several', { statuses: ['FAILED', 'PROCESSING'] }, ['00000000000000000000000A09', '00000000000000000000000A08']],
    ['statuses: PROCESSED', { statuses: ['PROCESSED'] }, ['00000000000000000000000A05', '00000000000000000000000A04', '00000000000000000000000A03', '00000000000000000000000A02', '00000000000000000000000A01', '00000000000000000000000A10']],
    ['includeModerated', { includeModerated: true, labels: ['Beach'] }, ['00000000000000000000000A06', '00000000000000000000000A05', '00000000000000000000000A01']],
    ['near: 20 km around Marseille', { near: { lat: MARSEILLE.lat, lon: MARSEILLE.lon, radiusKm: 20 } }, ['00000000000000000000000A05', '00000000000000000000000A01']],
    ['near: 10 km around Marseille', { near: { lat: MARSEILLE.lat, lon: MARSEILLE.lon, radiusKm: 10 } }, ['00000000000000000000000A01']],
    ['near: 5 km around Cassis', { near: { lat: CASSIS.lat, lon: CASSIS.lon, radiusKm: 5 } }, ['00000000000000000000000A05']],
    ['near: 50 km around Lyon', { near: { lat: LYON.lat, lon: LYON.lon, radiusKm: 50 } }, ['00000000000000000000000A02']],
    ['several filters at once', { formats: ['JPEG'], hasFaces: true, camera: 'Canon EOS R5' }, ['00000000000000000000000A05']],
  ];
  for (const [name, filter, expected] of cases) {
    it(`${name}: ${JSON.stringify(filter)}`, async () => {
      const page = await searchImages(ALICE, { filter });
      expect(idsOf(page)).toEqual(expected);
      expect(page.totalCount).toBe(expected.length);
    });
  }
});

describe('searchImages: each sort', () => {
  it('NEWEST', async () => {
    expect(idsOf(await searchImages(ALICE, { sort: 'NEWEST' }))).toEqual(ALICE_VISIBLE_NEWEST);
  });

  it('OLDEST', async () => {
    expect(idsOf(await searchImages(ALICE, { sort: 'OLDEST' }))).toEqual([...ALICE_VISIBLE_NEWEST].reverse());
  });

  it('TAKEN: most recently taken first; no date (missing: 0) last, by id', async () => {
    expect(idsOf(await searchImages(ALICE, { sort: 'TAKEN' }))).toEqual(['00000000000000000000000A03', '00000000000000000000000A01', '00000000000000000000000A02', '00000000000000000000000A05', '00000000000000000000000A10', '00000000000000000000000A04', '00000000000000000000000A08', '00000000000000000000000A09']);
  });

  it('RELEVANCE without a query: every score equal, so newest first', async () => {
    expect(idsOf(await searchImages(ALICE, { sort: 'RELEVANCE' }))).toEqual(ALICE_VISIBLE_NEWEST);
  });
});

describe('searchImages: cursor pages (search_after)', () => {
  async function allPages(args: QuerySearchImagesArgs): Promise<string[][]> {
    const pages: string[][] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 20; i += 1) {
      const page = await searchImages(ALICE, { ...args, ...(after ? { after } : {}) });
      pages.push(idsOf(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      expect(after).toBeTruthy();
    }
    return pages;
  }

  it('the pages are the same without the facets and the exact total (track_total_hits: false)', async () => {
    const pageOnly = { facets: false, totalCount: false };
    let after: string | null | undefined;
    for (let i = 0; i < 10; i += 1) {
      const args = { first: 3, ...(after ? { after } : {}) };
      const [full, lean] = [await searchImages(ALICE, args), await searchImages(ALICE, args, pageOnly)];
      expect(lean.items).toEqual(full.items);
      expect(lean.pageInfo).toEqual(full.pageInfo);
      if (!full.pageInfo.hasNextPage) return;
      after = full.pageInfo.endCursor;
    }
    throw new Error('more pages than images');
  });

  it('NEWEST, 3 per page: every image once, in order', async () => {
    expect(await allPages({ first: 3 })).toEqual([
      ['00000000000000000000000A09', '00000000000000000000000A08', '00000000000000000000000A05'],
      ['00000000000000000000000A04', '00000000000000000000000A03', '00000000000000000000000A02'],
      ['00000000000000000000000A01', '00000000000000000000000A10'],
    ]);
  });

  it('OLDEST, 5 per page', async () => {
    expect(await allPages({ first: 5, sort: 'OLDEST' })).toEqual([
      ['00000000000000000000000A10', '00000000000000000000000A01', '00000000000000000000000A02', '00000000000000000000000A03', '00000000000000000000000A04'],
      ['00000000000000000000000A05', '00000000000000000000000A08', '00000000000000000000000A09'],
    ]);
  });

  it('TAKEN, 4 per page, across the images without a date', async () => {
    expect(await allPages({ first: 4, sort: 'TAKEN' })).toEqual([
      ['00000000000000000000000A03', '00000000000000000000000A01', '00000000000000000000000A02', '00000000000000000000000A05'],
      ['00000000000000000000000A10', '00000000000000000000000A04', '00000000000000000000000A08', '00000000000000000000000A09'],
    ]);
  });

  it('RELEVANCE, 1 per page: search_after on _score, uploadedAt and id', async () => {
    expect(await allPages({ query: 'beach', first: 1 })).toEqual([['00000000000000000000000A05'], ['00000000000000000000000A01']]);
  });

  it('a cursor page sends search_after with the previous page’s last sort values', async () => {
    const first = await searchImages(ALICE, { first: 2 });
    const built = plan(ALICE, { first: 2, after: first.pageInfo.endCursor });
    expect(built.body.search_after).toEqual([Date.parse('2024-01-17T10:00:00.000Z'), '00000000000000000000000A08']);
    expect(idsOf(await searchImages(ALICE, { first: 2, after: first.pageInfo.endCursor }))).toEqual(['00000000000000000000000A05', '00000000000000000000000A04']);
  });
});

// What the image mapping relies on: fields kept in _source only are not searchable.
// https://docs.opensearch.org/latest/mappings/mapping-parameters/enabled ("enabled: false ... stores the
// field's value in the _source field but does not index or parse its contents, so the field is not searchable")
// https://docs.opensearch.org/latest/mappings/mapping-parameters/index-parameter ("index: false ... not
// indexed, making it non-searchable")
describe('IMAGE_INDEX_MAPPING: stored-only fields', () => {
  const searchRaw = (body: Json) => raw(target(), 'POST', `/${index}/_search`, body);

  it('enabled: false objects (camera, labels) match no query on their contents', async () => {
    for (const query of [{ term: { 'camera.make': 'Canon' } }, { match: { 'labels.name': 'Beach' } }, { exists: { field: 'camera.model' } }, { exists: { field: 'labels' } }]) {
      const response = await searchRaw({ query });
      expect(response.status, JSON.stringify(query)).toBe(200);
      expect((response.body.hits as { hits: unknown[] }).hits, JSON.stringify(query)).toEqual([]);
    }
  });

  it('index: false (failureReason) is not searchable: no hit (OpenSearch refuses the query with a 400)', async () => {
    const response = await searchRaw({ query: { match: { failureReason: 'image' } } });
    if (response.status === 200) expect((response.body.hits as { hits: unknown[] }).hits).toEqual([]);
    else expect(response.status, JSON.stringify(response.body)).toBe(400);
  });
});

describe('Query.image', () => {
  async function image(id: string, owner: string) {
    const request = run(imageQuery.request, context({ args: { id }, identity: cognitoIdentity(owner) }));
    expect(request.error).toBeUndefined();
    const result = await send(request.result as ResolverRequest);
    return run(imageQuery.response, context({ args: { id }, identity: cognitoIdentity(owner), result }));
  }

  it('returns the caller’s image', async () => {
    const { result, error } = await image('00000000000000000000000A01', ALICE);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({
      id: '00000000000000000000000A01',
      ownerSub: ALICE,
      fileName: 'beach-sunset.jpg',
      location: { ...MARSEILLE, altitude: 12 },
      // enabled: false objects are kept in _source as they were sent.
      camera: { make: 'Canon', model: 'EOS R5' },
      labels: [{ name: 'Beach' }, { name: 'Sunset' }, { name: 'Sea' }],
    });
  });

  it('another owner’s image is null, like a missing one', async () => {
    expect((await image('00000000000000000000000B01', ALICE)).result).toBeNull();
    expect((await image('00000000000000000000000A01', BOB)).result).toBeNull();
    expect((await image('00000000000000000000000Z99', ALICE)).result).toBeNull();
  });

  it('a deleted image is null', async () => {
    expect((await image('00000000000000000000000A07', ALICE)).result).toBeNull();
  });

  it('a moderated or failed image is still the owner’s to see', async () => {
    expect((await image('00000000000000000000000A06', ALICE)).result).toMatchObject({ id: '00000000000000000000000A06', moderated: true });
    expect((await image('00000000000000000000000A09', ALICE)).result).toMatchObject({ id: '00000000000000000000000A09', status: 'FAILED', failureReason: 'not an image' });
  });
});

describe('Query.similarImages', () => {
  async function similar(id: string, owner: string) {
    const ctx = { args: { id }, identity: cognitoIdentity(owner) };
    const requestContext = context(ctx);
    const request = run(similarImagesQuery.request, requestContext);
    expect(request.error).toBeUndefined();
    const result = await send(request.result as ResolverRequest);
    return run(similarImagesQuery.response, context({ ...ctx, result, stash: requestContext.stash }));
  }
  const similarIds = async (id: string, owner: string) => idsOf((await similar(id, owner)).result as ImageConnection);

  it('finds the caller’s images sharing a label others also have (Beach); not the moderated one, nor Bob’s', async () => {
    // Sunset and Sea are in A01 only: min_doc_freq 2 leaves them out; Beach is in A05, A06 (moderated) and B01 (Bob's).
    expect(await similarIds('00000000000000000000000A01', ALICE)).toEqual(['00000000000000000000000A05']);
  });

  it('Bob’s similar images are his own, though Alice has images with his labels', async () => {
    expect(await similarIds('00000000000000000000000B01', BOB)).toEqual(['00000000000000000000000B02']);
    expect(await similarIds('00000000000000000000000A02', ALICE)).toEqual([]);
  });

  it('an image still processing has nothing like it yet', async () => {
    expect(await similarIds('00000000000000000000000A08', ALICE)).toEqual([]);
  });

  it('another owner’s, a deleted and an unknown id all fail alike with NotFound', async () => {
    for (const [id, owner] of [
      ['00000000000000000000000B01', ALICE],
      ['00000000000000000000000A01', BOB],
      ['00000000000000000000000A07', ALICE],
      ['00000000000000000000000Z99', ALICE],
    ] as const) {
      const { result, error } = await similar(id, owner);
      expect(result).toBeUndefined();
      expect(error).toEqual(expect.objectContaining({ errorType: 'NotFound', message: `No image ${id}` }));
    }
  });
});

describe('Query.imageStats', () => {
  async function stats(owner: string) {
    const request = run(imageStatsQuery.request, context({ identity: cognitoIdentity(owner) }));
    const result = await send(request.result as ResolverRequest);
    return { result, stats: run(imageStatsQuery.response, context({ identity: cognitoIdentity(owner), result })).result as ImageStats };
  }

  it('counts the caller’s images per status (terms on status)', async () => {
    const { result, stats: alice } = await stats(ALICE);
    const buckets = (result.aggregations as { statuses: { buckets: { key: string; doc_count: number }[] } }).statuses.buckets;
    expect(buckets[0]).toEqual({ key: 'PROCESSED', doc_count: 7 });
    expect([...buckets.slice(1)].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'DELETED', doc_count: 1 },
      { key: 'FAILED', doc_count: 1 },
      { key: 'PROCESSING', doc_count: 1 },
    ]);
    expect((result.hits as { hits: unknown[] }).hits).toEqual([]);
    expect(alice).toEqual({ total: 9, processing: 1, processed: 7, failed: 1, duplicates: 2 });
  });

  it('Bob’s are his own', async () => {
    expect((await stats(BOB)).stats).toEqual({ total: 2, processing: 0, processed: 2, failed: 0, duplicates: 0 });
  });
});
