import type { Info } from '@aws-appsync/utils';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SearchImagesDocument, SearchImagesPageDocument } from '../../client/src/generated/graphql.ts';
import { rootFieldSelection } from '../../local/appsync/document-selection.ts';
import * as resolver from '../Query.searchImages.ts';
import { ALICE, BOB, IAM_IDENTITY, cognitoIdentity, context, run } from './context.ts';

const FACET_AGGS = {
  labels: { terms: { field: 'labelNames.keyword', size: 20 } },
  formats: { terms: { field: 'format', size: 10 } },
  cameras: { terms: { field: 'cameraName.keyword', size: 20 } },
  years: { date_histogram: { field: 'takenAt', calendar_interval: 'year', format: 'yyyy', min_doc_count: 1 } },
  duplicates: { value_count: { field: 'duplicateOf' } },
  nearDuplicates: { value_count: { field: 'nearDuplicateOf' } },
};
const NEWEST = [{ uploadedAt: { order: 'desc' } }, { id: { order: 'asc' } }];

const EVERY_EXTRA = { facets: true, totalCount: true };

function request(args: Record<string, unknown>, identity: unknown = cognitoIdentity(ALICE), info?: Partial<Info>) {
  const ctx = context({ args, identity, info });
  const evaluation = run(resolver.request, ctx);
  return { ...evaluation, stash: ctx.stash };
}

function doc(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    ownerSub: ALICE,
    fileName: `${id}.jpg`,
    originalKey: `uploads/${ALICE}/${id}/${id}.jpg`,
    thumbnails: [],
    location: null,
    altitude: null,
    status: 'PROCESSED',
    ...overrides,
  };
}

