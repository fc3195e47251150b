/**
 * The engine's request limits against the model of Lucene and OpenSearch they follow (query/clauses.ts,
 * limits.ts): where each limit trips, the error's shape, and that a refused request stops early.
 * The conformance suite (conformance/limits.test.ts) checks the documented behaviour over HTTP.
 */
import { describe, expect, it, vi } from 'vitest';
import { Engine } from './engine.ts';
import { OpenSearchError } from './errors.ts';
import { Storage } from './storage.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are read loosely in assertions
type Json = Record<string, any>;

function engineWith(index: Json, docs: Json[] = []): Engine {
  const engine = new Engine(new Storage(':memory:'));
  engine.createIndex('t', index);
  if (docs.length > 0) {
    const lines = docs.flatMap((doc, i) => [JSON.stringify({ index: { _id: `d${i}` } }), JSON.stringify(doc)]);
    expect(engine.bulk('t', lines.join('\n') + '\n').body.errors).toBe(false);
  }
  return engine;
}

/** The body of a served search. */
const served = (engine: Engine, body: Json): Json => engine.search('t', body).body;

function failure(fn: () => unknown): { status: number; body: Json } {
  try {
    fn();
  } catch (e) {
    if (e instanceof OpenSearchError) {
      const body: Json = e.toBody();
      return { status: e.status, body };
    }
    throw e;
  }
  throw new Error('expected an OpenSearchError');
}

