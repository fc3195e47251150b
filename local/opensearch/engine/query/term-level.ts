import { parseDateMath, parseWithFormats } from '../date-math.ts';
import { OpenSearchError, illegalArgument, parsingError, queryShardException, shardFailure, show } from '../errors.ts';
import { settingName } from '../limits.ts';
import { NumericField, TermField, VectorField, type Postings } from '../index-data.ts';
import type { LeafField } from '../mapping.ts';
import { bm25, idf } from '../scoring.ts';
import {
  NO_MATCH,
  asObject,
  checkKeys,
  fieldEntry,
  leafField,
  liveDocs,
  numberOption,
  scanMatcher,
  union,
  type Json,
  type Matcher,
  type QueryContext,
} from './types.ts';

/** Docs in any of the postings lists, each scored by `score` (constant or BM25). */
export function postingsMatcher(ctx: QueryContext, lists: Postings[], score: (doc: number) => number): Matcher {
  if (lists.length === 0) return NO_MATCH;
  let cached: number[] | undefined;
  return {
    cost: lists.reduce((sum, p) => sum + p.df, 0),
    docs: () => (cached ??= union(lists.map((p) => liveDocs(ctx, p)))),
    matches: (doc) => lists.some((p) => p.freq(doc) > 0),
    score,
  };
}

/** A query value as the field indexes it: a term string, or a number (dates as millis, booleans 0/1). */
export function indexedValue(field: LeafField, value: unknown): string | number {
  switch (field.type) {
    case 'text':
    case 'keyword':
      if (typeof value === 'object' && value !== null) throw parsingError(`[term] query does not support an object value on [${field.path}]`);
      return show(value);
    case 'numeric': {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(n) || (typeof value === 'string' && value.trim() === '')) {
        throw new OpenSearchError(400, 'query_shard_exception', `failed to create query: For input string: "${show(value)}"`);
      }
      return n;
    }
    case 'date':
      return parseDateMath(value, Date.now(), false);
    case 'boolean':
      if (value === true || value === 'true') return 1;
      if (value === false || value === 'false') return 0;
      throw new OpenSearchError(400, 'query_shard_exception', `failed to create query: Can't parse boolean value [${show(value)}], expected [true] or [false]`);
    case 'geo_point':
      throw new OpenSearchError(400, 'query_shard_exception', `Geo fields do not support exact searching, use dedicated geo queries instead: [${field.path}]`);
    case 'knn_vector':
      // KNNVectorFieldType.termQuery.
      throw new OpenSearchError(400, 'query_shard_exception', `KNN vector do not support exact searching, use KNN queries instead: [${field.path}]`);
  }
}

/** Doc-value membership for numeric-like fields, which have no postings. */
function numericSetMatcher(ctx: QueryContext, data: NumericField, values: number[], boost: number): Matcher {
  const set = new Set(values);
  return scanMatcher(ctx, (doc) => data.each(doc, (v) => set.has(v)), boost);
}

/** One term's docs, scored by BM25 as a term query scores (length ignored on keyword fields: no norms). */
export function scoredTermMatcher(ctx: QueryContext, field: LeafField, data: TermField, postings: Postings, boost: number, scoring: boolean): Matcher {
  const termIdf = idf(data.docCount, postings.df);
  const avg = data.sumLength / Math.max(data.docCount, 1);
  const normed = field.type === 'text';
  return postingsMatcher(ctx, [postings], scoring ? (doc) => bm25(postings.freq(doc), data.lengths[doc] ?? 0, avg, termIdf, boost, normed) : () => 0);
}

export function termQuery(ctx: QueryContext, spec: unknown, scoring: boolean): Matcher {
  const [name, raw] = fieldEntry(asObject(spec, 'term'), 'term');
  const options = typeof raw === 'object' && raw !== null ? (raw as Json) : { value: raw };
  checkKeys(options, ['value', 'boost', '_name'], 'term');
  const boost = numberOption(options.boost, 1);
  const field = leafField(ctx, name);
  if (!field || !field.indexed) return NO_MATCH;
  const value = indexedValue(field, options.value);
  const data = ctx.data.fieldData(field);
  if (data instanceof TermField) {
    const postings = data.postings(show(value));
    if (!postings) return NO_MATCH;
    return scoredTermMatcher(ctx, field, data, postings, boost, scoring);
  }
  if (data instanceof NumericField) return numericSetMatcher(ctx, data, [value as number], boost);
  return NO_MATCH;
}

export function termsQuery(ctx: QueryContext, spec: unknown): Matcher {
  const query = asObject(spec, 'terms');
  const [name, raw] = fieldEntry(query, 'terms', ['boost', '_name']);
  const boost = numberOption(query.boost, 1);
  if (!Array.isArray(raw)) throw parsingError(`[terms] query does not support [${name}]: expected an array of values (terms lookup is not supported)`);
  const field = leafField(ctx, name);
  if (!field || !field.indexed) return NO_MATCH;
  // TermsQueryBuilder.doToQuery, before any term is looked up; an unmapped field was rewritten to match_none before it.
  const max = ctx.limits.maxTermsCount;
  if (raw.length > max) {
    const cause = illegalArgument(
      `The number of terms [${raw.length}] used in the Terms Query request has exceeded the allowed maximum of [${max}]. This maximum can be set by changing the [${settingName('maxTermsCount')}] index level setting.`,
    );
    throw shardFailure(ctx.index, queryShardException({ name: ctx.index, uuid: ctx.uuid }, cause));
  }
  const values = raw.map((v) => indexedValue(field, v));
  const data = ctx.data.fieldData(field);
  if (data instanceof TermField) {
    const lists = values.flatMap((v) => data.postings(show(v)) ?? []);
    return postingsMatcher(ctx, lists, () => boost);
  }
  if (data instanceof NumericField) return numericSetMatcher(ctx, data, values as number[], boost);
  return NO_MATCH;
}

