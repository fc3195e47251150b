import { describe, expect, it } from 'vitest';
import { IMAGE_INDEX_MAPPING } from '../../../functions/process-image/image-index-mapping.ts';
import { buildAnalyzers, standardAnalyzerTokens } from './analysis.ts';
import { formatDate, parseDateMath } from './date-math.ts';
import { nextVersion } from './documents.ts';
import { Engine } from './engine.ts';
import { OpenSearchError } from './errors.ts';
import { editDistance, maxEdits } from './query/fuzzy.ts';
import { encodedLength } from './scoring.ts';
import { Storage } from './storage.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are read loosely in assertions
type Json = Record<string, any>;

function engineWith(mappings: Json, docs: Record<string, Json>): Engine {
  const engine = new Engine(new Storage(':memory:'));
  engine.createIndex('t', { mappings });
  const lines = Object.entries(docs).flatMap(([id, doc]) => [JSON.stringify({ index: { _id: id } }), JSON.stringify(doc)]);
  expect(engine.bulk('t', lines.join('\n') + '\n').body.errors).toBe(false);
  return engine;
}

function hits(engine: Engine, body: Json): Json {
  return engine.search('t', body).body.hits as Json;
}
const ids = (engine: Engine, body: Json) => (hits(engine, body).hits as Json[]).map((h) => h._id as string);

function error(fn: () => unknown): OpenSearchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OpenSearchError) return e;
    throw e;
  }
  throw new Error('expected an OpenSearchError');
}

describe('analysis', () => {
  it('standard: lowercase Unicode word tokens, punctuation dropped', () => {
    expect(standardAnalyzerTokens("Beach-Sunset.JPG l'Été Ünïcode 3.14")).toEqual(['beach', 'sunset.jpg', "l'été", 'ünïcode', '3.14']);
  });
  it("the project's file_name pattern analyzer splits at every non letter/digit", () => {
    const analyzer = buildAnalyzers(IMAGE_INDEX_MAPPING.settings.analysis).get('file_name');
    expect(analyzer?.tokens('Beach-sunset_2024.JPG')).toEqual(['beach', 'sunset', '2024', 'jpg']);
  });
  it('an unsupported analyzer type is refused', () => {
    expect(() => buildAnalyzers({ analyzer: { x: { type: 'custom', tokenizer: 'ngram' } } })).toThrow(/not supported/);
  });
});

