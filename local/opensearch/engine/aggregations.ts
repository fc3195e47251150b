import { floorToUnit, formatDate, nextUnit, parseDate } from './date-math.ts';
import { OpenSearchError, parsingError, reduceFailure, show } from './errors.ts';
import { NumericField, TermField } from './index-data.ts';
import { LIMITS } from './limits.ts';
import type { LeafField } from './mapping.ts';
import type { QueryContext } from './query/types.ts';

/**
 * Aggregations over the matching docs (all of them: size, from and search_after do not apply).
 * Supported: terms, date_histogram, min, max, sum, avg, value_count, each with sub-aggregations.
 */
type Json = Record<string, unknown>;

/**
 * search.max_buckets: the buckets of every multi-bucket aggregation of a response, sub-aggregations
 * included. OpenSearch 2.x counts them while the coordinating node reduces the shards' results
 * (MultiBucketConsumer), so the failure is the fetch phase's: search_phase_execution_exception with
 * no root cause, caused by too_many_buckets_exception, HTTP 503 (its status in 2.x). Counting as
 * buckets are made stops the work at the limit.
 */
class BucketCount {
  private count = 0;
  add(n: number): void {
    this.count += n;
    if (n !== 0 && this.count > LIMITS.maxBuckets) {
      const cause = new OpenSearchError(
        503,
        'too_many_buckets_exception',
        `Trying to create too many buckets. Must be less than or equal to: [${LIMITS.maxBuckets}] but was [${this.count}]. This limit can be set by changing the [search.max_buckets] cluster level setting.`,
        { max_buckets: LIMITS.maxBuckets },
      );
      throw reduceFailure(cause);
    }
  }
}

export function aggregate(ctx: QueryContext, specs: unknown, docs: ArrayLike<number>): Json {
  return aggregateInto(ctx, specs, docs, new BucketCount());
}

function aggregateInto(ctx: QueryContext, specs: unknown, docs: ArrayLike<number>, buckets: BucketCount): Json {
  if (typeof specs !== 'object' || specs === null || Array.isArray(specs)) throw parsingError('[aggregations] must be an object');
  const out: Json = {};
  for (const [name, raw] of Object.entries(specs as Json)) {
    if (typeof raw !== 'object' || raw === null) throw parsingError(`Expected [START_OBJECT] under [${name}], but got a [VALUE] in [${name}]`);
    const { aggs, aggregations, meta, ...rest } = raw as Json;
    const types = Object.keys(rest);
    const type = types[0];
    if (types.length !== 1 || type === undefined) throw parsingError(`Expected exactly one aggregation type in [${name}], found ${JSON.stringify(types)}`);
    const sub = aggs ?? aggregations;
    const result = run(ctx, type, name, rest[type], docs, sub, buckets);
    out[name] = meta === undefined ? result : { meta, ...result };
  }
  return out;
}

function run(ctx: QueryContext, type: string, name: string, spec: unknown, docs: ArrayLike<number>, sub: unknown, buckets: BucketCount): Json {
  const options = (spec ?? {}) as Json;
  switch (type) {
    case 'terms':
      return terms(ctx, name, options, docs, sub, buckets);
    case 'date_histogram':
      return dateHistogram(ctx, name, options, docs, sub, buckets);
    case 'min':
    case 'max':
    case 'sum':
    case 'avg':
    case 'value_count':
      if (sub !== undefined) throw parsingError(`Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
      return metric(ctx, type, name, options, docs);
    default:
      throw parsingError(`Unknown aggregation type [${type}] for aggregation [${name}]`);
  }
}

function checkOptions(options: Json, allowed: string[], type: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw parsingError(`[${type}] unknown field [${key}]`);
  }
}

function fieldOf(ctx: QueryContext, options: Json, name: string): LeafField | undefined {
  if (typeof options.field !== 'string') throw parsingError(`Required one of fields [field, script], but none were specified for aggregation [${name}]`);
  if (options.field === '_id' || options.field === '_index') throw parsingError(`aggregating on [${options.field}] is not supported by the local engine`);
  const field = ctx.mapping.fields.get(options.field);
  if (field?.type === 'text') {
    throw new OpenSearchError(
      400,
      'illegal_argument_exception',
      `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${field.path}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
    );
  }
  return field;
}

interface Bucket {
  key: string | number;
  count: number;
  /** A keyword bucket's term ordinal. */
  ord?: number;
  /** The bucket's docs, for sub-aggregations. */
  docs: () => ArrayLike<number>;
}

/** The bucket's sub-aggregations, whose buckets count too. */
function subAggregations(ctx: QueryContext, bucket: Bucket, sub: unknown, buckets: BucketCount): Json {
  return sub === undefined ? {} : aggregateInto(ctx, sub, bucket.docs(), buckets);
}