const RANGE_KEYS = ['gte', 'gt', 'lte', 'lt', 'format', 'boost', 'from', 'to', 'include_lower', 'include_upper', '_name'];

export function rangeQuery(ctx: QueryContext, spec: unknown): Matcher {
  const [name, raw] = fieldEntry(asObject(spec, 'range'), 'range');
  const options = asObject(raw, 'range');
  checkKeys(options, RANGE_KEYS, 'range');
  const boost = numberOption(options.boost, 1);
  const field = leafField(ctx, name);
  if (!field || !field.indexed) return NO_MATCH;
  // from/to are the legacy spelling of the same bounds.
  const lower = options.gte ?? options.gt ?? options.from;
  const upper = options.lte ?? options.lt ?? options.to;
  const lowerInclusive = options.gt === undefined && options.include_lower !== false;
  const upperInclusive = options.lt === undefined && options.include_upper !== false;
  const data = ctx.data.fieldData(field);
  if (data instanceof NumericField) {
    const bound = (value: unknown, roundUp: boolean): number => {
      if (value === undefined || value === null) return roundUp ? Infinity : -Infinity;
      if (field.type === 'date') {
        if (options.format !== undefined && typeof value === 'string' && !value.startsWith('now')) {
          const [date = '', math] = value.split('||');
          const millis = parseWithFormats(date, show(options.format));
          return parseDateMath(math === undefined ? millis : `${millis}||${math}`, ctx.now, roundUp);
        }
        return parseDateMath(value, ctx.now, roundUp);
      }
      return indexedValue(field, value) as number;
    };
    // Date math rounding follows OpenSearch: gt and lte round up, gte and lt round down.
    const lo = bound(lower, !lowerInclusive);
    const hi = bound(upper, upperInclusive);
    const test = (v: number) => (lowerInclusive ? v >= lo : v > lo) && (upperInclusive ? v <= hi : v < hi);
    return scanMatcher(ctx, (doc) => data.each(doc, test), boost);
  }
  if (data instanceof TermField && field.type === 'keyword') {
    const lo = lower === undefined || lower === null ? undefined : show(lower);
    const hi = upper === undefined || upper === null ? undefined : show(upper);
    const inRange = (v: string) =>
      (lo === undefined || (lowerInclusive ? v >= lo : v > lo)) && (hi === undefined || (upperInclusive ? v <= hi : v < hi));
    const lists = data.select(inRange).filter((p) => p.df > 0);
    return postingsMatcher(ctx, lists, () => boost);
  }
  throw parsingError(`[range] query is not supported on field [${name}] of type [${field.declared}]`);
}

export function existsQuery(ctx: QueryContext, spec: unknown): Matcher {
  const options = asObject(spec, 'exists');
  checkKeys(options, ['field', 'boost', '_name'], 'exists');
  if (typeof options.field !== 'string') throw parsingError('[exists] must be provided with a [field]');
  const name = options.field;
  // An object path exists when any field under it has a value.
  const fields = [...ctx.mapping.fields.values()].filter((f) => f.indexed && (f.path === name || f.path.startsWith(`${name}.`)));
  if (fields.length === 0) return NO_MATCH;
  const data = fields.map((f) => ctx.data.fieldData(f));
  const has = (doc: number) =>
    data.some((d) =>
      d instanceof TermField || d instanceof VectorField
        ? d.has(doc)
        : d instanceof NumericField
          ? !Number.isNaN(d.values[doc] ?? NaN)
          : d.points[doc] !== undefined,
    );
  return scanMatcher(ctx, has, numberOption(options.boost, 1));
}

export function prefixQuery(ctx: QueryContext, spec: unknown): Matcher {
  const [name, raw] = fieldEntry(asObject(spec, 'prefix'), 'prefix');
  const options = typeof raw === 'object' && raw !== null ? (raw as Json) : { value: raw };
  checkKeys(options, ['value', 'boost', '_name'], 'prefix');
  const field = leafField(ctx, name);
  if (!field || !field.indexed) return NO_MATCH;
  const data = ctx.data.fieldData(field);
  if (!(data instanceof TermField)) throw parsingError(`[prefix] query is not supported on field [${name}] of type [${field.declared}]`);
  const prefix = show(options.value);
  const key = `prefix\u0000${name}\u0000${prefix}`;
  let lists = ctx.cache.get(key, data.generation);
  if (!lists) {
    lists = data.select((term) => term.startsWith(prefix));
    ctx.cache.set(key, data.generation, lists);
  }
  const boost = numberOption(options.boost, 1);
  return postingsMatcher(ctx, lists.filter((p) => p.df > 0), () => boost);
}

export function idsQuery(ctx: QueryContext, spec: unknown): Matcher {
  const options = asObject(spec, 'ids');
  checkKeys(options, ['values', 'boost', '_name'], 'ids');
  if (!Array.isArray(options.values)) throw parsingError('[ids] query requires [values] as an array');
  const docs = options.values.flatMap((id) => {
    const doc = ctx.data.byId.get(show(id));
    return doc === undefined ? [] : [doc];
  });
  const set = new Set(docs);
  const sorted = [...set].sort((a, b) => a - b);
  const boost = numberOption(options.boost, 1);
  return { cost: sorted.length, docs: () => sorted, matches: (doc) => set.has(doc), score: () => boost };
}
