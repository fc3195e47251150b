/** Query DSL: full text (match, multi_match), bool, term-level queries, geo_distance, and unknown queries. */
import { expect } from 'vitest';
import { type CaseGroup, type Corpus, describeSearchCases } from './cases.ts';
import { useTarget } from './harness.ts';

const target = useTarget();

const PARIS = { lat: 48.8566, lon: 2.3522 };
const LYON = { lat: 45.764, lon: 4.8357 }; // ~392 km from Paris
const MARSEILLE = { lat: 43.2965, lon: 5.3698 }; // ~661 km from Paris, ~278 km from Lyon
const NEW_YORK = { lat: 40.7128, lon: -74.006 };

/** A small catalogue whose expectations can be worked out by hand. One shard, so scores are exact. */
const catalogue: Corpus = {
  name: 'catalogue',
  index: {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      properties: {
        title: { type: 'text' },
        body: { type: 'text' },
        tags: { type: 'keyword' },
        sku: { type: 'keyword' },
        price: { type: 'integer' },
        rating: { type: 'float' },
        published: { type: 'date' },
        location: { type: 'geo_point' },
      },
    },
  },
  docs: {
    d1: { title: 'Quick brown fox', body: 'The fox jumps over the lazy dog', tags: ['animal', 'fast'], sku: 'AB-100', price: 10, rating: 4.5, published: '2019-03-10T10:00:00Z', location: PARIS },
    d2: { title: 'Lazy brown dog', body: 'A dog sleeps in the sun', tags: ['animal', 'slow'], sku: 'AB-200', price: 25, rating: 3.0, published: '2021-06-01T00:00:00Z', location: LYON },
    d3: { title: 'Red fox den', body: 'Foxes live in dens', tags: ['animal', 'wild'], sku: 'CD-300', price: 40, published: '2021-11-20T12:00:00Z', location: NEW_YORK },
    d4: { title: 'Sun and sea', body: 'A quiet beach holiday', tags: ['travel'], sku: 'CD-400', price: 55, rating: 4.9, published: '2022-07-04T08:00:00Z' },
    d5: { title: 'Brown bread recipe', body: 'Bake the bread slowly', tags: ['food', 'slow'], sku: 'EF-500', price: 8, rating: null, published: '2020-02-29T00:00:00Z', location: MARSEILLE },
  },
};

/**
 * BM25 (k1 1.2, b 0.75) on one field with the same idf for every document, so order follows from
 * term frequency and field length alone:
 *   r1 "fox fox" beats r2 "fox hound": same length, twice the term;
 *   r2 beats r3 "fox hound hound cat": same term frequency, shorter field.
 * For "hound" over title and body: r6 has it as its whole (1-term) body, the others once in a
 * 2- to 4-term title, so without boosts r6 leads by about 2x; with title^3 every title match
 * (>= 1.09) passes r6 (0.76).
 */
const ranking: Corpus = {
  name: 'ranking',
  index: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { title: { type: 'text' }, body: { type: 'text' } } } },
  docs: {
    r1: { title: 'fox fox', body: 'den' },
    r2: { title: 'fox hound', body: 'den' },
    r3: { title: 'fox hound hound cat', body: 'den' },
    r4: { title: 'cat', body: 'fox' },
    r5: { title: 'owl', body: 'owl' },
    r6: { title: 'dog', body: 'hound' },
    r7: { title: 'hound owl', body: 'tree' },
  },
};

/** Dates around now, for date math; built when the file loads. */
const DAY = 24 * 60 * 60 * 1000;
const now = Date.now();
const startOfToday = now - (now % DAY);
const recent: Corpus = {
  name: 'recent',
  index: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { at: { type: 'date' } } } },
  docs: {
    today: { at: new Date(startOfToday + Math.floor((now - startOfToday) / 2)).toISOString() },
    yesterday: { at: new Date(startOfToday - DAY / 2).toISOString() },
    'three-days-ago': { at: new Date(startOfToday - 3 * DAY + DAY / 2).toISOString() },
  },
};

