import { OpenSearchError, parsingError } from '../errors.ts';
import { multiMatchQuery, matchQuery } from './full-text.ts';
import { geoDistanceQuery } from './geo.ts';
import { knnQuery } from './knn.ts';
import { moreLikeThisQuery } from './more-like-this.ts';
import { existsQuery, idsQuery, prefixQuery, rangeQuery, termQuery, termsQuery } from './term-level.ts';
import {
  NO_MATCH,
  asObject,
  checkKeys,
  minimumShouldMatch,
  numberOption,
  union,
  type Json,
  type Matcher,
  type QueryContext,
} from './types.ts';

/** A query Lucene runs as one leaf (a term, a term set, a range, match all...): one clause. */
function leaf(ctx: QueryContext, matcher: Matcher): Matcher {
  ctx.clauses.add(1);
  return matcher;
}

/**
 * Compiles query DSL; anything outside the supported subset is a 400 naming it. Counts Lucene's
 * clauses in ctx.clauses as it goes (the caller checks the total once the whole query compiled).
 */
export function compileQuery(ctx: QueryContext, query: unknown, scoring: boolean): Matcher {
  const spec = asObject(query, 'query');
  const names = Object.keys(spec);
  const name = names[0];
  if (names.length !== 1 || name === undefined) {
    throw parsingError(names.length === 0 ? 'query malformed, empty clause found' : `[${names[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  }
  const body = spec[name];
  switch (name) {
    case 'match_all':
      return leaf(ctx, allDocs(ctx, numberOption(asObject(body, name).boost, 1)));
    case 'match_none':
      return leaf(ctx, NO_MATCH);
    case 'bool':
      return boolQuery(ctx, asObject(body, name), scoring);
    case 'constant_score': {
      const options = asObject(body, name);
      checkKeys(options, ['filter', 'boost', '_name'], name);
      const inner = compileQuery(ctx, options.filter, false);
      const boost = numberOption(options.boost, 1);
      return { ...bind(inner), score: () => boost };
    }
    case 'term':
      return leaf(ctx, termQuery(ctx, body, scoring));
    case 'terms':
      return leaf(ctx, termsQuery(ctx, body));
    case 'range':
      return leaf(ctx, rangeQuery(ctx, body));
    case 'exists':
      return leaf(ctx, existsQuery(ctx, body));
    case 'prefix':
      return leaf(ctx, prefixQuery(ctx, body));
    case 'ids':
      return leaf(ctx, idsQuery(ctx, body));
    case 'match':
      return matchQuery(ctx, body, scoring);
    case 'multi_match':
      return multiMatchQuery(ctx, body, scoring);
    case 'more_like_this':
      return moreLikeThisQuery(ctx, body, scoring);
    case 'geo_distance':
      return leaf(ctx, geoDistanceQuery(ctx, body));
    case 'knn':
      return knnQuery(ctx, body);
    default:
      throw parsingError(`unknown query [${name}]`);
  }
}

function bind(m: Matcher): Matcher {
  return { cost: m.cost, docs: () => m.docs(), matches: (doc) => m.matches(doc), score: (doc) => m.score(doc) };
}

function allDocs(ctx: QueryContext, boost: number): Matcher {
  return { cost: ctx.data.liveCount, docs: () => ctx.data.live(), matches: (doc) => ctx.data.ids[doc] !== undefined, score: () => boost };
}

const clauses = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * A bool's clauses of one occurrence. BoolQueryBuilder parses them with an ObjectParser, which
 * wraps a clause's parse failure: x_content_parse_exception "[bool] failed to parse field [must]"
 * caused by it, one wrapper per bool (seen on OpenSearch 2.19.1; the "[line:col] " prefix
 * OpenSearch puts first is left out, as the engine does not keep positions).
 */
function boolClauses(ctx: QueryContext, spec: Json, occur: 'must' | 'must_not' | 'should' | 'filter', scoring: boolean): Matcher[] {
  return clauses(spec[occur]).map((q) => {
    try {
      return compileQuery(ctx, q, scoring);
    } catch (error) {
      if (error instanceof OpenSearchError && (error.type === 'parsing_exception' || error.type === 'x_content_parse_exception')) {
        throw new OpenSearchError(400, 'x_content_parse_exception', `[bool] failed to parse field [${occur}]`, {}, error);
      }
      throw error;
    }
  });
}

/**
 * Lucene 9.12's BooleanQuery.rewrite flattens SHOULD clauses that are pure disjunctions into a
 * bool requiring at most one SHOULD match (ctx.clauses checks the width). Returns this bool's own
 * width when it is itself a pure disjunction; a boost other than 1 makes it a BoostQuery instead.
 */
function flattenDisjunctions(
  ctx: QueryContext,
  bool: { total: number; should: Matcher[]; requiredShould: number; pureNegative: boolean; boost: number },
): number | undefined {
  if (bool.requiredShould > 1) return undefined;
  const nested = bool.should.filter((m) => m.disjunctionWidth !== undefined);
  const width = bool.total + (bool.pureNegative ? 1 : 0) + nested.reduce((n, m) => n + (m.disjunctionWidth ?? 0) - 1, 0);
  if (nested.length > 0) ctx.clauses.flattened(width);
  if (bool.should.length !== bool.total || bool.boost !== 1) return undefined;
  // A one-clause BooleanQuery rewrites to its clause.
  return bool.total === 1 ? bool.should[0]?.disjunctionWidth : width;
}

/**
 * must and filter are required (filter without scoring), must_not excludes, should adds score and
 * is required only by minimum_should_match (default 1 when there is no must or filter).
 */
function boolQuery(ctx: QueryContext, spec: Json, scoring: boolean): Matcher {
  checkKeys(spec, ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', '_name', 'adjust_pure_negative'], 'bool');
  // Compiled in the order OpenSearch adds them to the BooleanQuery (must, must_not, should,
  // filter), which decides whose error is reported first; the clause count is checked after them,
  // so that a malformed clause anywhere is reported as OpenSearch's parser reports it, first.
  const must = boolClauses(ctx, spec, 'must', scoring);
  const mustNot = boolClauses(ctx, spec, 'must_not', false);
  const should = boolClauses(ctx, spec, 'should', scoring);
  const filter = boolClauses(ctx, spec, 'filter', false);
  const total = must.length + mustNot.length + should.length + filter.length;
  if (total === 0) {
    ctx.clauses.add(1);
    return allDocs(ctx, numberOption(spec.boost, 1));
  }
  // A pure negative bool gets a match_all filter (Queries.fixNegativeQueryIfNeeded), through the builder too.
  const pureNegative = mustNot.length === total && spec.adjust_pure_negative !== false;
  ctx.clauses.checkBuilder(total + (pureNegative ? 1 : 0));
  if (pureNegative) ctx.clauses.add(1);
  const boost = numberOption(spec.boost, 1);
  const requiredShould = minimumShouldMatch(spec.minimum_should_match, should.length, must.length + filter.length > 0 ? 0 : should.length > 0 ? 1 : 0);
  const disjunctionWidth = flattenDisjunctions(ctx, { total, should, requiredShould, pureNegative, boost });
  const required = [...must, ...filter];
  if (required.some((m) => m === NO_MATCH) || (requiredShould > 0 && should.filter((m) => m !== NO_MATCH).length < requiredShould)) {
    // Lucene still builds (and flattens) the disjunction that matches nothing.
    return disjunctionWidth === undefined ? NO_MATCH : { ...NO_MATCH, disjunctionWidth };
  }
  const excluded = mustNot.filter((m) => m !== NO_MATCH);
  const matches = (doc: number): boolean => {
    for (const m of required) if (!m.matches(doc)) return false;
    for (const m of excluded) if (m.matches(doc)) return false;
    if (requiredShould > 0) {
      let count = 0;
      for (const m of should) if (m.matches(doc) && ++count >= requiredShould) return true;
      return false;
    }
    return true;
  };
  // The cheapest required clause leads; with only should clauses, their union does.
  const lead: Matcher | undefined = required.length > 0 ? required.reduce((a, b) => (b.cost < a.cost ? b : a)) : undefined;
  const cost = lead ? lead.cost : requiredShould > 0 ? should.reduce((n, m) => n + m.cost, 0) : ctx.data.liveCount;
  let cached: number[] | undefined;
  return {
    cost,
    disjunctionWidth,
    docs: () => {
      if (cached) return cached;
      let candidates: ArrayLike<number>;
      if (lead) candidates = lead.docs();
      else if (requiredShould > 0) candidates = union(should.map((m) => m.docs()));
      else candidates = ctx.data.live();
      const out: number[] = [];
      for (let i = 0; i < candidates.length; i++) {
        const doc = candidates[i] ?? 0;
        if (matches(doc)) out.push(doc);
      }
      return (cached = out);
    },
    matches,
    score: (doc) => {
      if (!scoring) return 0;
      let total = 0;
      for (const m of must) total += m.score(doc);
      for (const m of should) if (m.matches(doc)) total += m.score(doc);
      return total * boost;
    },
  };
}