const TEXT = { mappings: { properties: { title: { type: 'text' }, tag: { type: 'keyword' }, at: { type: 'date' }, n: { type: 'integer' } } } };
/** A text field whose analyzer stacks a synonym on each of w0..w599 (v0..v599). */
const SYNONYM_TEXT = {
  settings: {
    analysis: {
      analyzer: { syn: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'syns'] } },
      filter: { syns: { type: 'synonym', synonyms: Array.from({ length: 600 }, (_, i) => `w${i}, v${i}`) } },
    },
  },
  mappings: { properties: { body: { type: 'text', analyzer: 'syn' }, tag: { type: 'keyword' } } },
};
const terms = (count: number, prefix = 't') => Array.from({ length: count }, (_, i) => ({ term: { tag: `${prefix}${i}` } }));
const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i}`).join(' ');

describe('indices.query.bool.max_clause_count: building the query (too_many_clauses)', () => {
  const engine = engineWith(TEXT, [{ title: 'dog cat', tag: 't1' }]);

  it('a match over text of 1025 tokens: 400, query_shard_exception caused by too_many_clauses, in OpenSearch shard failure shape', () => {
    const { status, body } = failure(() => engine.search('t', { query: { match: { title: words(1025) } } }));
    expect(status).toBe(400);
    expect(body.status).toBe(400);
    expect(body.error).toMatchObject({
      root_cause: [{ type: 'query_shard_exception', reason: 'failed to create query: maxClauseCount is set to 1024', index: 't' }],
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: 0, index: 't', reason: { type: 'query_shard_exception', caused_by: { type: 'too_many_clauses', reason: 'maxClauseCount is set to 1024' } } }],
    });
    expect(body.error.root_cause[0].index_uuid).toMatch(/^[\w-]{22}$/);
    // An OpenSearch exception as the shard's cause is not repeated at the top.
    expect(body.error.caused_by).toBeUndefined();
  });

  it('1024 tokens are served', () => {
    expect(engine.search('t', { query: { match: { title: words(1024) } } }).status).toBe(200);
  });

  it('a bool of 1025 clauses is refused the same way, 1024 are served', () => {
    expect(failure(() => engine.search('t', { query: { bool: { should: terms(1025) } } })).body.error.failed_shards[0].reason.caused_by.type).toBe('too_many_clauses');
    expect(engine.search('t', { query: { bool: { should: terms(1024) } } }).status).toBe(200);
    // Every occurrence counts: 600 should and 425 filter clauses.
    expect(failure(() => engine.search('t', { query: { bool: { should: terms(600), filter: terms(425, 'f') } } })).status).toBe(400);
  });

  it('a pure negative bool of 1024 clauses gets a match_all clause added, the 1025th', () => {
    expect(failure(() => engine.search('t', { query: { bool: { must_not: terms(1024) } } })).status).toBe(400);
    expect(engine.search('t', { query: { bool: { must_not: terms(1023) } } }).status).toBe(200);
  });

  it('analysis of a 200 KB text stops one token past the limit', () => {
    const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    failure(() => engine.search('t', { query: { multi_match: { query: 'dog '.repeat(51_200), fields: ['title', 'tag'], fuzziness: 'AUTO' } } }));
    const segmented = segment.mock.calls.reduce((n, [input]) => n + input.length, 0);
    segment.mockRestore();
    expect(segmented).toBeLessThan(8 * 1024);
  });

  it('and through a custom analyzer (synonyms by position): refused the same way, one position past the limit', () => {
    const synonyms = engineWith(SYNONYM_TEXT, [{ body: 'w1' }]);
    const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    const { status, body } = failure(() => synonyms.search('t', { query: { match: { body: 'w1 '.repeat(68_000) } } }));
    const segmented = segment.mock.calls.reduce((n, [input]) => n + input.length, 0);
    segment.mockRestore();
    expect([status, body.error.failed_shards[0].reason.caused_by.type]).toEqual([400, 'too_many_clauses']);
    expect(segmented).toBeLessThan(8 * 1024);
  });
});

describe('indices.query.bool.max_clause_count: the rewritten query (too_many_nested_clauses)', () => {
  const engine = engineWith(TEXT, [{ title: 'dog dig dug cat', tag: 't1' }]);

  it('more than 1025 leaves over several bools: 500 in 2.x, too_many_nested_clauses, repeated as caused_by', () => {
    // must-bools: pure disjunctions would be flattened into one bool first (too_many_clauses).
    const query = { bool: { should: [{ bool: { must: terms(600) } }, { bool: { must: terms(600, 'u') } }] } };
    const { status, body } = failure(() => engine.search('t', { query }));
    const reason = 'Query contains too many nested clauses; maxClauseCount is set to 1024';
    expect(status).toBe(500);
    expect(body.error).toMatchObject({
      root_cause: [{ type: 'too_many_nested_clauses', reason }],
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      failed_shards: [{ shard: 0, index: 't', reason: { type: 'too_many_nested_clauses', reason } }],
      caused_by: { type: 'too_many_nested_clauses', reason, caused_by: { type: 'too_many_nested_clauses', reason } },
    });
  });

  it('IndexSearcher counts before it adds: 1025 leaves pass, 1026 fail', () => {
    const nested = (filters: number) => ({ bool: { must: [{ bool: { should: terms(1024) } }], filter: terms(filters, 'f') } });
    expect(engine.search('t', { query: nested(1) }).status).toBe(200);
    expect(failure(() => engine.search('t', { query: nested(2) })).status).toBe(500);
  });

  it('fuzzy expansions are leaves; repeated tokens merge, unless minimum_should_match is above 1', () => {
    // "dog" expands to dog, dig, dug: 3 leaves however often it is repeated...
    const repeated = 'dog '.repeat(1000);
    expect(engine.search('t', { query: { match: { title: { query: repeated, fuzziness: 1 } } } }).status).toBe(200);
    expect(engine.search('t', { query: { match: { title: { query: repeated, fuzziness: 1, operator: 'and' } } } }).status).toBe(200);
    // ...but 3000 when the clauses cannot merge.
    const unmerged = failure(() => engine.search('t', { query: { match: { title: { query: repeated, fuzziness: 1, minimum_should_match: 2 } } } }));
    expect(unmerged.body.error.root_cause[0].type).toBe('too_many_nested_clauses');
  });

  it('the synonyms at one position are one leaf, a SynonymQuery (Lucene counts its terms once)', () => {
    const synonyms = engineWith(SYNONYM_TEXT, [{ body: 'w1' }]);
    // 600 positions of two terms each, plus filter clauses: 1025 leaves pass, 1026 fail.
    const query = (filters: number) => ({ bool: { must: [{ match: { body: words(600) } }], filter: terms(filters, 'f') } });
    expect(synonyms.search('t', { query: query(425) }).status).toBe(200);
    expect(failure(() => synonyms.search('t', { query: query(426) })).body.error.root_cause[0].type).toBe('too_many_nested_clauses');
  });

  it('count and delete_by_query count clauses too', () => {
    // must-bools: pure disjunctions would be flattened into one bool first (too_many_clauses).
    const query = { bool: { should: [{ bool: { must: terms(600) } }, { bool: { must: terms(600, 'u') } }] } };
    expect(failure(() => engine.count('t', { query })).status).toBe(500);
    expect(failure(() => engine.deleteByQuery('t', { query })).status).toBe(500);
    expect(engine.count('t', {}).body.count).toBe(1);
  });
});

describe('index.max_terms_count', () => {
  it('a terms query with more values than the limit: 400 query_shard_exception caused by illegal_argument_exception', () => {
    const engine = engineWith({ ...TEXT, settings: { index: { max_terms_count: 3 } } }, [{ tag: 'a' }]);
    const { status, body } = failure(() => engine.search('t', { query: { terms: { tag: ['a', 'b', 'c', 'd'] } } }));
    const reason = 'The number of terms [4] used in the Terms Query request has exceeded the allowed maximum of [3]. This maximum can be set by changing the [index.max_terms_count] index level setting.';
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      root_cause: [{ type: 'query_shard_exception', reason: `failed to create query: ${reason}` }],
      failed_shards: [{ reason: { caused_by: { type: 'illegal_argument_exception', reason } } }],
    });
    expect(served(engine, { query: { terms: { tag: ['a', 'b', 'c'] } } }).hits.total.value).toBe(1);
    // An unmapped field is rewritten to match_none before the count is checked.
    expect(engine.search('t', { query: { terms: { nothing: ['a', 'b', 'c', 'd'] } } }).status).toBe(200);
  });

  it('defaults to 65536', () => {
    const engine = engineWith(TEXT);
    const values = Array.from({ length: 65_537 }, (_, i) => `v${i}`);
    expect(failure(() => engine.search('t', { query: { terms: { tag: values } } })).status).toBe(400);
    expect(engine.search('t', { query: { terms: { tag: values.slice(1) } } }).status).toBe(200);
  });
});

describe('index.max_result_window', () => {
  const engine = engineWith({ ...TEXT, settings: { 'index.max_result_window': 5 } }, [{ n: 1 }, { n: 2 }]);

  it('from + size above the index setting: 400, illegal_argument_exception, repeated as caused_by', () => {
    const { status, body } = failure(() => engine.search('t', { from: 3, size: 3 }));
    expect(status).toBe(400);
    const reason =
      'Result window is too large, from + size must be less than or equal to: [5] but was [6]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.';
    expect(body.error).toMatchObject({
      root_cause: [{ type: 'illegal_argument_exception', reason }],
      type: 'search_phase_execution_exception',
      failed_shards: [{ reason: { type: 'illegal_argument_exception', reason } }],
      caused_by: { type: 'illegal_argument_exception', reason, caused_by: { type: 'illegal_argument_exception', reason } },
    });
    expect(engine.search('t', { from: 2, size: 3 }).status).toBe(200);
  });

  it('a search_after page is bounded by its size', () => {
    expect(failure(() => engine.search('t', { size: 6, sort: [{ n: 'asc' }], search_after: [1] })).status).toBe(400);
    expect(served(engine, { size: 5, sort: [{ n: 'asc' }], search_after: [1] }).hits.hits).toHaveLength(1);
  });

  it('a setting that is not a positive whole number is refused at index creation', () => {
    const engine = new Engine(new Storage(':memory:'));
    const { status, body } = failure(() => engine.createIndex('bad', { settings: { index: { max_result_window: 'lots' } } }));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'illegal_argument_exception', reason: expect.stringContaining('[index.max_result_window]') });
    expect(engine.exists('bad')).toBe(false);
  });
});

describe('search.max_buckets', () => {
  const tooMany = (body: Json) => {
    expect(body.error).toMatchObject({
      root_cause: [],
      type: 'search_phase_execution_exception',
      reason: '',
      phase: 'fetch',
      grouped: true,
      failed_shards: [],
      caused_by: { type: 'too_many_buckets_exception', max_buckets: 65535, reason: expect.stringContaining('Must be less than or equal to: [65535]') },
    });
  };

  it('a date_histogram filling empty buckets over years at a minute interval: 503, refused before the buckets are made', () => {
    const engine = engineWith(TEXT, [{ at: '2020-01-01T00:00:00Z' }, { at: '2024-01-01T00:00:00Z' }]);
    const { status, body } = failure(() => engine.search('t', { size: 0, aggs: { h: { date_histogram: { field: 'at', fixed_interval: '1m' } } } }));
    expect(status).toBe(503);
    tooMany(body);
    // Empty buckets are counted every 10,000, as OpenSearch counts them.
    expect(body.error.caused_by.reason).toContain('but was [70002]');
  });

  it('sub-aggregation buckets count: 150 tags x 500 days is refused, 100 x 500 served', () => {
    // Each tag has a document on the first and on the 500th day: 500 daily buckets under each tag.
    const first = Date.UTC(2024, 0, 1);
    const docs = Array.from({ length: 150 }, (_, i) => [
      { tag: `t${i}`, at: new Date(first).toISOString() },
      { tag: `t${i}`, at: new Date(first + 499 * 86_400_000).toISOString() },
    ]).flat();
    const engine = engineWith(TEXT, docs);
    const aggs = (tags: number) => ({ tags: { terms: { field: 'tag', size: tags }, aggs: { days: { date_histogram: { field: 'at', fixed_interval: '1d' } } } } });
    const tags = served(engine, { size: 0, aggs: aggs(100) }).aggregations.tags.buckets;
    expect(tags).toHaveLength(100);
    expect(tags[0].days.buckets).toHaveLength(500);
    tooMany(failure(() => engine.search('t', { size: 0, aggs: aggs(150) })).body);
  });

  it('terms buckets count: more than 65535 distinct values asked for', () => {
    const engine = engineWith(TEXT, Array.from({ length: 65_536 }, (_, i) => ({ tag: `v${i}` })));
    expect(failure(() => engine.search('t', { size: 0, aggs: { all: { terms: { field: 'tag', size: 70_000 } } } })).status).toBe(503);
    expect(served(engine, { size: 0, aggs: { all: { terms: { field: 'tag', size: 65_535 } } } }).aggregations.all.buckets).toHaveLength(65_535);
  });
});

describe('immense terms (Lucene IndexWriter.MAX_TERM_LENGTH, 32766 bytes)', () => {
  const engine = engineWith({ mappings: { properties: { tag: { type: 'keyword' }, short: { type: 'keyword', ignore_above: 100 }, body: { type: 'text' }, whole: { type: 'text', analyzer: 'keyword' } } } });

  it('a keyword value over 32766 UTF-8 bytes: 400 illegal_argument_exception caused by max_bytes_length_exceeded_exception', () => {
    const { status, body } = failure(() => engine.index('t', 'big', { tag: 'é'.repeat(16_384) }, {}));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      root_cause: [{ type: 'illegal_argument_exception' }],
      type: 'illegal_argument_exception',
      caused_by: { type: 'max_bytes_length_exceeded_exception', reason: 'bytes can be at most 32766 in length; got 32768' },
    });
    // The prefix is Java's signed bytes: é is C3 A9.
    expect(body.error.reason).toContain(`immense term in field="tag" (whose UTF8 encoding is longer than the max length 32766), all of which were skipped.  Please correct the analyzer to not produce such terms.  The prefix of the first immense term is: '[-61, -87, -61, -87,`);
    expect(engine.get('t', 'big').status).toBe(404);
  });

  it('32766 bytes are accepted; ignore_above skips a long value; the standard analyzer splits long words', () => {
    expect(engine.index('t', 'edge', { tag: 'a'.repeat(32_766), short: 'b'.repeat(40_000), body: 'c'.repeat(40_000) }, {}).status).toBe(201);
  });

  it('a text field whose analyzer keeps the whole value is refused too, and in a bulk only that item fails', () => {
    const lines = [{ index: { _id: 'ok' } }, { whole: 'fine' }, { index: { _id: 'bad' } }, { whole: 'x'.repeat(40_000) }].map((l) => JSON.stringify(l));
    const body: Json = engine.bulk('t', lines.join('\n') + '\n').body;
    expect(body.errors).toBe(true);
    expect(body.items[0].index.status).toBe(201);
    expect(body.items[1].index).toMatchObject({ status: 400, error: { type: 'illegal_argument_exception', caused_by: { type: 'max_bytes_length_exceeded_exception' } } });
  });
});