describe('Query.searchImages request', () => {
  it('without arguments lists the caller’s visible images, newest first, 24 per page', () => {
    const { result, error, stash } = request({});
    expect(error).toBeUndefined();
    expect(result).toEqual({
      operation: 'POST',
      path: '/images/_search',
      params: {
        body: {
          size: 25,
          track_total_hits: true,
          query: {
            bool: {
              must: [{ match_all: {} }],
              filter: [{ term: { ownerSub: ALICE } }],
              must_not: [{ term: { status: 'DELETED' } }, { term: { moderated: true } }],
            },
          },
          sort: NEWEST,
          aggs: FACET_AGGS,
        },
      },
    });
    expect(stash).toEqual({ page: { first: 24, sort: 'NEWEST' }, extras: EVERY_EXTRA });
  });

  it('searches labels, text and camera with boosts and typo tolerance, file names in a lower tier, by relevance', () => {
    const body = request({ query: '  red car ' }).result?.params?.body as Record<string, unknown>;
    const content = { multi_match: { query: 'red car', type: 'best_fields', fields: ['labelNames^3', 'detectedText^2', 'cameraName'], fuzziness: 'AUTO' } };
    expect(body.query).toEqual({
      bool: {
        must: [
          {
            bool: {
              should: [
                { constant_score: { filter: content, boost: 2 } },
                content,
                { constant_score: { filter: { match: { fileName: { query: 'red car', fuzziness: 'AUTO' } } }, boost: 1 } },
              ],
              minimum_should_match: 1,
            },
          },
        ],
        filter: [{ term: { ownerSub: ALICE } }],
        must_not: [{ term: { status: 'DELETED' } }, { term: { moderated: true } }],
      },
    });
    expect(body.sort).toEqual([{ _score: { order: 'desc' } }, { uploadedAt: { order: 'desc' } }, { id: { order: 'asc' } }]);
  });

  it('turns every filter into its clause, the owner first', () => {
    const body = request({
      filter: {
        labels: ['Dog', 'Beach'],
        takenAfter: '2020-01-01T00:00:00Z',
        takenBefore: '2020-12-31T23:59:59Z',
        uploadedAfter: '2024-05-01T00:00:00Z',
        formats: ['JPEG', 'PNG'],
        minWidth: 800,
        minHeight: 600,
        hasFaces: true,
        camera: 'SONY NEX-3N',
        near: { lat: 48.85, lon: 2.35, radiusKm: 12.5 },
        statuses: ['FAILED'],
        includeModerated: true,
      },
      sort: 'TAKEN',
      first: 10,
    }).result?.params?.body as Record<string, unknown>;
    expect(body.size).toBe(11);
    expect(body.query).toEqual({
      bool: {
        must: [{ match_all: {} }],
        filter: [
          { term: { ownerSub: ALICE } },
          { term: { 'labelNames.keyword': 'Dog' } },
          { term: { 'labelNames.keyword': 'Beach' } },
          { range: { takenAt: { gte: '2020-01-01T00:00:00Z', lte: '2020-12-31T23:59:59Z' } } },
          { range: { uploadedAt: { gte: '2024-05-01T00:00:00Z' } } },
          { terms: { format: ['JPEG', 'PNG'] } },
          { range: { width: { gte: 800 } } },
          { range: { height: { gte: 600 } } },
          { range: { faceCount: { gte: 1 } } },
          { term: { 'cameraName.keyword': 'SONY NEX-3N' } },
          { terms: { status: ['FAILED'] } },
          { geo_distance: { distance: '12.5km', location: { lat: 48.85, lon: 2.35 } } },
        ],
        must_not: [],
      },
    });
    expect(body.sort).toEqual([{ takenAt: { order: 'desc', missing: 0 } }, { id: { order: 'asc' } }]);
  });

  it('hasFaces: false keeps only images without faces', () => {
    const body = request({ filter: { hasFaces: false } }).result?.params?.body as { query: { bool: { filter: unknown[] } } };
    expect(body.query.bool.filter).toContainEqual({ bool: { must_not: [{ range: { faceCount: { gte: 1 } } }] } });
  });

  it('hideDuplicates excludes copies (duplicateOf or nearDuplicateOf); onlyDuplicates requires one; not both', () => {
    const copies = [{ exists: { field: 'duplicateOf' } }, { exists: { field: 'nearDuplicateOf' } }];
    type Bool = { query: { bool: { filter: unknown[]; must_not: unknown[] } } };
    const hide = request({ filter: { hideDuplicates: true } }).result?.params?.body as Bool;
    expect(hide.query.bool.must_not).toEqual([{ term: { status: 'DELETED' } }, { term: { moderated: true } }, ...copies]);
    const only = request({ filter: { onlyDuplicates: true } }).result?.params?.body as Bool;
    expect(only.query.bool.filter).toContainEqual({ bool: { should: copies, minimum_should_match: 1 } });
    const neither = request({ filter: { hideDuplicates: false, onlyDuplicates: false } }).result?.params?.body as Bool;
    expect(JSON.stringify(neither.query)).not.toContain('uplicateOf');
    expect(request({ filter: { hideDuplicates: true, onlyDuplicates: true } }).error).toEqual(
      expect.objectContaining({ errorType: 'BadRequest', message: 'filter.hideDuplicates and filter.onlyDuplicates cannot both be true' }),
    );
  });

  it('scopes by the caller’s identity only', () => {
    const bob = request({ filter: { labels: ['Dog'] } }, cognitoIdentity(BOB)).result?.params?.body as {
      query: { bool: { filter: unknown[] } };
    };
    expect(bob.query.bool.filter[0]).toEqual({ term: { ownerSub: BOB } });
    expect(JSON.stringify(bob)).not.toContain(ALICE);
  });

  it('refuses callers without a user identity', () => {
    expect(request({}, IAM_IDENTITY).error?.errorType).toBe('Unauthorized');
    expect(request({}, null).error?.errorType).toBe('Unauthorized');
  });

  it.each([0, -1, 101])('refuses first = %i', (first) => {
    const { error, result } = request({ first });
    expect(result).toBeUndefined();
    expect(error).toEqual(expect.objectContaining({ errorType: 'BadRequest', message: `first must be between 1 and 100, got ${first}` }));
  });

  it('accepts first = 100', () => {
    expect(request({ first: 100 }).result?.params?.body).toEqual(expect.objectContaining({ size: 101 }));
  });

  it.each([
    [{ lat: 91, lon: 0, radiusKm: 1 }, 'near: lat must be within -90..90 and lon within -180..180'],
    [{ lat: 0, lon: -181, radiusKm: 1 }, 'near: lat must be within -90..90 and lon within -180..180'],
    [{ lat: 0, lon: 0, radiusKm: 0 }, 'near: radiusKm must be greater than 0 and at most 20000'],
    [{ lat: 0, lon: 0, radiusKm: 20001 }, 'near: radiusKm must be greater than 0 and at most 20000'],
  ])('refuses near = %j', (near, message) => {
    expect(request({ filter: { near } }).error).toEqual(expect.objectContaining({ errorType: 'BadRequest', message }));
  });
});

