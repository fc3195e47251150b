import { aggregate } from './aggregations.ts';
import { parseDateMath } from './date-math.ts';
import { OpenSearchError, illegalArgument, parsingError, shardFailure, show } from './errors.ts';
import { NumericField, TermField } from './index-data.ts';
import { settingName } from './limits.ts';
import type { LeafField } from './mapping.ts';
import { compileQuery } from './query/compile.ts';
import type { Matcher, QueryContext } from './query/types.ts';
import { filterSource, parseSourceFilter } from './source-filter.ts';

/** The body keys of _search the engine implements; any other is refused with 400. */
const SEARCH_KEYS = new Set([
  'query', 'size', 'from', 'sort', 'search_after', 'track_total_hits', '_source', 'aggs', 'aggregations',
  'track_scores', 'timeout', 'seq_no_primary_term', 'version',
]);
const DEFAULT_TRACK_TOTAL = 10_000;
/** The sort value OpenSearch reports for a missing number: Long.MAX_VALUE / MIN_VALUE. */
const LONG_MAX = 9223372036854775807;

type Json = Record<string, unknown>;
type SortValue = string | number | null;
interface Keyed {
  doc: number;
  keys: SortValue[];
  score: number;
}

interface SortSpec {
  kind: 'score' | 'field' | 'doc';
  desc: boolean;
  field?: LeafField;
  /** For numbers: the value a doc without one sorts (and reports) as; for strings: first or last. */
  missing: number | 'first' | 'last';
}

function checkSearchBody(body: Json): void {
  for (const key of Object.keys(body)) {
    if (!SEARCH_KEYS.has(key)) {
      const kind = typeof body[key] === 'object' && body[key] !== null ? (Array.isArray(body[key]) ? 'START_ARRAY' : 'START_OBJECT') : 'VALUE';
      throw parsingError(`Unknown key for a ${kind} in [${key}].`);
    }
  }
}

/** The matching docs of the body's query (match_all without one), once its clause count passed. */
export function matchingDocs(ctx: QueryContext, query: unknown, scoring: boolean): { matcher: Matcher; docs: ArrayLike<number> } {
  const matcher = compileQuery(ctx, query ?? { match_all: {} }, scoring);
  ctx.clauses.check();
  return { matcher, docs: matcher.docs() };
}

/**
 * index.max_result_window, checked where OpenSearch checks it (DefaultSearchContext.preProcess,
 * after the query was built and before it is rewritten): the shard fails with an
 * IllegalArgumentException, 400. search_after pages are bounded by size alone (from must be 0).
 */
function checkResultWindow(ctx: QueryContext, from: number, size: number): void {
  const max = ctx.limits.maxResultWindow;
  if (from + size > max) {
    const cause = illegalArgument(
      `Result window is too large, from + size must be less than or equal to: [${max}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [${settingName('maxResultWindow')}] index level setting.`,
    );
    throw shardFailure(ctx.index, cause);
  }
}

function intOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw parsingError(`[${name}] must be a non-negative integer, got [${show(value)}]`);
  return n;
}