describe('a 1 MB text field', () => {
  it('is indexed with linear analysis work and found by its words', () => {
    const engine = engineWith(TEXT);
    const cost = (kb: number, id: string) => {
      const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment');
      const text = `needle${id} ${'dog '.repeat(kb * 256)}`;
      expect(engine.index('t', id, { title: text }, {}).status).toBe(201);
      const segmented = segment.mock.calls.reduce((n, [input]) => n + input.length, 0);
      const calls = segment.mock.calls.length;
      segment.mockRestore();
      return { segmented, calls, length: text.length };
    };
    const small = cost(128, 'small');
    const large = cost(1024, 'large');
    // Every character is segmented once, in windows of bounded size.
    expect(large.segmented).toBe(large.length);
    expect(large.calls / small.calls).toBeGreaterThan(7.5);
    expect(large.calls / small.calls).toBeLessThan(8.5);
    const found = engine.search('t', { query: { match: { title: 'needlelarge' } } }).body.hits as Json;
    expect((found.hits as { _id: string }[]).map((h) => h._id)).toEqual(['large']);
  });
});

describe('index.mapping.total_fields.limit and index.mapping.depth.limit', () => {
  it('dynamic mapping stops at the total fields limit (objects and multi-fields count): 400 illegal_argument_exception', () => {
    const engine = engineWith({ settings: { index: { mapping: { total_fields: { limit: 5 } } } } });
    // A dynamic string is a text field with a keyword multi-field: two fields each.
    expect(engine.index('t', 'ok', { a: 'x', b: { c: 'y' } }, {}).status).toBe(201);
    const { status, body } = failure(() => engine.index('t', 'more', { d: 'z' }, {}));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'illegal_argument_exception', reason: 'Limit of total fields [5] in index [t] has been exceeded' });
  });

  it('a document of 100,000 new fields fails at the default limit of 1000', () => {
    const engine = engineWith({});
    const source = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`f${i}`, i]));
    expect(failure(() => engine.index('t', 'wide', source, {})).body.error.reason).toBe('Limit of total fields [1000] in index [t] has been exceeded');
  });

  it('objects nest at most 20 deep (the root is depth 1), in documents and in explicit mappings', () => {
    const nest = (depth: number, leaf: Json): Json => (depth === 0 ? leaf : { o: nest(depth - 1, leaf) });
    const engine = engineWith({});
    expect(engine.index('t', 'deep', nest(19, { v: 1 }), {}).status).toBe(201);
    const { body } = failure(() => engine.index('t', 'deeper', nest(20, { v: 1 }), {}));
    expect(body.error.reason).toBe(`Limit of mapping depth [20] in index [t] has been exceeded due to object field [${Array<string>(20).fill('o').join('.')}]`);
    const mapping = (depth: number): Json => (depth === 0 ? { v: { type: 'long' } } : { o: { properties: mapping(depth - 1) } });
    expect(failure(() => new Engine(new Storage(':memory:')).createIndex('m', { mappings: { properties: mapping(20) } })).status).toBe(400);
  });

  it('arrays of arrays of values are flattened up to the JSON nesting limit of 1000; deeper documents fail to parse', () => {
    const nested = (depth: number) => {
      let value: unknown = 'deep';
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    const engine = engineWith(TEXT);
    // The document object is depth 1.
    expect(engine.index('t', 'arrays', { title: nested(999) }, {}).status).toBe(201);
    expect(served(engine, { query: { match: { title: 'deep' } } }).hits.total.value).toBe(1);
    const { status, body } = failure(() => engine.index('t', 'deeper', { title: nested(100_000) }, {}));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      type: 'mapper_parsing_exception',
      reason: 'failed to parse',
      caused_by: { type: 'stream_constraints_exception', reason: 'Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)' },
    });
  });
});
