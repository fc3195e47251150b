/**
 * Request limits, as OpenSearch 2.x documents and enforces them: indices.query.bool.max_clause_count,
 * index.max_terms_count, index.max_result_window, search.max_buckets, the immense-term limit of
 * indexing, the standard tokenizer's max_token_length; and that oversized input (a 200 KB query
 * text, a 1 MB field) is answered in time linear in its size.
 *
 * Error shapes follow OpenSearch's source where its documentation names only the setting: a query
 * that fails on the shard is a search_phase_execution_exception ("all shards failed") whose root
 * cause is the shard's exception; one that fails while the coordinating node reduces aggregations
 * is a fetch-phase failure with no root cause (OpenSearch SearchPhaseExecutionException).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_INDEX_MAPPING } from '../../../functions/process-image/image-index-mapping.ts';
import { searchPlan } from '../../../resolvers/lib/imageSearch.ts';
import { INPUT_LIMITS } from '../../../resolvers/lib/inputLimits.ts';
import { type Json, type RawResponse, createIndex, expectErrorShape, loadDocuments, raw, useTarget } from './harness.ts';
import { ALICE } from './image-fixtures.ts';

const target = useTarget();

const MAPPING: Json = {
  settings: { number_of_shards: 1, number_of_replicas: 0 },
  mappings: { properties: { title: { type: 'text' }, tag: { type: 'keyword' }, at: { type: 'date' } } },
};
let index = '';

beforeAll(async () => {
  index = target().indexName('limits');
  await createIndex(target(), index, MAPPING);
  await loadDocuments(target(), index, {
    a: { title: 'brown dog', tag: 'a', at: '2020-01-01T00:00:00Z' },
    b: { title: 'brown fox', tag: 'b', at: '2024-01-01T00:00:00Z' },
  });
}, 60_000);

const searchIn = (name: string, body: Json) => raw(target(), 'POST', `/${name}/_search`, body);
const distinctWords = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(' ');
const termClauses = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ term: { tag: `${prefix}${i}` } }));
const error = (response: RawResponse) => response.body.error as Json & { root_cause: Json[] };

// indices.query.bool.max_clause_count, 1024 by default:
// https://docs.opensearch.org/latest/install-and-configure/configuring-opensearch/index-settings/
// ("Defines the maximum product of fields and terms that are queryable simultaneously").
// Lucene refuses the 1025th clause of a BooleanQuery while OpenSearch builds the query, which it
// reports as query_shard_exception "failed to create query: maxClauseCount is set to 1024" (400);
// after rewriting, IndexSearcher refuses a query of more than 1025 leaves: too_many_nested_clauses,
// HTTP 500 before OpenSearch 3.x (opensearch-project/OpenSearch#21725 made it 400).
describe('indices.query.bool.max_clause_count', () => {
  it('a match over text that analyzes into 1025 terms is refused: 400, query_shard_exception', async () => {
    const response = await searchIn(index, { query: { match: { title: distinctWords(1025) } } });
    expectErrorShape(response, 400, 'search_phase_execution_exception', { rootCause: 'query_shard_exception', reasonIncludes: 'maxClauseCount is set to 1024' });
  });

  it('1024 terms are served', async () => {
    expect((await searchIn(index, { query: { match: { title: `brown ${distinctWords(1023)}` } } })).status).toBe(200);
  });

  it('a bool with 1025 clauses is refused the same way; 1024 are served', async () => {
    const refused = await searchIn(index, { query: { bool: { should: termClauses(1025, 't') } } });
    expectErrorShape(refused, 400, 'search_phase_execution_exception', { rootCause: 'query_shard_exception', reasonIncludes: 'maxClauseCount is set to 1024' });
    expect((await searchIn(index, { query: { bool: { should: termClauses(1024, 't') } } })).status).toBe(200);
  });

  // Lucene 9.12's BooleanQuery.rewrite flattens nested pure disjunctions into their parent, whose
  // new builder refuses the 1025th clause; other nestings are counted leaf by leaf after rewrite.
  const nested = (occur: string, x: number, y: number) => ({
    bool: { should: [{ bool: { [occur]: termClauses(x, 'x') } }, { bool: { [occur]: termClauses(y, 'y') } }] },
  });

  it('should-bools within the limit that flatten into more than 1024 clauses: too_many_clauses, 500', async () => {
    const response = await searchIn(index, { query: nested('should', 512, 513) });
    expectErrorShape(response, 500, 'search_phase_execution_exception', { rootCause: 'too_many_clauses', reasonIncludes: 'maxClauseCount is set to 1024' });
    expect((await searchIn(index, { query: nested('should', 512, 512) })).status).toBe(200);
  });

  it('must-bools within the limit with more than 1025 leaves in all: too_many_nested_clauses, 500', async () => {
    const response = await searchIn(index, { query: nested('must', 513, 513) });
    expectErrorShape(response, 500, 'search_phase_execution_exception', {
      rootCause: 'too_many_nested_clauses',
      reasonIncludes: 'Query contains too many nested clauses; maxClauseCount is set to 1024',
    });
    expect((await searchIn(index, { query: nested('must', 513, 512) })).status).toBe(200);
  });
});

// index.max_terms_count, 65536 by default (dynamic index setting):
// https://docs.opensearch.org/2.10/im-plugin/index-settings ("The maximum number of terms a terms query can accept").
describe('index.max_terms_count', () => {
  it('a terms query with more values than the index allows is refused: 400, query_shard_exception', async () => {
    const name = target().indexName('terms-count');
    await createIndex(target(), name, { ...MAPPING, settings: { ...(MAPPING.settings as Json), 'index.max_terms_count': 3 } });
    const refused = await searchIn(name, { query: { terms: { tag: ['a', 'b', 'c', 'd'] } } });
    expectErrorShape(refused, 400, 'search_phase_execution_exception', { rootCause: 'query_shard_exception', reasonIncludes: 'index.max_terms_count' });
    expect((await searchIn(name, { query: { terms: { tag: ['a', 'b', 'c'] } } })).status).toBe(200);
  });

  it('65,537 values exceed the default', async () => {
    const values = Array.from({ length: 65_537 }, (_, i) => `v${i}`);
    const refused = await searchIn(index, { query: { terms: { tag: values } } });
    expectErrorShape(refused, 400, 'search_phase_execution_exception', { rootCause: 'query_shard_exception', reasonIncludes: 'The number of terms [65537]' });
  });
});

// index.max_result_window, 10000 by default (dynamic index setting):
// https://docs.opensearch.org/2.10/im-plugin/index-settings ("The maximum value of from + size for searches of the index").
describe('index.max_result_window', () => {
  it('from + size above the index setting is refused: 400, illegal_argument_exception; search_after pages by size', async () => {
    const name = target().indexName('window');
    await createIndex(target(), name, { ...MAPPING, settings: { index: { number_of_shards: 1, max_result_window: 5 } } });
    expectErrorShape(await searchIn(name, { from: 3, size: 3 }), 400, 'search_phase_execution_exception', {
      rootCause: 'illegal_argument_exception',
      reasonIncludes: 'Result window is too large, from + size must be less than or equal to: [5] but was [6]',
    });
    expect((await searchIn(name, { from: 2, size: 3 })).status).toBe(200);
    const page = await searchIn(name, { size: 6, sort: [{ tag: 'asc' }], search_after: ['a'] });
    expectErrorShape(page, 400, 'search_phase_execution_exception', { rootCause: 'illegal_argument_exception', reasonIncludes: 'index.max_result_window' });
  });
});

// search.max_buckets, 65535 by default (dynamic cluster setting):
// https://docs.opensearch.org/latest/install-and-configure/configuring-opensearch/search-settings/
// ("The maximum number of aggregation buckets allowed in a single response"). OpenSearch counts
// buckets while reducing, on the coordinating node: the failure has no root cause and no failed
// shard, and its status is too_many_buckets_exception's, 503.
describe('search.max_buckets', () => {
  it('a date_histogram over four years by the minute is refused: 503, too_many_buckets_exception', async () => {
    const response = await searchIn(index, { size: 0, aggs: { minutes: { date_histogram: { field: 'at', fixed_interval: '1m', min_doc_count: 0 } } } });
    expect(response.status, JSON.stringify(response.body)).toBe(503);
    expect(response.body.status).toBe(503);
    expect(error(response)).toMatchObject({
      root_cause: [],
      type: 'search_phase_execution_exception',
      failed_shards: [],
      caused_by: { type: 'too_many_buckets_exception', max_buckets: 65535, reason: expect.stringContaining('search.max_buckets') },
    });
  });

  it('by the day it is served', async () => {
    expect((await searchIn(index, { size: 0, aggs: { days: { date_histogram: { field: 'at', fixed_interval: '1d', min_doc_count: 0 } } } })).status).toBe(200);
  });
});

// Lucene's term length limit: a term longer than 32766 UTF-8 bytes makes the document fail
// ("Document contains at least one immense term"); ignore_above exists to skip such values:
// https://docs.opensearch.org/latest/field-types/supported-field-types/keyword/ (ignore_above).
describe('immense terms', () => {
  it('a keyword value over 32766 bytes is refused: 400, illegal_argument_exception caused by max_bytes_length_exceeded_exception', async () => {
    const response = await raw(target(), 'PUT', `/${index}/_doc/immense`, { tag: 'x'.repeat(32_767) });
    expectErrorShape(response, 400, 'illegal_argument_exception', { reasonIncludes: 'Document contains at least one immense term in field="tag"' });
    expect(error(response).caused_by).toMatchObject({ type: 'max_bytes_length_exceeded_exception', reason: 'bytes can be at most 32766 in length; got 32767' });
    expect((await raw(target(), 'GET', `/${index}/_doc/immense`)).status).toBe(404);
  });

  it('32766 bytes are accepted', async () => {
    expect((await raw(target(), 'PUT', `/${index}/_doc/edge?refresh=true`, { tag: 'x'.repeat(32_766) })).status).toBe(201);
  });
});

// max_token_length of the standard tokenizer (default 255; longer tokens are split at it):
// https://docs.opensearch.org/latest/analyzers/tokenizers/standard/ and the example with
// max_token_length 5 in https://www.elastic.co/guide/en/elasticsearch/reference/7.10/analysis-standard-tokenizer.html
describe('max_token_length', () => {
  it('a standard analyzer with max_token_length 5 indexes "jumped" as "jumpe" and "d"', async () => {
    const name = target().indexName('token-length');
    await createIndex(target(), name, {
      settings: { analysis: { analyzer: { short: { type: 'standard', max_token_length: 5 } } } },
      mappings: { properties: { text: { type: 'text', analyzer: 'short' } } },
    });
    await loadDocuments(target(), name, { fox: { text: "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone." } });
    const hits = async (term: string) => ((await searchIn(name, { query: { term: { text: term } } })).body.hits as { hits: unknown[] }).hits.length;
    expect([await hits('jumpe'), await hits('d'), await hits('jumped'), await hits('foxes')]).toEqual([1, 1, 0, 1]);
  });

  it('by default a 600-letter word is three tokens of 255, 255 and 90 letters', async () => {
    const name = target().indexName('long-word');
    await createIndex(target(), name, { mappings: { properties: { text: { type: 'text' } } } });
    await loadDocuments(target(), name, { long: { text: 'a'.repeat(600) } });
    const hits = async (term: string) => ((await searchIn(name, { query: { term: { text: term } } })).body.hits as { hits: unknown[] }).hits.length;
    expect([await hits('a'.repeat(255)), await hits('a'.repeat(90)), await hits('a'.repeat(600))]).toEqual([1, 1, 0]);
  });
});

/**
 * Time against a calibration run, with margins no loaded machine should reach: before the engine
 * segmented text in windows, 200 KB took 440 times as long as 25 KB (120 s), and a 1 MB field would
 * have taken about an hour.
 */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