export function search(ctx: QueryContext, body: Json): Json {
  const started = Date.now();
  checkSearchBody(body);
  const size = intOption(body.size, 'size', 10);
  const from = intOption(body.from, 'from', 0);
  const sorts = parseSort(ctx, body.sort);
  // Sort values are reported only for an explicit sort other than _score desc alone, which
  // SortBuilder.buildSort treats as no sort (seen on OpenSearch 2.19.1).
  const onlyScoreDesc = sorts.length === 1 && sorts[0]?.kind === 'score' && sorts[0].desc;
  const reportsSortValues = body.sort !== undefined && sorts.length > 0 && !onlyScoreDesc;
  const scoring = sorts.some((s) => s.kind === 'score') || body.track_scores === true;
  const sourceFilter = parseSourceFilter(body._source);
  const matcher = compileQuery(ctx, body.query ?? { match_all: {} }, scoring);
  checkResultWindow(ctx, from, size);
  ctx.clauses.check();
  const docs = matcher.docs();
  const after = parseSearchAfter(body.search_after, sorts, from);

  // Keys are computed once per matching doc, into a scratch array that is kept only by a doc that
  // enters the top: with few hits wanted of many matches, most matches allocate nothing.
  const want = from + size;
  const bounded = want * 8 <= docs.length;
  const compare = (a: Keyed, b: Keyed) => compareKeys(a.keys, b.keys, sorts) || a.doc - b.doc;
  let top: Keyed[] = [];
  let keys: SortValue[] = new Array<SortValue>(sorts.length);
  let maxScore = -Infinity;
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i] ?? 0;
    const score = scoring ? matcher.score(doc) : 0;
    if (score > maxScore) maxScore = score;
    if (want === 0) continue;
    for (let s = 0; s < sorts.length; s++) keys[s] = sortKey(ctx, sorts[s] as SortSpec, doc, score);
    if (after && compareKeys(keys, after, sorts) <= 0) continue;
    if (bounded) {
      const last = top.length === want ? (top[want - 1] as Keyed) : undefined;
      if (last && (compareKeys(keys, last.keys, sorts) || doc - last.doc) >= 0) continue;
      insertSorted(top, { doc, keys, score }, compare);
      if (top.length > want) top.pop();
    } else {
      top.push({ doc, keys, score });
    }
    keys = new Array<SortValue>(sorts.length);
  }
  if (!bounded) top = top.sort(compare).slice(0, want);
  top = top.slice(from);

  const total = trackTotal(body.track_total_hits, docs.length);
  const sources = sourceFilter.enabled ? ctx.sources(top.map(({ doc }) => ctx.data.ids[doc] ?? '')) : undefined;
  const hits = top.map(({ doc, keys, score }) => {
    const meta = ctx.data.meta(doc);
    const hit: Json = { _index: ctx.index, _id: meta?.id, _score: scoring ? score : null };
    if (body.version === true) hit._version = meta?.version;
    if (body.seq_no_primary_term === true) {
      hit._seq_no = meta?.seqNo;
      hit._primary_term = meta?.primaryTerm;
    }
    if (sources) hit._source = filterSource(JSON.parse(sources.get(meta?.id ?? '') ?? '{}') as Json, sourceFilter);
    if (reportsSortValues) hit.sort = keys;
    return hit;
  });
  const response: Json = {
    took: Date.now() - started,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      ...(total ? { total } : {}),
      max_score: scoring && docs.length > 0 ? maxScore : null,
      hits,
    },
  };
  const aggs = body.aggs ?? body.aggregations;
  if (aggs !== undefined) response.aggregations = aggregate(ctx, aggs, docs);
  return response;
}

function trackTotal(value: unknown, count: number): { value: number; relation: string } | undefined {
  if (value === false) return undefined;
  const limit = value === true ? Infinity : value === undefined ? DEFAULT_TRACK_TOTAL : Number(value);
  if (!Number.isFinite(limit) && value !== true) throw parsingError(`[track_total_hits] must be a boolean or an integer, got [${show(value)}]`);
  return count > limit ? { value: limit, relation: 'gte' } : { value: count, relation: 'eq' };
}

/** Inserts `item` into the sorted `list` after its equals. */
function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

function parseSort(ctx: QueryContext, value: unknown): SortSpec[] {
  if (value === undefined) return [{ kind: 'score', desc: true, missing: 'last' }];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item === 'string') return sortSpec(ctx, item, {});
    if (typeof item !== 'object' || item === null) throw parsingError('[sort] malformed');
    const entries = Object.entries(item as Json);
    const [name, options] = entries[0] ?? [];
    if (entries.length !== 1 || name === undefined) throw parsingError('[sort] expects one field per sort object');
    return sortSpec(ctx, name, typeof options === 'string' ? { order: options } : ((options ?? {}) as Json));
  });
}