const catalogueGroups: CaseGroup[] = [
  {
    title: 'match',
    // https://docs.opensearch.org/2.7/query-dsl/full-text (match; the operator defaults to or)
    // https://docs.opensearch.org/docs/query-dsl/minimum-should-match
    doc: 'https://docs.opensearch.org/2.7/query-dsl/full-text',
    cases: [
      { name: 'one term: the documents whose analyzed title holds it', body: { query: { match: { title: 'fox' } } }, anyOrder: ['d1', 'd3'] },
      { name: 'the query text is analyzed like the field (lowercased)', body: { query: { match: { title: 'FOX' } } }, anyOrder: ['d1', 'd3'] },
      {
        name: 'operator or (default): any term; the document holding both ranks first, the rarer term next',
        body: { query: { match: { title: 'brown fox' } } },
        ranked: [['d1'], ['d3'], ['d2', 'd5']],
      },
      { name: 'operator and: every term', body: { query: { match: { title: { query: 'brown fox', operator: 'and' } } } }, ids: ['d1'] },
      {
        name: 'minimum_should_match 2 of 3 terms',
        body: { query: { match: { title: { query: 'brown fox den', minimum_should_match: 2 } } } },
        anyOrder: ['d1', 'd3'],
      },
      { name: 'on a keyword field the whole value is one term', body: { query: { match: { tags: 'animal' } } }, anyOrder: ['d1', 'd2', 'd3'] },
      { name: 'on a numeric field, the number', body: { query: { match: { price: 25 } } }, ids: ['d2'] },
      { name: 'no document holds the term', body: { query: { match: { title: 'zebra' } } }, ids: [], total: { value: 0, relation: 'eq' } },
      { name: 'fuzziness AUTO: one edit allowed in a 5-letter term', body: { query: { match: { title: { query: 'browm', fuzziness: 'AUTO' } } } }, anyOrder: ['d1', 'd2', 'd5'] },
      { name: 'without fuzziness the typo matches nothing', body: { query: { match: { title: 'browm' } } }, ids: [] },
    ],
  },
  {
    title: 'bool',
    // https://docs.opensearch.org/2.16/query-dsl/compound/bool ("If a query contains a must or filter
    // clause, the default minimum_should_match value is 0. Otherwise, the default value is 1.")
    doc: 'https://docs.opensearch.org/2.16/query-dsl/compound/bool',
    cases: [
      {
        name: 'filter and must_not',
        body: { query: { bool: { filter: [{ term: { tags: 'animal' } }], must_not: [{ term: { tags: 'fast' } }] } } },
        anyOrder: ['d2', 'd3'],
      },
      {
        name: 'filter clauses do not score: a filter-only bool gives every hit a score of 0',
        body: { query: { bool: { filter: [{ term: { tags: 'animal' } }] } } },
        anyOrder: ['d1', 'd2', 'd3'],
        check: (result) => expect(result.hits.hits.map((hit) => hit._score)).toEqual([0, 0, 0]),
      },
      {
        name: 'should alone: at least one should clause must match',
        body: { query: { bool: { should: [{ term: { tags: 'food' } }, { term: { tags: 'travel' } }] } } },
        anyOrder: ['d4', 'd5'],
      },
      {
        name: 'must with should: should is optional, and raises the score of documents that match it',
        body: { query: { bool: { must: [{ match: { title: 'brown' } }], should: [{ term: { tags: 'slow' } }] } } },
        ranked: [['d2', 'd5'], ['d1']],
      },
      {
        name: 'filter with should and minimum_should_match 1: should becomes required',
        body: { query: { bool: { filter: [{ term: { tags: 'animal' } }], should: [{ term: { tags: 'slow' } }, { term: { tags: 'wild' } }], minimum_should_match: 1 } } },
        anyOrder: ['d2', 'd3'],
      },
      {
        name: 'minimum_should_match 2 of 3 should clauses',
        body: {
          query: { bool: { should: [{ term: { tags: 'animal' } }, { term: { tags: 'slow' } }, { term: { tags: 'food' } }], minimum_should_match: 2 } },
        },
        anyOrder: ['d2', 'd5'],
      },
      { name: 'must_not alone matches everything else', body: { query: { bool: { must_not: [{ term: { tags: 'animal' } }] } } }, anyOrder: ['d4', 'd5'] },
    ],
  },
  {
    title: 'term and terms on keyword',
    // https://docs.opensearch.org/docs/query-dsl/term/index ("Term-level queries search an index for
    // documents that contain an exact search term"; the search term is not analyzed)
    doc: 'https://docs.opensearch.org/docs/query-dsl/term/index',
    cases: [
      { name: 'term: exact value', body: { query: { term: { tags: 'slow' } } }, anyOrder: ['d2', 'd5'] },
      { name: 'term is not analyzed: case matters on keyword', body: { query: { term: { tags: 'Slow' } } }, ids: [] },
      { name: 'term with the long form { value }', body: { query: { term: { sku: { value: 'CD-300' } } } }, ids: ['d3'] },
      { name: 'terms: any of the values', body: { query: { terms: { tags: ['travel', 'wild', 'nothing'] } } }, anyOrder: ['d3', 'd4'] },
    ],
  },
  {
    title: 'term on a text field',
    // https://docs.opensearch.org/latest/query-dsl/term/term/ (a text field holds the analyzed tokens,
    // so term finds the lowercased token and not the original text)
    doc: 'https://docs.opensearch.org/latest/query-dsl/term/term/',
    cases: [
      { name: 'the original capitalized word does not match', body: { query: { term: { title: 'Quick' } } }, ids: [] },
      { name: 'the analyzed token does', body: { query: { term: { title: 'quick' } } }, ids: ['d1'] },
      { name: 'nor does the whole original text', body: { query: { term: { title: 'Quick brown fox' } } }, ids: [] },
    ],
  },
  {
    title: 'range on numbers and dates',
    // https://docs.opensearch.org/3.5/query-dsl/term/range/
    doc: 'https://docs.opensearch.org/3.5/query-dsl/term/range/',
    cases: [
      { name: 'gte and lt on an integer', body: { query: { range: { price: { gte: 10, lt: 40 } } } }, anyOrder: ['d1', 'd2'] },
      { name: 'gt and lte on an integer', body: { query: { range: { price: { gt: 10, lte: 40 } } } }, anyOrder: ['d2', 'd3'] },
      { name: 'on a float', body: { query: { range: { rating: { gte: 4.5 } } } }, anyOrder: ['d1', 'd4'] },
      {
        name: 'on a date with ISO bounds',
        body: { query: { range: { published: { gte: '2021-01-01T00:00:00Z', lte: '2021-12-31T23:59:59Z' } } } },
        anyOrder: ['d2', 'd3'],
      },
      {
        name: 'on a date with a format for the bounds',
        body: { query: { range: { published: { gte: '01/01/2020', lt: '01/01/2021', format: 'dd/MM/yyyy' } } } },
        ids: ['d5'],
      },
      { name: 'a date rounded by date math ||/y (gte rounds down, lte rounds up)', body: { query: { range: { published: { gte: '2021||/y', lte: '2021||/y' } } } }, anyOrder: ['d2', 'd3'] },
    ],
  },
  {
    title: 'exists, prefix, ids',
    // https://docs.opensearch.org/3.0/query-dsl/term/index (exists: "any indexed value"; a null or
    // missing value is not one; prefix; ids)
    doc: 'https://docs.opensearch.org/3.0/query-dsl/term/index',
    cases: [
      { name: 'exists: documents with a value (null and missing have none)', body: { query: { exists: { field: 'rating' } } }, anyOrder: ['d1', 'd2', 'd4'] },
      { name: 'exists on a geo_point', body: { query: { exists: { field: 'location' } } }, anyOrder: ['d1', 'd2', 'd3', 'd5'] },
      { name: 'prefix on keyword', body: { query: { prefix: { sku: 'AB-' } } }, anyOrder: ['d1', 'd2'] },
      { name: 'prefix with the long form { value }', body: { query: { prefix: { sku: { value: 'CD' } } } }, anyOrder: ['d3', 'd4'] },
      { name: 'ids: the listed ids that exist', body: { query: { ids: { values: ['d1', 'd4', 'nope'] } } }, anyOrder: ['d1', 'd4'] },
    ],
  },
  {
    title: 'geo_distance',
    // https://raw.githubusercontent.com/opensearch-project/documentation-website/main/_query-dsl/geo-and-xy/geodistance.md
    // (docs.opensearch.org/latest/query-dsl/geo-and-xy/geodistance/)
    doc: 'https://docs.opensearch.org/latest/query-dsl/geo-and-xy/geodistance/',
    cases: [
      { name: '100 km around Paris', body: { query: { geo_distance: { distance: '100km', location: PARIS } } }, ids: ['d1'] },
      { name: '500 km around Paris takes Lyon in', body: { query: { geo_distance: { distance: '500km', location: PARIS } } }, anyOrder: ['d1', 'd2'] },
      {
        name: 'as a bool filter, 300 km around Lyon, lat/lon as an object',
        body: { query: { bool: { filter: { geo_distance: { distance: '300km', location: { lat: LYON.lat, lon: LYON.lon } } } } } },
        anyOrder: ['d2', 'd5'],
      },
      { name: 'documents without a location never match', body: { query: { geo_distance: { distance: '20000km', location: PARIS } } }, anyOrder: ['d1', 'd2', 'd3', 'd5'] },
      { name: 'the point as a "lat,lon" string', body: { query: { geo_distance: { distance: '100km', location: `${PARIS.lat},${PARIS.lon}` } } }, ids: ['d1'] },
      { name: 'the point as a [lon, lat] array', body: { query: { geo_distance: { distance: '100km', location: [PARIS.lon, PARIS.lat] } } }, ids: ['d1'] },
      { name: 'distance in another unit (mi)', body: { query: { geo_distance: { distance: '300mi', location: PARIS } } }, anyOrder: ['d1', 'd2'] },
    ],
  },
  {
    title: 'an unknown query type',
    // A query the parser does not know is a 400 parsing_exception naming it ("unknown query [x]",
    // "no [query] registered for [x]" in older versions):
    // https://opensearch.org/blog/error-logs/error-log-search_phase_execution_exception-the-vague-search-failure/
    // https://docs.opensearch.org/docs/query-dsl/ (the query types there are the whole language)
    doc: 'https://docs.opensearch.org/docs/query-dsl/',
    cases: [
      { name: 'no_such_query: 400 parsing_exception naming it', body: { query: { no_such_query: { title: 'fox' } } }, error: { status: 400, type: 'parsing_exception', reasonIncludes: 'no_such_query' } },
      {
        // BoolQueryBuilder's ObjectParser wraps its clauses' parse failures, once per bool.
        name: 'nested inside bool: 400 x_content_parse_exception naming the clause, root cause parsing_exception',
        body: { query: { bool: { filter: [{ fancy_filter: {} }] } } },
        error: { status: 400, type: 'x_content_parse_exception', rootCause: 'parsing_exception', reasonIncludes: 'fancy_filter' },
      },
      {
        name: 'nested two bools deep: still a parsing_exception at the root',
        body: { query: { bool: { must: [{ bool: { must_not: { fancy_filter: {} } } }] } } },
        error: { status: 400, type: 'x_content_parse_exception', rootCause: 'parsing_exception', reasonIncludes: '[bool] failed to parse field [must]' },
      },
      {
        name: 'inside constant_score: parsing_exception, unwrapped',
        body: { query: { constant_score: { filter: { fancy_filter: {} } } } },
        error: { status: 400, type: 'parsing_exception', reasonIncludes: 'fancy_filter' },
      },
    ],
  },
  {
    title: 'sorting on a text field',
    // Text fields have no doc values: sorting (or aggregating) on one is refused with a 400 whose root
    // cause is an illegal_argument_exception ("Text fields are not optimised for operations that
    // require per-document field data ..."), wrapped in search_phase_execution_exception:
    // https://opensearch.org/blog/error-logs/error-log-search_phase_execution_exception-the-vague-search-failure/
    // https://docs.opensearch.org/3.9/aggregations/bucket/terms/ ("A text field can be used only if fielddata is enabled")
    doc: 'https://opensearch.org/blog/error-logs/error-log-search_phase_execution_exception-the-vague-search-failure/',
    cases: [
      { name: 'sort on text: 400, illegal_argument_exception', body: { sort: [{ title: 'asc' }] }, error: { status: 400, rootCause: 'illegal_argument_exception' } },
      {
        name: 'terms aggregation on text: 400, illegal_argument_exception',
        body: { size: 0, aggs: { words: { terms: { field: 'title' } } } },
        error: { status: 400, rootCause: 'illegal_argument_exception' },
      },
    ],
  },
];