function terms(ctx: QueryContext, name: string, options: Json, docs: ArrayLike<number>, sub: unknown, buckets: BucketCount): Json {
  checkOptions(options, ['field', 'size', 'order', 'min_doc_count', 'shard_size'], 'terms');
  const size = Number(options.size ?? 10);
  const minDocCount = Number(options.min_doc_count ?? 1);
  const field = fieldOf(ctx, options, name);
  const data = field && field.indexed ? ctx.data.fieldData(field) : undefined;
  let all: Bucket[] = [];
  if (data instanceof TermField) {
    // Counts by ordinal; the docs of the buckets kept are gathered only for sub-aggregations.
    const counts = new Int32Array(data.termCount);
    const seen: number[] = [];
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] ?? 0;
      const n = data.valueCount(doc);
      for (let j = 0; j < n; j++) {
        const ord = data.valueOrd(doc, j);
        const count = counts[ord] ?? 0;
        if (count === 0) seen.push(ord);
        counts[ord] = count + 1;
      }
    }
    let bucketDocs: Map<number, number[]> | undefined;
    // One pass over the docs for all kept buckets, on the first bucket that asks.
    const docsOf = (ord: number): number[] => {
      bucketDocs ??= termBucketDocs(data, docs, new Set(top.map((b) => b.ord ?? -1)));
      return bucketDocs.get(ord) ?? [];
    };
    all = seen.map((ord) => ({ key: data.termAt(ord), count: counts[ord] ?? 0, ord, docs: () => docsOf(ord) }));
  } else if (data instanceof NumericField) {
    const byValue = new Map<number, number[]>();
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] ?? 0;
      // A doc counts once per distinct value.
      const seen = data.multi.has(doc) ? new Set<number>() : undefined;
      data.each(doc, (v) => {
        if (!seen || !seen.has(v)) {
          const list = byValue.get(v);
          if (list) list.push(doc);
          else byValue.set(v, [doc]);
        }
        seen?.add(v);
        return false;
      });
    }
    all = [...byValue.entries()].map(([key, list]) => ({ key, count: list.length, docs: () => list }));
  }
  const order = parseOrder(options.order, [{ key: '_count', desc: true }]);
  all = all.filter((b) => b.count >= minDocCount);
  all.sort((a, b) => compareBuckets(a, b, order));
  const top = all.slice(0, size);
  const other = all.slice(size).reduce((n, b) => n + b.count, 0);
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: other,
    buckets: top.map((b) => {
      buckets.add(1);
      return { ...termKey(field, b.key), doc_count: b.count, ...subAggregations(ctx, b, sub, buckets) };
    }),
  };
}

/** The docs of each of `ords`' buckets, in one pass over the matching docs. */
function termBucketDocs(data: TermField, docs: ArrayLike<number>, ords: Set<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i] ?? 0;
    const n = data.valueCount(doc);
    for (let j = 0; j < n; j++) {
      const ord = data.valueOrd(doc, j);
      if (!ords.has(ord)) continue;
      const list = out.get(ord);
      if (list) list.push(doc);
      else out.set(ord, [doc]);
    }
  }
  return out;
}

function termKey(field: LeafField | undefined, key: string | number): Json {
  if (field?.type === 'boolean') return { key, key_as_string: key === 1 ? 'true' : 'false' };
  if (field?.type === 'date') return { key, key_as_string: formatDate(key as number, undefined) };
  return { key };
}

interface OrderKey {
  key: '_count' | '_key';
  desc: boolean;
}

function parseOrder(value: unknown, fallback: OrderKey[]): OrderKey[] {
  const items = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const order = items.flatMap((item) =>
    Object.entries(item as Json).map(([key, direction]): OrderKey => {
      if (key !== '_count' && key !== '_key') throw parsingError(`ordering by [${key}] is not supported (only _count and _key)`);
      if (direction !== 'asc' && direction !== 'desc') throw parsingError(`Unknown order direction [${show(direction)}]`);
      return { key, desc: direction === 'desc' };
    }),
  );
  // Ties fall back to count desc then key asc, as OpenSearch breaks them.
  return [...(order.length > 0 ? order : fallback), { key: '_count', desc: true }, { key: '_key', desc: false }];
}

function compareBuckets(a: Bucket, b: Bucket, order: OrderKey[]): number {
  for (const { key, desc } of order) {
    let c: number;
    if (key === '_count') c = a.count - b.count;
    else c = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    if (c !== 0) return desc ? -c : c;
  }
  return 0;
}