describe('date math', () => {
  const now = Date.UTC(2024, 4, 15, 13, 45, 10);
  it('now-7d/d rounds down for gte and up for lte', () => {
    expect(new Date(parseDateMath('now-7d/d', now, false)).toISOString()).toBe('2024-05-08T00:00:00.000Z');
    expect(new Date(parseDateMath('now-7d/d', now, true)).toISOString()).toBe('2024-05-08T23:59:59.999Z');
  });
  it('anchored math and months', () => {
    expect(new Date(parseDateMath('2024-01-31||+1M/M', now, false)).toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });
  it('formats with Java patterns', () => {
    expect(formatDate(Date.UTC(2023, 6, 4), 'yyyy')).toBe('2023');
    expect(formatDate(Date.UTC(2023, 6, 4), 'yyyy-MM-dd')).toBe('2023-07-04');
    expect(formatDate(Date.UTC(2023, 6, 4), undefined)).toBe('2023-07-04T00:00:00.000Z');
  });
  it('a bad expression is a 400', () => {
    expect(error(() => parseDateMath('now-7x', now, false)).status).toBe(400);
  });
});

describe('fuzzy', () => {
  it('AUTO edits by length, transpositions count once', () => {
    expect([maxEdits('AUTO', 'ab'), maxEdits('AUTO', 'abc'), maxEdits('AUTO', 'abcdef')]).toEqual([0, 1, 2]);
    const cp = (s: string) => [...s].map((c) => c.codePointAt(0) ?? 0);
    expect(editDistance(cp('baech'), cp('beach'), 2)).toBe(1);
    expect(editDistance(cp('kitten'), cp('sitting'), 2)).toBe(3);
  });
});

describe('BM25', () => {
  const engine = engineWith({ properties: { body: { type: 'text' }, tag: { type: 'keyword' } } }, {
    d1: { body: 'quick fox', tag: 'a' },
    d2: { body: 'quick quick brown dog', tag: 'a' },
    d3: { body: 'lazy cat', tag: 'b' },
  });
  it('matches the hand-computed scores (idf ln 1.6, avgdl 8/3)', () => {
    const result = hits(engine, { query: { match: { body: 'quick' } } });
    const scores = Object.fromEntries((result.hits as Json[]).map((h) => [h._id, h._score]));
    expect(scores.d2).toBeCloseTo(0.5665797, 5);
    expect(scores.d1).toBeCloseTo(0.5235483, 5);
    expect(result.max_score).toBeCloseTo(0.5665797, 5);
  });
  it('a term on a keyword scores idf in must and 0 in filter', () => {
    expect(hits(engine, { query: { bool: { must: [{ term: { tag: 'b' } }] } } }).max_score).toBeCloseTo(Math.log(1 + 2.5 / 1.5), 5);
    expect(hits(engine, { query: { bool: { filter: [{ term: { tag: 'b' } }] } } }).max_score).toBe(0);
  });
  it('field lengths are encoded as Lucene norms', () => {
    expect([encodedLength(10), encodedLength(23), encodedLength(24), encodedLength(100)]).toEqual([10, 23, 24, 96]);
  });
});

describe('queries, sort and paging', () => {
  const engine = engineWith(
    {
      properties: {
        title: { type: 'text', fields: { keyword: { type: 'keyword' } } },
        n: { type: 'integer' },
        at: { type: 'date' },
        ok: { type: 'boolean' },
        where: { type: 'geo_point' },
      },
    },
    {
      a: { title: 'Sunset beach', n: 3, at: '2024-01-05T10:00:00Z', ok: true, where: { lat: 48.85, lon: 2.35 } },
      b: { title: 'Mountain lake', n: 1, at: '2023-06-01', ok: false, where: '45.76,4.83' },
      c: { title: 'Beach party', at: '2022-02-02T00:00:00Z', where: [5.37, 43.3] },
      d: { title: 'City night', n: 2 },
    },
  );
  it('term, terms, range, exists, prefix, ids, geo_distance', () => {
    expect(ids(engine, { query: { term: { 'title.keyword': 'Beach party' } } })).toEqual(['c']);
    expect(ids(engine, { query: { terms: { n: [1, 2] } }, sort: ['n'] })).toEqual(['b', 'd']);
    expect(ids(engine, { query: { range: { at: { gte: '2023-01-01', lt: '2024-12-31' } } }, sort: [{ at: 'asc' }] })).toEqual(['b', 'a']);
    expect(ids(engine, { query: { exists: { field: 'n' } }, sort: ['n'] })).toEqual(['b', 'd', 'a']);
    expect(ids(engine, { query: { prefix: { 'title.keyword': 'Mou' } } })).toEqual(['b']);
    expect(ids(engine, { query: { ids: { values: ['d', 'zz'] } } })).toEqual(['d']);
    expect(ids(engine, { query: { geo_distance: { distance: '100km', where: { lat: 43.29, lon: 5.36 } } } })).toEqual(['c']);
    expect(ids(engine, { query: { term: { ok: true } } })).toEqual(['a']);
  });
  it('match with fuzziness AUTO and operator and', () => {
    expect(ids(engine, { query: { match: { title: { query: 'baech', fuzziness: 'AUTO' } } }, sort: ['_score', { 'title.keyword': 'asc' }] })).toEqual(['c', 'a']);
    expect(ids(engine, { query: { match: { title: { query: 'sunset beach', operator: 'and' } } } })).toEqual(['a']);
    expect(ids(engine, { query: { multi_match: { query: 'lake', fields: ['title^2', 'title.keyword'] } } })).toEqual(['b']);
  });
  it('missing values sort last by default, first or as a custom value on request', () => {
    expect(ids(engine, { sort: [{ n: 'desc' }] })).toEqual(['a', 'd', 'b', 'c']);
    expect(ids(engine, { sort: [{ n: { order: 'asc', missing: '_first' } }] })).toEqual(['c', 'b', 'd', 'a']);
    expect(ids(engine, { sort: [{ n: { order: 'asc', missing: 2.5 } }, { 'title.keyword': 'asc' }] })).toEqual(['b', 'd', 'c', 'a']);
  });
  it('search_after continues where the page ended', () => {
    const first = hits(engine, { size: 2, sort: [{ at: 'desc' }, { 'title.keyword': 'asc' }] });
    const last = (first.hits as Json[])[1];
    expect(last?.sort).toEqual([Date.parse('2023-06-01'), 'Mountain lake']);
    expect(ids(engine, { size: 2, sort: [{ at: 'desc' }, { 'title.keyword': 'asc' }], search_after: last?.sort })).toEqual(['c', 'd']);
  });
  it('track_total_hits caps and relation', () => {
    expect(hits(engine, { track_total_hits: 2 }).total).toEqual({ value: 2, relation: 'gte' });
    expect(hits(engine, { track_total_hits: false }).total).toBeUndefined();
  });
  it('_source includes and excludes with wildcards', () => {
    const [hit] = hits(engine, { query: { ids: { values: ['a'] } }, _source: { includes: ['t*', 'where'], excludes: ['where.lon'] } }).hits as Json[];
    expect(hit?._source).toEqual({ title: 'Sunset beach', where: { lat: 48.85 } });
  });
  it('aggregations: terms, date_histogram, min and max', () => {
    const aggs = engine.search('t', {
      size: 0,
      aggs: {
        titles: { terms: { field: 'title.keyword', size: 2, order: { _key: 'asc' } } },
        years: { date_histogram: { field: 'at', calendar_interval: 'year', format: 'yyyy' } },
        first: { min: { field: 'at' } },
        most: { max: { field: 'n' } },
      },
    }).body.aggregations as Json;
    expect(aggs.titles).toEqual({ doc_count_error_upper_bound: 0, sum_other_doc_count: 2, buckets: [{ key: 'Beach party', doc_count: 1 }, { key: 'City night', doc_count: 1 }] });
    expect((aggs.years.buckets as Json[]).map((b): unknown[] => [b.key_as_string, b.doc_count])).toEqual([['2022', 1], ['2023', 1], ['2024', 1]]);
    expect(aggs.first).toEqual({ value: Date.parse('2022-02-02'), value_as_string: '2022-02-02T00:00:00.000Z' });
    expect(aggs.most).toEqual({ value: 3 });
  });
  it('unsupported constructs are 400s naming them', () => {
    expect(error(() => engine.search('t', { query: { fuzzy_foo: {} } })).toBody()).toMatchObject({
      error: { type: 'parsing_exception', reason: 'unknown query [fuzzy_foo]' },
      status: 400,
    });
    expect(error(() => engine.search('t', { highlight: {} })).reason).toMatch(/highlight/);
    expect(error(() => engine.search('t', { aggs: { x: { cardinality: { field: 'n' } } } })).reason).toMatch(/cardinality/);
    expect(error(() => engine.search('t', { query: { multi_match: { query: 'x', fields: ['title'], type: 'phrase' } } })).reason).toMatch(/phrase/);
    expect(error(() => engine.search('t', { sort: ['title'] })).type).toBe('illegal_argument_exception');
  });
});

describe('mapping', () => {
  it('accepts the project mapping and rejects unmapped fields under dynamic strict', () => {
    const engine = new Engine(new Storage(':memory:'));
    engine.createIndex('images', IMAGE_INDEX_MAPPING);
    const e = error(() => engine.index('images', '1', { id: '1', nope: 1 }, {}));
    expect([e.status, e.type, e.reason]).toEqual([400, 'strict_dynamic_mapping_exception', 'mapping set to strict, dynamic introduction of [nope] within [_doc] is not allowed']);
  });
  it('dynamic true infers types; dynamic false stores without indexing', () => {
    const engine = new Engine(new Storage(':memory:'));
    engine.index('dyn', '1', { name: 'Ann', age: 3, when: '2024-01-01T00:00:00Z' }, {});
    expect((engine.getMapping('dyn').body.dyn as Json).mappings.properties).toEqual({
      name: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
      age: { type: 'long' },
      when: { type: 'date' },
    });
    engine.createIndex('off', { mappings: { dynamic: false, properties: {} } });
    engine.index('off', '1', { x: 'y' }, {});
    expect(engine.count('off', { query: { match: { x: 'y' } } }).body.count).toBe(0);
    expect((engine.get('off', '1').body._source as Json).x).toBe('y');
  });
  it('a value of the wrong type is a mapper_parsing_exception', () => {
    const engine = engineWith({ properties: { n: { type: 'integer' } } }, {});
    expect(error(() => engine.index('t', '1', { n: 'many' }, {})).type).toBe('mapper_parsing_exception');
  });
  it('nested is refused', () => {
    const engine = new Engine(new Storage(':memory:'));
    expect(error(() => engine.createIndex('n', { mappings: { properties: { x: { type: 'nested' } } } })).reason).toMatch(/nested/);
  });
});

describe('versioning', () => {
  const stored = { version: 3, seqNo: 7, primaryTerm: 1 };
  it('if_seq_no/if_primary_term, op_type create, external and external_gte', () => {
    expect(nextVersion(stored, { opType: 'index', ifSeqNo: 7, ifPrimaryTerm: 1 }, 'x', 'i')).toBe(4);
    expect(error(() => nextVersion(stored, { opType: 'index', ifSeqNo: 6, ifPrimaryTerm: 1 }, 'x', 'i')).reason).toBe(
      '[x]: version conflict, required seqNo [6], primary term [1]. current document has seqNo [7] and primary term [1]',
    );
    expect(error(() => nextVersion(stored, { opType: 'create' }, 'x', 'i')).status).toBe(409);
    expect(nextVersion(stored, { opType: 'index', version: 9, versionType: 'external' }, 'x', 'i')).toBe(9);
    expect(error(() => nextVersion(stored, { opType: 'index', version: 3, versionType: 'external' }, 'x', 'i')).status).toBe(409);
    expect(nextVersion(stored, { opType: 'index', version: 3, versionType: 'external_gte' }, 'x', 'i')).toBe(3);
    expect(error(() => nextVersion(stored, { opType: 'index', version: 3 }, 'x', 'i')).status).toBe(400);
  });
  it('update merges, detects noops, upserts', () => {
    const engine = engineWith({ properties: { a: { type: 'keyword' }, b: { type: 'keyword' } } }, { x: { a: '1' } });
    expect(engine.update('t', 'x', { doc: { b: '2' } }, {}).body.result).toBe('updated');
    expect(engine.update('t', 'x', { doc: { b: '2' } }, {}).body.result).toBe('noop');
    expect(engine.get('t', 'x').body._source).toEqual({ a: '1', b: '2' });
    expect(error(() => engine.update('t', 'y', { doc: { a: '1' } }, {})).type).toBe('document_missing_exception');
    expect(engine.update('t', 'y', { doc: { a: '1' }, doc_as_upsert: true }, {}).status).toBe(201);
  });
});

describe('bulk', () => {
  const line = (value: unknown) => JSON.stringify(value);

  it('a malformed source line fails the request before any action is applied', () => {
    const engine = engineWith({ dynamic: true, properties: { a: { type: 'keyword' } } }, { x: { a: '1' } });
    const body = [
      line({ index: { _id: 'y' } }), line({ a: '2', added: 'dynamically' }),
      line({ index: { _index: 'fresh', _id: 'z' } }), line({ a: '3' }),
      line({ index: { _id: 'w' } }), '{"a": ',
    ].join('\n') + '\n';
    const failed = error(() => engine.bulk('t', body));
    expect([failed.status, failed.type, failed.reason]).toEqual([400, 'illegal_argument_exception', 'Malformed action/metadata line [6], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]']);
    // No index created, no mapping update, no sequence number taken.
    expect(engine.exists('fresh')).toBe(false);
    expect(engine.getMapping('t').body).toEqual({ t: { mappings: { dynamic: true, properties: { a: { type: 'keyword' } } } } });
    expect(engine.index('t', 'y', { a: '2' }, {}).body._seq_no).toBe(1);
  });

  it('each document is parsed from its line as sent, and stored as sent', () => {
    const engine = engineWith({ properties: { a: { type: 'keyword' } } }, {});
    const body = `${line({ index: { _id: 'x' } })}\n{ "a" : "1",  "b": [1, 2] }\n${line({ create: { _id: 'y' } })}\n${line({ a: '2' })}\n`;
    const items = engine.bulk('t', body).body.items as Json[];
    expect(items.map((item) => (Object.values(item)[0] as Json).result as string)).toEqual(['created', 'created']);
    expect(ids(engine, { query: { term: { a: '1' } } })).toEqual(['x']);
    expect(engine.get('t', 'x').body._source).toEqual({ a: '1', b: [1, 2] });
  });
});