describe('Query.searchImages response and cursors', () => {
  // Image ids as requestUpload makes them (ULIDs): cursors carry the last one.
  const [A, B, C] = ['01JD000000000000000000000A', '01JD000000000000000000000B', '01JD000000000000000000000C'] as const;
  const hits = [
    { _id: A, _source: doc(A, { location: { lat: 1, lon: 2 }, altitude: 30 }), sort: [1700000000300, A] },
    { _id: B, _source: doc(B), sort: [1700000000200, B] },
    { _id: C, _source: doc(C), sort: [1700000000100, C] },
  ];
  const result = {
    hits: { total: { value: 7, relation: 'eq' }, hits },
    aggregations: {
      labels: { buckets: [{ key: 'Dog', doc_count: 5 }, { key: 'Beach', doc_count: 2 }] },
      formats: { buckets: [{ key: 'JPEG', doc_count: 7 }] },
      cameras: { buckets: [] },
      years: { buckets: [{ key: 1577836800000, key_as_string: '2020', doc_count: 4 }] },
      duplicates: { value: 1 },
      nearDuplicates: { value: 2 },
    },
  };

  function respond(stash: Record<string, unknown>, data: unknown = result) {
    return run(resolver.response, context({ result: data, stash: { extras: EVERY_EXTRA, ...stash } }));
  }

  it('cuts the page, reports the next one and maps documents and facets', () => {
    const { result: connection, error } = respond({ page: { first: 2, sort: 'NEWEST' } });
    expect(error).toBeUndefined();
    expect(connection?.items.map((image) => image.id)).toEqual([A, B]);
    expect(connection?.items[0]?.location).toEqual({ lat: 1, lon: 2, altitude: 30 });
    expect(connection?.totalCount).toBe(7);
    expect(connection?.pageInfo.hasNextPage).toBe(true);
    expect(connection?.facets).toEqual({
      labels: [{ value: 'Dog', count: 5 }, { value: 'Beach', count: 2 }],
      formats: [{ value: 'JPEG', count: 7 }],
      cameras: [],
      years: [{ value: '2020', count: 4 }],
      duplicates: 3,
    });
  });

  it('continues after the last item of the page with search_after', () => {
    const cursor = respond({ page: { first: 2, sort: 'NEWEST' } }).result?.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));
    const next = request({ after: cursor });
    expect(next.error).toBeUndefined();
    expect((next.result?.params?.body as Record<string, unknown>).search_after).toEqual([1700000000200, B]);
  });

  it('round-trips relevance cursors with fractional scores', () => {
    const scored = { hits: { total: { value: 1, relation: 'eq' }, hits: [{ ...hits[0], sort: [2.7182817, 1700000000300, A] }] } };
    const cursor = respond({ page: { first: 5, sort: 'RELEVANCE' } }, scored).result?.pageInfo;
    expect(cursor?.hasNextPage).toBe(false);
    const next = request({ query: 'dog', after: cursor?.endCursor });
    expect((next.result?.params?.body as Record<string, unknown>).search_after).toEqual([2.7182817, 1700000000300, A]);
  });

  it('gives no cursor for an empty page', () => {
    const empty = { hits: { total: { value: 0, relation: 'eq' }, hits: [] } };
    const { result: connection } = respond({ page: { first: 24, sort: 'NEWEST' } }, empty);
    expect(connection?.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(connection?.facets.labels).toEqual([]);
  });

  it.each([
    ['not base64 at all!', 'garbage'],
    [Buffer.from('NEWEST|123').toString('base64'), 'too few values'],
    [Buffer.from('NEWEST|abc|01JD000000000000000000000B').toString('base64'), 'a non-number where a number belongs'],
    [Buffer.from('NEWEST|1|01JD000000000000000000000B"}').toString('base64'), 'an id with forbidden characters'],
    [Buffer.from('OLDEST|1|01JD000000000000000000000B').toString('base64'), 'a cursor of another sort'],
  ])('refuses %s (%s)', (after) => {
    const { error, result } = request({ after });
    expect(result).toBeUndefined();
    expect(error?.errorType).toBe('BadRequest');
    expect(error?.message).toMatch(/^Invalid cursor/);
  });

  it('raises a data source failure with its type', () => {
    const { error } = run(
      resolver.response,
      context({ error: { message: 'index_not_found_exception', type: 'OpenSearch:Error' }, stash: { page: { first: 2, sort: 'NEWEST' } } }),
    );
    expect(error).toEqual(expect.objectContaining({ message: 'index_not_found_exception', errorType: 'OpenSearch:Error' }));
  });
});