const rankingGroups: CaseGroup[] = [
  {
    title: 'BM25 ranking',
    // https://docs.opensearch.org/2.7/query-dsl/full-text (full-text queries sort by relevance score)
    doc: 'https://docs.opensearch.org/2.7/query-dsl/full-text',
    cases: [
      { name: 'term frequency, then field length', body: { query: { match: { title: 'fox' } } }, ids: ['r1', 'r2', 'r3'] },
      {
        name: 'max_score is the first hit’s score and scores decrease',
        body: { query: { match: { title: 'fox' } } },
        check: (result) => {
          const scores = result.hits.hits.map((hit) => hit._score ?? 0);
          expect(result.hits.max_score).toBe(scores[0]);
          expect(scores[0]).toBeGreaterThan(scores[1] ?? Infinity);
          expect(scores[1]).toBeGreaterThan(scores[2] ?? Infinity);
        },
      },
    ],
  },
  {
    title: 'multi_match best_fields with boosts',
    // https://docs.opensearch.org/3.5/query-dsl/full-text/multi-match ("Boosts are multipliers that weigh
    // matches in one field more heavily"; best_fields scores a document by its best field)
    doc: 'https://docs.opensearch.org/3.5/query-dsl/full-text/multi-match',
    cases: [
      {
        name: 'without boosts the short body match ranks first',
        body: { query: { multi_match: { query: 'hound', type: 'best_fields', fields: ['title', 'body'] } } },
        ranked: [['r6'], ['r2', 'r3', 'r7']],
      },
      {
        name: 'title^3 puts every title match above it',
        body: { query: { multi_match: { query: 'hound', type: 'best_fields', fields: ['title^3', 'body'] } } },
        ranked: [['r2', 'r3', 'r7'], ['r6']],
      },
      {
        name: 'best_fields is the default type',
        body: { query: { multi_match: { query: 'hound', fields: ['title^3', 'body'] } } },
        ranked: [['r2', 'r3', 'r7'], ['r6']],
      },
      {
        name: 'a term found in either field matches',
        body: { query: { multi_match: { query: 'fox', fields: ['title', 'body'] } } },
        anyOrder: ['r1', 'r2', 'r3', 'r4'],
      },
    ],
  },
];

const recentGroups: CaseGroup[] = [
  {
    title: 'date math',
    // https://docs.opensearch.org/3.5/query-dsl/term/range/ (relative dates, rounding with /d:
    // gte rounds down to the start of the day, lt rounds down)
    doc: 'https://docs.opensearch.org/3.5/query-dsl/term/range/',
    cases: [
      { name: 'gte now-1d/d: from the start of yesterday', body: { query: { range: { at: { gte: 'now-1d/d' } } } }, anyOrder: ['today', 'yesterday'] },
      { name: 'lt now/d: before today', body: { query: { range: { at: { lt: 'now/d' } } } }, anyOrder: ['yesterday', 'three-days-ago'] },
      { name: 'gte now-1d/d and lt now/d: yesterday only', body: { query: { range: { at: { gte: 'now-1d/d', lt: 'now/d' } } } }, ids: ['yesterday'] },
      { name: 'gt now: nothing in the future', body: { query: { range: { at: { gt: 'now' } } } }, ids: [] },
    ],
  },
];

describeSearchCases(target, catalogue, catalogueGroups);
describeSearchCases(target, ranking, rankingGroups);
describeSearchCases(target, recent, recentGroups);
