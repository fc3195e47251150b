/** The search request beyond the query: sort, pagination, total hits, _source filtering, aggregations. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CaseGroup, type Corpus, describeSearchCases } from './cases.ts';
import { type SearchHit, type SearchResult, createIndex, expectErrorShape, ids, loadDocuments, raw, search, useTarget } from './harness.ts';

const target = useTarget();

const shop: Corpus = {
  name: 'shop',
  index: {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      properties: {
        sku: { type: 'keyword' },
        description: { type: 'text' },
        category: { type: 'keyword' },
        color: { type: 'keyword' },
        price: { type: 'integer' },
        rating: { type: 'float' },
        added: { type: 'date' },
        dims: { properties: { w: { type: 'integer' }, h: { type: 'integer' } } },
      },
    },
  },
  docs: {
    s1: { sku: 'S1', description: 'hammer hammer', category: 'tools', color: 'red', price: 30, rating: 4.0, added: '2019-05-01T00:00:00Z', dims: { w: 1, h: 2 } },
    s2: { sku: 'S2', description: 'toy hammer', category: 'toys', color: 'blue', price: 10, rating: 2.5, added: '2021-03-15T00:00:00Z', dims: { w: 3, h: 4 } },
    s3: { sku: 'S3', description: 'saw', category: 'tools', color: 'red', price: 20, added: '2021-09-30T00:00:00Z', dims: { w: 5, h: 6 } },
    s4: { sku: 'S4', description: 'rake', category: 'garden', color: 'green', price: 20, rating: 5.0, added: '2023-01-20T00:00:00Z', dims: { w: 7, h: 8 } },
    s5: { sku: 'S5', description: 'hammer drill set', category: 'tools', color: 'blue', price: 50, added: '2023-11-11T00:00:00Z', dims: { w: 9, h: 10 } },
    s6: { sku: 'S6', description: 'toy car', category: 'toys', color: 'amber', price: 40, rating: 3.5, added: '2019-12-31T00:00:00Z', dims: { w: 11, h: 12 } },
  },
};

const hitsOf = (result: SearchResult): SearchHit[] => result.hits.hits;
const yearKey = (year: number) => Date.UTC(year, 0, 1);

const groups: CaseGroup[] = [
  {
    title: 'sort by field',
    // https://docs.lucenia.io/search-plugins/searching-data/sort/ mirrors
    // https://docs.opensearch.org/latest/search-plugins/searching-data/sort/ (order asc/desc, sort values
    // returned with each hit, _score null when sorting by a field; missing: _last by default, _first)
    doc: 'https://docs.opensearch.org/latest/search-plugins/searching-data/sort/',
    cases: [
      {
        name: 'price asc, then sku asc for ties; sort values come back with each hit',
        body: { sort: [{ price: { order: 'asc' } }, { sku: { order: 'asc' } }] },
        ids: ['s2', 's3', 's4', 's1', 's6', 's5'],
        check: (result) => {
          expect(hitsOf(result)[0]?.sort).toEqual([10, 'S2']);
          expect(hitsOf(result)[1]?.sort).toEqual([20, 'S3']);
          expect(hitsOf(result).map((hit) => hit._score)).toEqual([null, null, null, null, null, null]);
        },
      },
      { name: 'price desc, then sku asc', body: { sort: [{ price: { order: 'desc' } }, { sku: { order: 'asc' } }] }, ids: ['s5', 's6', 's1', 's3', 's4', 's2'] },
      { name: 'short form { field: "desc" } on a keyword', body: { sort: [{ sku: 'desc' }] }, ids: ['s6', 's5', 's4', 's3', 's2', 's1'] },
      {
        name: 'on a date: epoch milliseconds as sort values',
        body: { sort: [{ added: { order: 'asc' } }] },
        ids: ['s1', 's6', 's2', 's3', 's4', 's5'],
        check: (result) => expect(hitsOf(result)[0]?.sort).toEqual([Date.parse('2019-05-01T00:00:00Z')]),
      },
      { name: 'missing values last by default (asc)', body: { sort: [{ rating: { order: 'asc' } }, { sku: 'asc' }] }, ids: ['s2', 's6', 's1', 's4', 's3', 's5'] },
      { name: 'missing values last by default (desc too)', body: { sort: [{ rating: { order: 'desc' } }, { sku: 'asc' }] }, ids: ['s4', 's1', 's6', 's2', 's3', 's5'] },
      { name: 'missing: _first', body: { sort: [{ rating: { order: 'asc', missing: '_first' } }, { sku: 'asc' }] }, ids: ['s3', 's5', 's2', 's6', 's1', 's4'] },
      { name: 'missing: a custom value sorts as that value', body: { sort: [{ rating: { order: 'desc', missing: 3 } }, { sku: 'asc' }] }, ids: ['s4', 's1', 's6', 's3', 's5', 's2'] },
    ],
  },
  {
    title: 'sort by _score',
    // https://docs.opensearch.org/latest/search-plugins/searching-data/sort/ (by default full-text
    // queries sort by relevance; _score can be named in sort, in either order)
    doc: 'https://docs.opensearch.org/latest/search-plugins/searching-data/sort/',
    cases: [
      { name: 'default: relevance, best first (tf, then length)', body: { query: { match: { description: 'hammer' } } }, ids: ['s1', 's2', 's5'] },
      {
        // SortBuilder.buildSort treats a lone _score desc as no sort: no sort values in the hits.
        name: '_score desc explicitly: the default order, scores and no sort values',
        body: { query: { match: { description: 'hammer' } }, sort: [{ _score: { order: 'desc' } }] },
        ids: ['s1', 's2', 's5'],
        check: (result) => {
          for (const hit of hitsOf(result)) {
            expect(typeof hit._score).toBe('number');
            expect(hit.sort).toBeUndefined();
          }
        },
      },
      {
        name: '_score asc, with sort values',
        body: { query: { match: { description: 'hammer' } }, sort: [{ _score: { order: 'asc' } }] },
        ids: ['s5', 's2', 's1'],
        check: (result) => {
          for (const hit of hitsOf(result)) expect(hit.sort).toEqual([hit._score]);
        },
      },
      {
        name: '_score then a field for ties',
        body: { query: { bool: { filter: [{ term: { category: 'tools' } }] } }, sort: ['_score', { price: 'desc' }] },
        ids: ['s5', 's1', 's3'],
      },
    ],
  },
  {
    title: 'from / size',
    // https://docs.opensearch.org/3.9/search-plugins/searching-data/paginate/
    doc: 'https://docs.opensearch.org/3.9/search-plugins/searching-data/paginate/',
    cases: [
      { name: 'from 2, size 2', body: { from: 2, size: 2, sort: [{ price: 'asc' }, { sku: 'asc' }] }, ids: ['s4', 's1'], total: { value: 6, relation: 'eq' } },
      { name: 'size 0: no hits, the total still counted', body: { size: 0, query: { term: { category: 'tools' } } }, ids: [], total: { value: 3, relation: 'eq' } },
      { name: 'from past the end: no hits', body: { from: 10, size: 5, sort: [{ sku: 'asc' }] }, ids: [], total: { value: 6, relation: 'eq' } },
    ],
  },
  {
    title: '_source filtering',
    // https://www.elastic.co/guide/en/elasticsearch/reference/7.2/search-request-source-filtering.html
    // (OpenSearch's search API takes the same _source parameter:
    // https://docs.opensearch.org/2.6/api-reference/search "_source ... Whether to include the _source
    // field in the response", includes/excludes)
    doc: 'https://docs.opensearch.org/2.6/api-reference/search',
    cases: [
      {
        name: 'includes',
        body: { query: { ids: { values: ['s1'] } }, _source: { includes: ['sku', 'price'] } },
        check: (result) => expect(hitsOf(result)[0]?._source).toEqual({ sku: 'S1', price: 30 }),
      },
      {
        name: 'excludes',
        body: { query: { ids: { values: ['s1'] } }, _source: { excludes: ['description', 'dims', 'added', 'rating'] } },
        check: (result) => expect(hitsOf(result)[0]?._source).toEqual({ sku: 'S1', category: 'tools', color: 'red', price: 30 }),
      },
      {
        name: 'includes and excludes with wildcards on an object',
        body: { query: { ids: { values: ['s1'] } }, _source: { includes: ['dims.*', 'sku'], excludes: ['dims.h'] } },
        check: (result) => expect(hitsOf(result)[0]?._source).toEqual({ sku: 'S1', dims: { w: 1 } }),
      },
      {
        name: 'an array of fields is includes',
        body: { query: { ids: { values: ['s2'] } }, _source: ['color'] },
        check: (result) => expect(hitsOf(result)[0]?._source).toEqual({ color: 'blue' }),
      },
      {
        name: '_source: false leaves it out',
        body: { query: { ids: { values: ['s2'] } }, _source: false },
        check: (result) => {
          expect(ids(result)).toEqual(['s2']);
          expect(hitsOf(result)[0]).not.toHaveProperty('_source');
        },
      },
    ],
  },
  {
    title: 'terms aggregation',
    // https://docs.opensearch.org/3.9/aggregations/bucket/terms/ (one bucket per term with doc_count;
    // size default 10; order default {"_count": "desc"}, also _key; sum_other_doc_count)
    doc: 'https://docs.opensearch.org/3.9/aggregations/bucket/terms/',
    cases: [
      {
        name: 'counts, most documents first',
        body: { size: 0, aggs: { categories: { terms: { field: 'category' } } } },
        aggregations: {
          categories: {
            doc_count_error_upper_bound: 0,
            sum_other_doc_count: 0,
            buckets: [
              { key: 'tools', doc_count: 3 },
              { key: 'toys', doc_count: 2 },
              { key: 'garden', doc_count: 1 },
            ],
          },
        },
      },
      {
        name: 'size cuts the list; the rest is counted in sum_other_doc_count',
        body: { size: 0, aggs: { categories: { terms: { field: 'category', size: 2 } } } },
        check: (result) => {
          const aggregation = result.aggregations?.categories;
          expect(aggregation?.buckets).toEqual([
            { key: 'tools', doc_count: 3 },
            { key: 'toys', doc_count: 2 },
          ]);
          expect(aggregation?.sum_other_doc_count).toBe(1);
        },
      },
      {
        name: 'order by count, then by key',
        body: { size: 0, aggs: { colors: { terms: { field: 'color', order: [{ _count: 'desc' }, { _key: 'asc' }] } } } },
        check: (result) =>
          expect(result.aggregations?.colors?.buckets).toEqual([
            { key: 'blue', doc_count: 2 },
            { key: 'red', doc_count: 2 },
            { key: 'amber', doc_count: 1 },
            { key: 'green', doc_count: 1 },
          ]),
      },
      {
        name: 'order by key',
        body: { size: 0, aggs: { colors: { terms: { field: 'color', order: { _key: 'asc' } } } } },
        check: (result) => expect(result.aggregations?.colors?.buckets?.map((bucket) => bucket.key)).toEqual(['amber', 'blue', 'green', 'red']),
      },
      {
        name: 'default order: count descending (equal counts adjacent)',
        body: { size: 0, aggs: { colors: { terms: { field: 'color' } } } },
        check: (result) => {
          const buckets = result.aggregations?.colors?.buckets ?? [];
          expect(buckets.map((bucket) => bucket.doc_count)).toEqual([2, 2, 1, 1]);
          expect(buckets.slice(0, 2).map((bucket) => bucket.key).sort()).toEqual(['blue', 'red']);
        },
      },
      {
        name: 'counts only the documents the query matched, whatever size and from',
        body: { size: 1, from: 1, query: { term: { category: 'tools' } }, aggs: { colors: { terms: { field: 'color' } } } },
        check: (result) => {
          expect(result.hits.hits).toHaveLength(1);
          expect(result.aggregations?.colors?.buckets).toEqual([
            { key: 'red', doc_count: 2 },
            { key: 'blue', doc_count: 1 },
          ]);
        },
      },
    ],
  },
  {
    title: 'date_histogram',
    // https://docs.opensearch.org/3.9/aggregations/bucket/date-histogram/ (calendar_interval year;
    // format for key_as_string; min_doc_count; key = start of the bucket in epoch milliseconds)
    doc: 'https://docs.opensearch.org/3.9/aggregations/bucket/date-histogram/',
    cases: [
      {
        name: 'calendar_interval year, format yyyy, min_doc_count 1: only years with documents',
        body: { size: 0, aggs: { years: { date_histogram: { field: 'added', calendar_interval: 'year', format: 'yyyy', min_doc_count: 1 } } } },
        check: (result) =>
          expect(result.aggregations?.years?.buckets).toEqual([
            { key: yearKey(2019), key_as_string: '2019', doc_count: 2 },
            { key: yearKey(2021), key_as_string: '2021', doc_count: 2 },
            { key: yearKey(2023), key_as_string: '2023', doc_count: 2 },
          ]),
      },
      {
        name: 'min_doc_count 0: empty years between the first and the last appear',
        body: { size: 0, aggs: { years: { date_histogram: { field: 'added', calendar_interval: 'year', format: 'yyyy', min_doc_count: 0 } } } },
        check: (result) =>
          expect(result.aggregations?.years?.buckets?.map((bucket) => [bucket.key_as_string, bucket.doc_count])).toEqual([
            ['2019', 2],
            ['2020', 0],
            ['2021', 2],
            ['2022', 0],
            ['2023', 2],
          ]),
      },
      {
        name: 'over the query’s matches only',
        body: { size: 0, query: { term: { category: 'tools' } }, aggs: { years: { date_histogram: { field: 'added', calendar_interval: 'year', format: 'yyyy', min_doc_count: 1 } } } },
        check: (result) =>
          expect(result.aggregations?.years?.buckets?.map((bucket) => [bucket.key_as_string, bucket.doc_count])).toEqual([
            ['2019', 1],
            ['2021', 1],
            ['2023', 1],
          ]),
      },
    ],
  },
  {
    title: 'min and max',
    // https://docs.opensearch.org/2.10/aggregations/metric/minimum
    // https://docs.opensearch.org/docs/aggregations/metric/maximum
    doc: 'https://docs.opensearch.org/docs/aggregations/metric/maximum',
    cases: [
      {
        name: 'on a number',
        body: { size: 0, aggs: { cheapest: { min: { field: 'price' } }, dearest: { max: { field: 'price' } } } },
        aggregations: { cheapest: { value: 10 }, dearest: { value: 50 } },
      },
      {
        name: 'on a date: epoch milliseconds',
        body: { size: 0, aggs: { first: { min: { field: 'added' } }, last: { max: { field: 'added' } } } },
        aggregations: { first: { value: Date.parse('2019-05-01T00:00:00Z') }, last: { value: Date.parse('2023-11-11T00:00:00Z') } },
      },
      {
        name: 'documents without the field are left out',
        body: { size: 0, aggs: { low: { min: { field: 'rating' } }, high: { max: { field: 'rating' } } } },
        aggregations: { low: { value: 2.5 }, high: { value: 5 } },
      },
      {
        name: 'over the query’s matches only',
        body: { size: 0, query: { term: { category: 'toys' } }, aggs: { dearest: { max: { field: 'price' } } } },
        aggregations: { dearest: { value: 40 } },
      },
      {
        name: 'missing: the value given to documents without the field',
        body: { size: 0, aggs: { low: { min: { field: 'rating', missing: 0 } }, high: { max: { field: 'rating', missing: 9 } } } },
        aggregations: { low: { value: 0 }, high: { value: 9 } },
      },
    ],
  },
];

describeSearchCases(target, shop, groups);

// https://docs.opensearch.org/3.9/search-plugins/searching-data/paginate/ ("The search_after
// parameter": the sort values of the last hit fetch the next page; a unique tiebreaker keeps it exact)
describe('search_after', () => {
  let index = '';
  beforeAll(async () => {
    index = target().indexName('pages');
    await createIndex(target(), index, shop.index);
    await loadDocuments(target(), index, shop.docs);
  });

  it('pages through every document exactly once, in the sort order', async () => {
    const sort = [{ price: { order: 'asc' } }, { sku: { order: 'asc' } }];
    const full = ids(await search(target(), index, { size: 100, sort }));
    expect(full).toEqual(['s2', 's3', 's4', 's1', 's6', 's5']);
    const seen: string[] = [];
    let after: unknown[] | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await search(target(), index, { size: 2, sort, ...(after ? { search_after: after } : {}) });
      const hits = result.hits.hits;
      if (hits.length === 0) break;
      seen.push(...hits.map((hit) => hit._id));
      after = hits[hits.length - 1]?.sort ?? undefined;
      expect(after, 'each hit carries its sort values').toBeDefined();
    }
    expect(seen).toEqual(full);
  });

  it('descending with a query and a keyword tiebreaker', async () => {
    const body = { query: { terms: { category: ['tools', 'toys'] } }, sort: [{ added: 'desc' }, { sku: 'asc' }] };
    const first = await search(target(), index, { ...body, size: 3 });
    expect(ids(first)).toEqual(['s5', 's3', 's2']);
    const next = await search(target(), index, { ...body, size: 3, search_after: first.hits.hits[2]?.sort });
    expect(ids(next)).toEqual(['s6', 's1']);
  });

  it('after _score and a tiebreaker', async () => {
    const body = { query: { match: { description: 'hammer' } }, sort: [{ _score: 'desc' }, { sku: 'asc' }], size: 1 };
    const seen: string[] = [];
    let after: unknown[] | undefined;
    for (let page = 0; page < 5; page += 1) {
      const result = await search(target(), index, { ...body, ...(after ? { search_after: after } : {}) });
      if (result.hits.hits.length === 0) break;
      seen.push(...ids(result));
      after = result.hits.hits[0]?.sort;
    }
    expect(seen).toEqual(['s1', 's2', 's5']);
  });
});

// https://docs.opensearch.org/2.6/api-reference/search (track_total_hits: true counts every match;
// an integer counts up to it; by default up to 10,000, and then "relation": "gte")
// https://docs.opensearch.org/3.9/search-plugins/searching-data/paginate/ (size defaults to 10;
// from + size cannot page past index.max_result_window, 10,000 by default; stated outright in
// https://elastic.co/guide/en/elasticsearch/reference/6.8/search-request-from-size.html, the API
// OpenSearch keeps)
describe('track_total_hits', () => {
  const COUNT = 10_050;
  let index = '';
  beforeAll(async () => {
    index = target().indexName('many');
    await createIndex(target(), index, { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { n: { type: 'integer' } } } });
    const docs: Record<string, { n: number }> = {};
    for (let n = 0; n < COUNT; n += 1) docs[`n${n}`] = { n };
    await loadDocuments(target(), index, docs);
  }, 120_000);

  it('by default counts up to 10,000 and says gte; returns 10 hits', async () => {
    const result = await search(target(), index, { query: { match_all: {} } });
    expect(result.hits.total).toEqual({ value: 10_000, relation: 'gte' });
    expect(result.hits.hits).toHaveLength(10);
  });

  it('true: the exact count', async () => {
    const result = await search(target(), index, { query: { match_all: {} }, track_total_hits: true });
    expect(result.hits.total).toEqual({ value: COUNT, relation: 'eq' });
  });

  it('an integer: counts up to it', async () => {
    const result = await search(target(), index, { query: { match_all: {} }, track_total_hits: 100 });
    expect(result.hits.total).toEqual({ value: 100, relation: 'gte' });
  });

  it('below the threshold the count is exact, with eq', async () => {
    const result = await search(target(), index, { query: { range: { n: { lt: 500 } } } });
    expect(result.hits.total).toEqual({ value: 500, relation: 'eq' });
  });

  it('from + size beyond 10,000 (index.max_result_window) is refused: 400', async () => {
    const response = await raw(target(), 'POST', `/${index}/_search`, { from: 9_995, size: 10, query: { match_all: {} } });
    expectErrorShape(response, 400, undefined, { rootCause: 'illegal_argument_exception', reasonIncludes: 'max_result_window' });
  });

  it('false: no total at all', async () => {
    const result = await search(target(), index, { query: { match_all: {} }, track_total_hits: false });
    expect(result.hits.total).toBeUndefined();
  });
});