/** What request() asks OpenSearch for, given ctx.info as AppSync might print it. */
function extrasFor(selectionSetGraphQL: string, selectionSetList: string[]): unknown {
  return request({}, cognitoIdentity(ALICE), { fieldName: 'searchImages', selectionSetGraphQL, selectionSetList }).stash.extras;
}

describe('Query.searchImages asks OpenSearch only for what the query selects', () => {
  const FACETS = 'facets { labels { value count } duplicates }';
  const bodyFor = (query: string) => {
    const { result, error, stash } = request({}, cognitoIdentity(ALICE), { fieldName: 'searchImages', ...rootFieldSelection(query, 'searchImages') });
    expect(error).toBeUndefined();
    return { body: result?.params?.body as Record<string, unknown>, extras: stash.extras };
  };

  it('a listing of ids and hashes (the CLI’s) asks for neither the facets nor an exact total', () => {
    const { body, extras } = bodyFor('{ searchImages(first: 100) { items { id sha256 } pageInfo { hasNextPage endCursor } } }');
    expect(body.aggs).toBeUndefined();
    expect(body.track_total_hits).toBe(false);
    expect(extras).toEqual({ facets: false, totalCount: false });
  });

  it('the web app’s first page asks for both; its next pages (“Show more”) for neither', () => {
    expect(bodyFor(print(SearchImagesDocument)).extras).toEqual(EVERY_EXTRA);
    const next = bodyFor(print(SearchImagesPageDocument));
    expect(next.extras).toEqual({ facets: false, totalCount: false });
    expect(next.body.aggs).toBeUndefined();
    expect(next.body.track_total_hits).toBe(false);
  });

  it.each([
    ['plainly', `{ searchImages { totalCount ${FACETS} } }`, EVERY_EXTRA],
    ['under an alias', `{ searchImages { n: totalCount f: ${FACETS} } }`, EVERY_EXTRA],
    ['in an inline fragment', `{ searchImages { items { id } ... on ImageConnection { ${FACETS} } } }`, { facets: true, totalCount: false }],
    ['in a named fragment', `{ searchImages { items { id } ...Extras } } fragment Extras on ImageConnection { ${FACETS} }`, EVERY_EXTRA],
    ['in a named fragment under an alias', `{ searchImages { ...Extras } } fragment Extras on ImageConnection { count: totalCount }`, EVERY_EXTRA],
    ['twice under one response name', `{ searchImages { items { id } } searchImages { ${FACETS} } }`, { facets: true, totalCount: false }],
    ['with a named fragment on the items (the web app’s first page)', `{ searchImages { items { ...Card } ${FACETS} } } fragment Card on Image { id }`, { facets: true, totalCount: false }],
    ['in a named fragment spread inside an inline fragment', `{ searchImages { items { id } ... on ImageConnection { ...Extras } } } fragment Extras on ImageConnection { n: totalCount }`, EVERY_EXTRA],
    ['in a named fragment spread inside nested inline fragments', `{ searchImages { items { id } ... on ImageConnection { ... @include(if: true) { ...Extras } } } } fragment Extras on ImageConnection { f: ${FACETS} }`, EVERY_EXTRA],
    ['in a named fragment reusing the field’s alias', `{ s: searchImages { ...Extras } } fragment Extras on ImageConnection { s: facets { duplicates } }`, EVERY_EXTRA],
    ['in a named fragment skipped by a variable', `query Q($no: Boolean = false) { searchImages { items { id } ...Extras @skip(if: $no) } } fragment Extras on ImageConnection { f: facets { duplicates } t: totalCount }`, EVERY_EXTRA],
    ['in a second selection of the field, in an inline fragment on Query', `{ searchImages { items { id } } ... on Query { searchImages { ...Extras } } } fragment Extras on ImageConnection { n: totalCount }`, EVERY_EXTRA],
    ['in a second selection of the field, in a named fragment on Query', `{ searchImages { items { id } } ...Root } fragment Root on Query { searchImages { items { id } ...Extras } } fragment Extras on ImageConnection { n: totalCount }`, EVERY_EXTRA],
    ['in a named fragment spread with a directive', `{ searchImages { items { id } ...Extras @skip(if: false) } } fragment Extras on ImageConnection { n: totalCount }`, EVERY_EXTRA],
  ])('selected %s, they are asked for', (_how, query, expected) => {
    const { body, extras } = bodyFor(query);
    expect(extras).toEqual(expected);
    expect(body.aggs !== undefined).toBe(expected.facets);
    expect(body.track_total_hits).toBe(expected.totalCount);
  });

  it.each([
    ['the web app’s next pages: a named fragment on the items', '{ searchImages { items { ...Card } pageInfo { hasNextPage endCursor } } }'],
    ['a named fragment in an inline fragment on the items', '{ searchImages { items { ... on Image { ...Card } } } }'],
    ['named fragments deeper down and on pageInfo', '{ searchImages { items { id thumbnails { ...Thumb } } pageInfo { ...Page } } }'],
    ['under aliases', '{ searchImages { list: items { ...Card } next: pageInfo @include(if: true) { endCursor } } }'],
    ['in a field selected twice', '{ searchImages { items { ...Card } } searchImages { pageInfo { endCursor } } }'],
  ])('a named spread inside a field’s selection selects that field’s type only, so %s ask for neither', (_how, operation) => {
    const fragments = { Card: 'on Image { id }', Thumb: 'on Thumbnail { url }', Page: 'on PageInfo { endCursor }' };
    const used = Object.entries(fragments).filter(([name]) => operation.includes(`...${name}`));
    const { body, extras } = bodyFor([operation, ...used.map(([name, definition]) => `fragment ${name} ${definition}`)].join(' '));
    expect(extras).toEqual({ facets: false, totalCount: false });
    expect(body.aggs).toBeUndefined();
    expect(body.track_total_hits).toBe(false);
  });

  it('reads AppSync’s printing too: a named spread written `... Name`, and an unknown selection', () => {
    expect(extrasFor('{\n  items {\n    id\n  }\n  ... extras\n}', ['items', 'items/id', 'total', 'total/labels'])).toEqual(EVERY_EXTRA);
    expect(extrasFor('', [])).toEqual(EVERY_EXTRA);
    // A name in the list that the printed selection does not show: the printing is not all of it.
    expect(extrasFor('{\n  items {\n    id\n  }\n}', ['items', 'items/id', 'summary', 'summary/labels'])).toEqual(EVERY_EXTRA);
    expect(extrasFor('{\n  items {\n    id\n  }\n}', ['items', 'items/id'])).toEqual({ facets: false, totalCount: false });
  });

  it('reads a top-level name of the list found only nested in the printed selection as a part the printing left out', () => {
    // `searchImages { items { totalCount: id } } searchImages { totalCount: facets { duplicates } }`,
    // were only the first part printed (AWS does not say which parts a field selected twice prints).
    expect(extrasFor('{\n  items {\n    totalCount: id\n  }\n}', ['items', 'items/totalCount', 'totalCount', 'totalCount/duplicates'])).toEqual(EVERY_EXTRA);
    expect(extrasFor('{\n  items {\n    ... on Image {\n      totalCount: id\n    }\n  }\n}', ['items', 'items/totalCount', 'totalCount', 'totalCount/duplicates'])).toEqual(EVERY_EXTRA);
    // A top-level name at the first indent, or at the second inside an inline fragment at the first, is found.
    const inFragment = '{\n  items {\n    id\n  }\n  ... on ImageConnection {\n    pageInfo {\n      hasNextPage\n    }\n  }\n}';
    expect(extrasFor(inFragment, ['items', 'items/id', 'pageInfo', 'pageInfo/hasNextPage'])).toEqual({ facets: false, totalCount: false });
  });

  it('reads the printing of AWS’s context reference, the field itself around its selection', () => {
    const wrapped = '{\n  searchImages(first: 100) {\n    items {\n      id\n    }\n    ... on ImageConnection {\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n}';
    expect(extrasFor(wrapped, ['items', 'items/id', 'pageInfo', 'pageInfo/hasNextPage'])).toEqual({ facets: false, totalCount: false });
    // The list names one more: the printing is not all of it.
    expect(extrasFor(wrapped, ['items', 'items/id', 'pageInfo', 'pageInfo/hasNextPage', 'more', 'more/duplicates'])).toEqual(EVERY_EXTRA);
    // A selection aliased with the field's name is not the field around the selection.
    const aliased = '{\n  searchImages: items {\n    searchImages: id\n    more: id\n  }\n}';
    expect(extrasFor(aliased, ['searchImages', 'searchImages/searchImages', 'searchImages/more', 'more', 'more/duplicates'])).toEqual(EVERY_EXTRA);
  });

  describe('a printed selection with named spreads, read by its structure, not its layout', () => {
    const NEITHER = { facets: false, totalCount: false };
    const PAGE_LIST = ['items', 'items/id', 'pageInfo', 'pageInfo/endCursor'];
    // AWS's printing, the field around its selection, with arguments split over lines whose
    // strings hold braces, newlines, quotes and spreads: none of it is a selection.
    const ARGUMENTS = [
      '  searchImages(',
      '    query: "} ...Extras { \\" ...Extras"',
      '    filter: {labels: ["a{", "}"], near: {lat: -1.5e-3, lon: 2, radiusKm: 10}}',
      '    after: """',
      '    }',
      '    ...Extras',
      '    \\""" {',
      '    """',
      '    first: $first',
      '  ) @include(if: true) {',
    ].join('\n');
    const wrapped = (top: string) => `{\n${ARGUMENTS}\n    items {\n      ...ImageSummary\n    }\n${top}    pageInfo {\n      endCursor\n    }\n  }\n}`;

    it('a spread only in a field’s selection, in either printing and on one line or many, selects neither', () => {
      expect(extrasFor(wrapped(''), PAGE_LIST)).toEqual(NEITHER);
      expect(extrasFor('{\n  items {\n    ...ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n}', PAGE_LIST)).toEqual(NEITHER);
      expect(extrasFor('{ items{...ImageSummary ... on Image{...More}} pageInfo{endCursor} }', PAGE_LIST)).toEqual(NEITHER);
      // A field selected twice, printed part by part.
      expect(extrasFor('{\n  items {\n    ...ImageSummary\n  }\n}\n{\n  pageInfo {\n    endCursor\n  }\n}', PAGE_LIST)).toEqual(NEITHER);
    });

    it.each([
      ['beside the items', '    ...Extras\n'],
      ['named like a type condition', '    ...onExtras\n'],
      ['written `... Name`, with a directive', '    ... Extras @include(if: true)\n'],
      ['in an inline fragment', '    ... on ImageConnection {\n      ...Extras\n    }\n'],
      ['in nested inline fragments', '    ... on ImageConnection {\n      ... @skip(if: false) {\n        ...Extras\n      }\n    }\n'],
    ])('a spread at the top level of the selection, %s, may select anything', (_where, top) => {
      expect(extrasFor(wrapped(top), PAGE_LIST)).toEqual(EVERY_EXTRA);
      const unwrapped = `{\n  items {\n    id\n  }\n${top.replace(/^ {2}/gm, '')}  pageInfo {\n    endCursor\n  }\n}`;
      expect(extrasFor(unwrapped, PAGE_LIST)).toEqual(EVERY_EXTRA);
    });

    it('a spread at the top level of a second printed part may select anything', () => {
      expect(extrasFor('{\n  items {\n    ...ImageSummary\n  }\n}\n{\n  ...Extras\n}', PAGE_LIST)).toEqual(EVERY_EXTRA);
      expect(extrasFor(`${wrapped('')}\n{\n  searchImages {\n    ...Extras\n  }\n}`, PAGE_LIST)).toEqual(EVERY_EXTRA);
    });

    it('the field wrapped under an alias is read wrapped too: a spread beside the items may select anything, none selects neither', () => {
      const aliased = (top: string) => wrapped(top).replace('  searchImages(', '  s: searchImages(');
      expect(extrasFor(aliased('    ...Extras\n'), PAGE_LIST)).toEqual(EVERY_EXTRA);
      expect(extrasFor(aliased(''), PAGE_LIST)).toEqual(NEITHER);
    });

    // `{ s: searchImages { ...Extras } } fragment Extras on ImageConnection { s: facets { duplicates } }`:
    // every top-level response name of the list (`s`) is the wrapper's alias too, and neither field
    // name is printed. Read unwrapped, nothing would be hidden and both extras would be skipped.
    it.each([
      ['facets', 's: facets {\n  duplicates\n}', ['s', 's/duplicates']],
      ['totalCount', 's: totalCount', ['s']],
      ['both', 's: facets {\n  duplicates\n}\nt: totalCount', ['s', 's/duplicates', 't']],
    ])('a spread in the field wrapped under an alias its fragment reuses (%s) may select anything', (_what, _fragment, list) => {
      expect(extrasFor('{\n  s: searchImages {\n    ... Extras\n  }\n}', list)).toEqual(EVERY_EXTRA);
      expect(extrasFor('{\n  s: searchImages(first: 2) @include(if: true) {\n    ... on ImageConnection {\n      ...Extras\n    }\n  }\n}', list)).toEqual(EVERY_EXTRA);
    });

    it.each([
      ['a comment', '{\n  # ...\n  items {\n    ...ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n}'],
      ['an unclosed brace', '{\n  items {\n    ...ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n'],
      ['a brace too many', '{\n  items {\n    ...ImageSummary\n  }\n  }\n  pageInfo {\n    endCursor\n  }\n}'],
      ['an unterminated string', wrapped('').replace('first: $first', 'first: "24')],
      ['an unterminated block string', wrapped('').replace('    """\n    first', '    first')],
      ['unclosed arguments', wrapped('').replace('  ) @include', '  @include')],
      ['a variable outside arguments', '{\n  items {\n    ...ImageSummary\n  }\n  pageInfo $x {\n    endCursor\n  }\n}'],
      ['four dots', '{\n  items {\n    ....ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n}'],
      ['a selection after a spread', '{\n  items {\n    id\n  }\n  ...Extras {\n    totalCount2\n  }\n  pageInfo {\n    endCursor\n  }\n}'],
      ['an inline fragment without a selection', '{\n  items {\n    id\n  }\n  ... on ImageConnection\n  pageInfo {\n    endCursor\n  }\n}'],
      ['an operation around the selection', 'query {\n  items {\n    ...ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n}'],
      ['a selection without braces', 'items pageInfo'],
      ['an empty selection', '{}'],
      ['a value outside arguments', '{\n  items: "x" {\n    ...ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n}'],
      ['a character GraphQL does not have', '{\n  items {\n    ...ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n}\u00a0'],
      ['more than 8,000 characters', `{\n  items {\n    ...ImageSummary\n  }\n  pageInfo {\n    endCursor\n  }\n${' '.repeat(8_000)}}`],
    ])('a printing not read (%s) may select anything', (_what, printed) => {
      expect(extrasFor(printed, PAGE_LIST)).toEqual(EVERY_EXTRA);
    });

    it('without a selection list, anything may be selected', () => {
      const ctx = context({ info: { fieldName: 'searchImages', selectionSetGraphQL: '{\n  items {\n    id\n  }\n}', selectionSetList: undefined } });
      run(resolver.request, ctx);
      expect(ctx.stash.extras).toEqual(EVERY_EXTRA);
    });
  });

  it('answers unselected fields empty without reading them from the response', () => {
    const pageOnly = { hits: { hits: [{ _id: 'a', _source: doc('01JD000000000000000000000A'), sort: [1, '01JD000000000000000000000A'] }] } };
    const { result, error } = run(
      resolver.response,
      context({ result: pageOnly, stash: { page: { first: 5, sort: 'NEWEST' }, extras: { facets: false, totalCount: false } } }),
    );
    expect(error).toBeUndefined();
    expect(result?.items).toHaveLength(1);
    expect(result?.totalCount).toBe(0);
    expect(result?.facets.labels).toEqual([]);
  });
});