/**
 * The body Query.searchImages would send for `text` if the API did not cap it (it refuses more
 * than 200 characters): the engine must stay safe against any client, not only ours. Long texts
 * are matched without fuzziness, as the resolver does past a few words.
 */
function uncappedSearchBody(text: string): Record<string, unknown> {
  const longQuery = Array.from({ length: INPUT_LIMITS.query.maxFuzzyWords + 1 }, () => 'dog').join(' ');
  const body = JSON.stringify(searchPlan(ALICE, { query: longQuery }).body);
  return JSON.parse(body.replaceAll(JSON.stringify(longQuery), JSON.stringify(text))) as Record<string, unknown>;
}

describe('oversized input is answered in linear time', () => {
  let images = '';
  beforeAll(async () => {
    images = target().indexName('images-limits');
    await createIndex(target(), images, IMAGE_INDEX_MAPPING);
  }, 60_000);

  it('the searchImages request for a 200 KB text is refused as fast as for 25 KB: 400, too many clauses', async () => {
    const request = (kb: number) => searchIn(images, uncappedSearchBody('dog '.repeat(kb * 256)));
    const small = await timed(() => request(25));
    const large = await timed(() => request(200));
    for (const { result } of [small, large]) {
      expectErrorShape(result, 400, 'search_phase_execution_exception', { rootCause: 'query_shard_exception', reasonIncludes: 'maxClauseCount is set to 1024' });
    }
    expect(large.ms).toBeLessThan(Math.max(20 * small.ms, 5_000));
  });

  it('a document with a 1 MB text field is indexed in time proportional to its size, and found', async () => {
    const put = (id: string, kb: number) => raw(target(), 'PUT', `/${images}/_doc/${id}?refresh=true`, { ownerSub: ALICE, detectedText: `needle${id} ${'dog '.repeat(kb * 256)}` });
    const small = await timed(() => put('small', 128));
    const large = await timed(() => put('large', 1024));
    expect([small.result.status, large.result.status]).toEqual([201, 201]);
    expect(large.ms).toBeLessThan(Math.max(40 * small.ms, 15_000));
    const found = await searchIn(images, { query: { match: { detectedText: 'needlelarge' } } });
    expect((found.body.hits as { hits: { _id: string }[] }).hits.map((hit) => hit._id)).toEqual(['large']);
  });
});