const CALENDAR: Record<string, string> = {
  year: 'y', '1y': 'y', quarter: 'q', '1q': 'q', month: 'M', '1M': 'M', week: 'w', '1w': 'w',
  day: 'd', '1d': 'd', hour: 'h', '1h': 'h', minute: 'm', '1m': 'm', second: 's', '1s': 's',
};
const EMPTY_BUCKETS_REPORTED_EVERY = 10_000;
const FIXED: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function dateHistogram(ctx: QueryContext, name: string, options: Json, docs: ArrayLike<number>, sub: unknown, buckets: BucketCount): Json {
  checkOptions(options, ['field', 'calendar_interval', 'fixed_interval', 'format', 'min_doc_count', 'order', 'time_zone'], 'date_histogram');
  if (options.time_zone !== undefined && !['UTC', 'Z', '+00:00'].includes(show(options.time_zone))) {
    throw parsingError(`[date_histogram] time_zone [${show(options.time_zone)}] is not supported (UTC only)`);
  }
  const field = fieldOf(ctx, options, name);
  let floor: (t: number) => number;
  let next: (t: number) => number;
  if (options.calendar_interval !== undefined) {
    const unit = CALENDAR[show(options.calendar_interval)];
    if (!unit) throw new OpenSearchError(400, 'illegal_argument_exception', `The supplied interval [${show(options.calendar_interval)}] could not be parsed as a calendar interval.`);
    floor = (t) => floorToUnit(t, unit);
    next = (t) => nextUnit(t, unit);
  } else if (options.fixed_interval !== undefined) {
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(show(options.fixed_interval));
    const step = m ? Number(m[1]) * (FIXED[m[2] ?? ''] ?? 0) : 0;
    if (!step) throw new OpenSearchError(400, 'illegal_argument_exception', `failed to parse setting [date_histogram.fixedInterval] with value [${show(options.fixed_interval)}] as a time value`);
    floor = (t) => Math.floor(t / step) * step;
    next = (t) => t + step;
  } else {
    throw new OpenSearchError(400, 'illegal_argument_exception', 'Invalid interval specified, must be non-null and non-empty');
  }
  const format = options.format === undefined ? undefined : show(options.format);
  const minDocCount = Number(options.min_doc_count ?? 0);
  const byKey = new Map<number, number[]>();
  const data = field && field.indexed ? ctx.data.fieldData(field) : undefined;
  if (data instanceof NumericField) {
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] ?? 0;
      data.each(doc, (v) => {
        const key = floor(v);
        const list = byKey.get(key);
        if (!list) byKey.set(key, [doc]);
        else if (list[list.length - 1] !== doc) list.push(doc);
        return false;
      });
    }
  }
  const keys = [...byKey.keys()].sort((a, b) => a - b);
  const all: Bucket[] = [];
  // min_doc_count 0 fills the empty buckets between the first and the last one. OpenSearch counts
  // the buckets with documents, then the empty ones every 10,000 (InternalDateHistogram
  // addEmptyBuckets), so a huge range of empty buckets fails before it is built.
  if (minDocCount === 0 && keys.length > 0) {
    buckets.add(keys.length);
    const last = keys[keys.length - 1] ?? 0;
    let empty = 0;
    for (let t = keys[0] ?? 0; t <= last; t = next(t)) {
      const list = byKey.get(t);
      if (!list && ++empty >= EMPTY_BUCKETS_REPORTED_EVERY) {
        buckets.add(empty);
        empty = 0;
      }
      all.push({ key: t, count: list?.length ?? 0, docs: () => list ?? [] });
    }
    buckets.add(empty);
  } else {
    for (const key of keys) {
      const list = byKey.get(key) ?? [];
      if (list.length >= minDocCount) all.push({ key, count: list.length, docs: () => list });
    }
    buckets.add(all.length);
  }
  const order = parseOrder(options.order, [{ key: '_key', desc: false }]);
  if (options.order !== undefined) all.sort((a, b) => compareBuckets(a, b, order));
  return {
    buckets: all.map((b) => ({ key_as_string: formatDate(b.key as number, format), key: b.key, doc_count: b.count, ...subAggregations(ctx, b, sub, buckets) })),
  };
}

function metric(ctx: QueryContext, type: string, name: string, options: Json, docs: ArrayLike<number>): Json {
  checkOptions(options, ['field', 'format', 'missing'], type);
  const field = fieldOf(ctx, options, name);
  const data = field && field.indexed ? ctx.data.fieldData(field) : undefined;
  // `missing`: the value a doc without the field counts with.
  const missing = options.missing === undefined ? undefined : field?.type === 'date' ? parseDate(options.missing) : Number(options.missing);
  if (missing !== undefined && Number.isNaN(missing)) throw parsingError(`[${type}] invalid missing value [${show(options.missing)}]`);
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const add = (v: number) => {
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    return false;
  };
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i] ?? 0;
    if (data instanceof NumericField || data === undefined) {
      let had = false;
      if (data instanceof NumericField) {
        data.each(doc, (v) => {
          had = true;
          return add(v);
        });
      }
      if (!had && missing !== undefined) add(missing);
    } else if (data instanceof TermField && type === 'value_count') {
      count += data.valueCount(doc);
    } else if (data && type !== 'value_count') {
      throw parsingError(`Field [${field?.path ?? ''}] of type [${field?.declared ?? ''}] is not supported for aggregation [${type}]`);
    }
  }
  if (type === 'value_count') return { value: count };
  if (type === 'sum') return { value: sum };
  const value = count === 0 ? null : type === 'min' ? min : type === 'max' ? max : sum / count;
  if (value !== null && field?.type === 'date') {
    return { value, value_as_string: formatDate(value, options.format === undefined ? undefined : show(options.format)) };
  }
  return { value };
}