function sortSpec(ctx: QueryContext, name: string, options: Json): SortSpec {
  for (const key of Object.keys(options)) {
    if (!['order', 'missing', 'unmapped_type', 'mode'].includes(key)) throw parsingError(`[field_sort] unknown field [${key}]`);
  }
  const order = options.order ?? (name === '_score' ? 'desc' : 'asc');
  if (order !== 'asc' && order !== 'desc') throw parsingError(`[sort] unknown order [${show(order)}]`);
  const desc = order === 'desc';
  if (name === '_score') return { kind: 'score', desc, missing: 'last' };
  if (name === '_doc') return { kind: 'doc', desc, missing: 'last' };
  const field = ctx.mapping.fields.get(name);
  if (!field) {
    if (options.unmapped_type !== undefined) return { kind: 'doc', desc: false, missing: 'last' };
    throw new OpenSearchError(400, 'query_shard_exception', `No mapping found for [${name}] in order to sort on`, { index: ctx.index });
  }
  if (field.type === 'text') {
    throw new OpenSearchError(400, 'illegal_argument_exception', `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${name}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`);
  }
  if (field.type === 'geo_point') throw parsingError(`sorting on geo_point [${name}] needs _geo_distance, which is not supported`);
  const missingOption = options.missing ?? '_last';
  let missing: SortSpec['missing'];
  if (missingOption === '_last' || missingOption === '_first') {
    const last = missingOption === '_last';
    missing = field.type === 'keyword' ? (last ? 'last' : 'first') : (last !== desc ? LONG_MAX : -LONG_MAX);
  } else if (field.type === 'keyword') {
    throw parsingError(`[sort] a custom missing value on keyword field [${name}] is not supported`);
  } else {
    missing = field.type === 'date' ? parseDateMath(missingOption, ctx.now, false) : Number(missingOption);
    if (Number.isNaN(missing)) throw parsingError(`[sort] invalid missing value [${show(missingOption)}]`);
  }
  return { kind: 'field', desc, field, missing };
}

/** A doc's sort value: multi-valued fields sort by their min (asc) or max (desc). */
function sortKey(ctx: QueryContext, spec: SortSpec, doc: number, score: number): SortValue {
  if (spec.kind === 'score') return score;
  if (spec.kind === 'doc' || !spec.field) return doc;
  const data = ctx.data.fields.get(spec.field.path);
  if (data instanceof TermField) {
    const n = data.valueCount(doc);
    if (n === 0) return null;
    let best = data.termAt(data.valueOrd(doc, 0));
    for (let i = 1; i < n; i++) {
      const v = data.termAt(data.valueOrd(doc, i));
      if (spec.desc ? v > best : v < best) best = v;
    }
    return best;
  }
  if (data instanceof NumericField) {
    let best: number | undefined;
    data.each(doc, (v) => {
      if (best === undefined || (spec.desc ? v > best : v < best)) best = v;
      return false;
    });
    if (best !== undefined) return best;
  }
  return typeof spec.missing === 'number' ? spec.missing : null;
}

function compareKeys(a: SortValue[], b: SortValue[], sorts: SortSpec[]): number {
  for (let i = 0; i < sorts.length; i++) {
    const spec = sorts[i] as SortSpec;
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    // A missing keyword sorts first or last whatever the order.
    if (x === null) return spec.missing === 'first' ? -1 : 1;
    if (y === null) return spec.missing === 'first' ? 1 : -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return spec.desc ? -c : c;
  }
  return 0;
}

function parseSearchAfter(value: unknown, sorts: SortSpec[], from: number): SortValue[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw parsingError('[search_after] must be an array');
  if (from > 0) throw new OpenSearchError(400, 'search_phase_execution_exception', '`from` parameter must be set to 0 when `search_after` is used.');
  if (value.length !== sorts.length) {
    throw new OpenSearchError(400, 'illegal_argument_exception', `search_after has ${value.length} value(s) but sort has ${sorts.length}.`);
  }
  return value.map((v, i) => {
    const spec = sorts[i] as SortSpec;
    if (v === null) return null;
    if (spec.kind === 'field' && spec.field?.type === 'keyword') return show(v);
    const n = spec.field?.type === 'date' && typeof v === 'string' ? parseDateMath(v, Date.now(), false) : Number(v);
    if (Number.isNaN(n)) throw new OpenSearchError(400, 'illegal_argument_exception', `Failed to parse search_after value [${show(v)}]`);
    return n;
  });
}

export function count(ctx: QueryContext, body: Json): Json {
  for (const key of Object.keys(body)) if (key !== 'query') throw parsingError(`request does not support [${key}]`);
  const { docs } = matchingDocs(ctx, body.query, false);
  return { count: docs.length, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } };
}
