import { analyzerOf } from '../analysis.ts';
import { termsByPosition } from '../custom-analysis.ts';
import { OpenSearchError, parsingError, show } from '../errors.ts';
import { NumericField, TermField } from '../index-data.ts';
import type { LeafField } from '../mapping.ts';
import { bm25, idf } from '../scoring.ts';
import { wildcardRegex } from '../source-filter.ts';
import { expand, maxEdits, type Expansion } from './fuzzy.ts';
import { indexedValue } from './term-level.ts';
import {
  NO_MATCH,
  asObject,
  checkKeys,
  fieldEntry,
  liveDocs,
  minimumShouldMatch,
  numberOption,
  scanMatcher,
  union,
  type Json,
  type Matcher,
  type QueryContext,
} from './types.ts';

interface TextOptions {
  operator: 'or' | 'and';
  fuzziness: unknown;
  minimumShouldMatch: unknown;
  boost: number;
  lenient: boolean;
}

const FUZZY_DEFAULTS: Json = { prefix_length: 0, max_expansions: 50, fuzzy_transpositions: true };

/** Only Lucene's defaults of the fuzzy tuning knobs are implemented; other values are refused. */
function checkFuzzyDefaults(options: Json, query: string): void {
  for (const [key, expected] of Object.entries(FUZZY_DEFAULTS)) {
    const value = options[key];
    if (value !== undefined && show(value) !== show(expected)) {
      throw parsingError(`[${query}] query: [${key}] other than ${show(expected)} is not supported by the local engine`);
    }
  }
}

function operatorOf(value: unknown): 'or' | 'and' {
  if (value === undefined) return 'or';
  const op = show(value).toLowerCase();
  if (op !== 'or' && op !== 'and') throw parsingError(`[match] query does not support [operator] value [${show(value)}]`);
  return op;
}

/**
 * One field's match: the query analyzed with the field's search analyzer, each position a group of
 * terms (its token, or the synonyms stacked there, or their fuzzy expansions). Expansions are
 * scored as Lucene's blended rewrite does, approximately: each matching expansion adds BM25 with
 * the group's largest df, times its edit-distance boost.
 *
 * Clauses are counted as Lucene counts them: one BooleanQuery clause per position (so analysis
 * stops one position past the limit), and after rewrite one leaf per distinct position: a
 * SynonymQuery for synonyms, else its token, or each expansion of a fuzzy one
 * (BooleanQuery.rewrite merges equal SHOULD clauses unless minimum_should_match > 1, and equal
 * MUST clauses).
 */
function fieldMatcher(ctx: QueryContext, field: LeafField, text: unknown, options: TextOptions, scoring: boolean): Matcher {
  if (!field.indexed) return countedNoMatch(ctx);
  const data = ctx.data.fieldData(field);
  if (data instanceof NumericField) {
    let value: number;
    try {
      value = indexedValue(field, text) as number;
    } catch (error) {
      if (options.lenient) return countedNoMatch(ctx);
      throw error;
    }
    ctx.clauses.add(1);
    return scanMatcher(ctx, (doc) => data.each(doc, (v) => v === value), options.boost);
  }
  if (!(data instanceof TermField)) {
    if (options.lenient) return countedNoMatch(ctx);
    throw new OpenSearchError(400, 'query_shard_exception', `failed to create query: field [${field.path}] of type [geo_point] does not support match queries`);
  }
  const analyzer = field.type === 'text' ? analyzerOf(ctx.analyzers, field.searchAnalyzer ?? field.analyzer) : undefined;
  // Terms at one position (synonyms) form one group, scored as one term, as Lucene's SynonymQuery.
  const positions = analyzer ? termsByPosition(analyzer, show(text), ctx.clauses.max + 1) : [[show(text)]];
  if (positions.length === 0) return countedNoMatch(ctx);
  if (positions.length > 1) ctx.clauses.checkBuilder(positions.length);
  const merged = options.operator === 'and' || minimumShouldMatch(options.minimumShouldMatch, positions.length, 1) <= 1;
  const seen = new Map<string, { expansions: Expansion[]; idf: number; leaves: number }>();
  const groups = positions.map((terms) => {
    const key = terms.join('\u0000');
    const known = seen.get(key);
    if (known) {
      if (!merged) ctx.clauses.add(known.leaves);
      return known;
    }
    // Once the query is sure to fail, expanding more terms is wasted work.
    const expansions = ctx.clauses.exhausted ? [] : distinct(terms.flatMap((term) => expand(ctx, data, term, maxEdits(options.fuzziness, term))));
    const df = expansions.reduce((max, e) => Math.max(max, e.postings.df), 0);
    // A SynonymQuery is one leaf (Lucene's clause visitor counts each consumeTerms call once); a
    // fuzzy term without expansions rewrites to an empty BooleanQuery, then MatchNoDocsQuery: one leaf.
    const leaves = terms.length > 1 ? 1 : Math.max(1, expansions.length);
    const group = { expansions, idf: idf(data.docCount, df), leaves };
    seen.set(key, group);
    ctx.clauses.add(leaves);
    return group;
  });
  const required =
    options.operator === 'and' ? groups.length : minimumShouldMatch(options.minimumShouldMatch, groups.length, 1);
  if (required === 0 || groups.filter((g) => g.expansions.length > 0).length < required) return NO_MATCH;
  const groupHas = (expansions: Expansion[], doc: number) => expansions.some((e) => e.postings.freq(doc) > 0);
  const matches = (doc: number) => {
    let count = 0;
    for (const g of groups) if (groupHas(g.expansions, doc) && ++count >= required) return true;
    return false;
  };
  const avg = data.sumLength / Math.max(data.docCount, 1);
  const normed = field.type === 'text';
  const groupDocs = groups.map((g) => g.expansions.reduce((n, e) => n + e.postings.df, 0));
  // OR of several terms (or of a fuzzy term's expansions): a pure disjunction a parent bool flattens.
  const width = [...seen.values()].reduce((n, g) => n + g.leaves, 0);
  return {
    disjunctionWidth: options.operator !== 'and' && required <= 1 && width > 1 && options.boost === 1 ? width : undefined,
    cost: required === groups.length ? Math.min(...groupDocs) : groupDocs.reduce((a, b) => a + b, 0),
    docs: () => {
      const lists = groups.flatMap((g) => g.expansions.map((e) => liveDocs(ctx, e.postings)));
      const all = union(lists);
      return required === 1 ? all : all.filter(matches);
    },
    matches,
    score: (doc) => {
      if (!scoring) return 0;
      let total = 0;
      const length = data.lengths[doc] ?? 0;
      for (const g of groups) {
        for (const e of g.expansions) {
          const freq = e.postings.freq(doc);
          if (freq > 0) total += bm25(freq, length, avg, g.idf, options.boost * e.boost, normed);
        }
      }
      return total;
    },
  };
}

/** One expansion per term: synonyms' fuzzy expansions may reach the same term. */
function distinct(expansions: Expansion[]): Expansion[] {
  const best = new Map<string, Expansion>();
  for (const e of expansions) if ((best.get(e.postings.term)?.boost ?? -1) < e.boost) best.set(e.postings.term, e);
  return [...best.values()];
}

/** What OpenSearch builds when nothing can match (an unmapped field, no tokens): MatchNoDocsQuery, one leaf. */
function countedNoMatch(ctx: QueryContext): Matcher {
  ctx.clauses.add(1);
  return NO_MATCH;
}

const MATCH_KEYS = ['query', 'operator', 'fuzziness', 'minimum_should_match', 'boost', 'lenient', 'prefix_length', 'max_expansions', 'fuzzy_transpositions', '_name'];

export function matchQuery(ctx: QueryContext, spec: unknown, scoring: boolean): Matcher {
  const [name, raw] = fieldEntry(asObject(spec, 'match'), 'match');
  const options = typeof raw === 'object' && raw !== null ? (raw as Json) : { query: raw };
  checkKeys(options, MATCH_KEYS, 'match');
  checkFuzzyDefaults(options, 'match');
  if (options.query === undefined) throw parsingError(`[match] requires query value`);
  const field = ctx.mapping.fields.get(name);
  if (!field) return countedNoMatch(ctx);
  return fieldMatcher(ctx, field, options.query, textOptions(options), scoring);
}

function textOptions(options: Json): TextOptions {
  return {
    operator: operatorOf(options.operator),
    fuzziness: options.fuzziness,
    minimumShouldMatch: options.minimum_should_match,
    boost: numberOption(options.boost, 1),
    lenient: options.lenient === true,
  };
}

const MULTI_MATCH_KEYS = [...MATCH_KEYS, 'fields', 'type', 'tie_breaker'];

/** Field patterns (`labels^3`, `name.*`) to mapped fields with their boosts. */
function resolveFields(ctx: QueryContext, patterns: unknown): { field: LeafField; boost: number }[] {
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw parsingError('[multi_match] requires [fields]: querying all fields (index.query.default_field) is not supported');
  }
  return patterns.flatMap((pattern) => {
    const [name = '', boostText] = show(pattern).split('^');
    const boost = boostText === undefined ? 1 : Number(boostText);
    if (!Number.isFinite(boost)) throw parsingError(`[multi_match] invalid boost in field [${show(pattern)}]`);
    if (!name.includes('*')) {
      const field = ctx.mapping.fields.get(name);
      return field ? [{ field, boost }] : [];
    }
    const regex = wildcardRegex(name);
    return [...ctx.mapping.fields.values()].filter((f) => regex.test(f.path)).map((field) => ({ field, boost }));
  });
}

export function multiMatchQuery(ctx: QueryContext, spec: unknown, scoring: boolean): Matcher {
  const options = asObject(spec, 'multi_match');
  checkKeys(options, MULTI_MATCH_KEYS, 'multi_match');
  checkFuzzyDefaults(options, 'multi_match');
  const type = show(options.type ?? 'best_fields');
  if (type !== 'best_fields' && type !== 'most_fields') {
    throw parsingError(`[multi_match] query type [${type}] is not supported by the local engine (best_fields and most_fields are)`);
  }
  if (options.query === undefined) throw parsingError('No text specified for multi_match query');
  const base = textOptions(options);
  const tieBreaker = type === 'most_fields' ? 1 : numberOption(options.tie_breaker, 0);
  const fields = resolveFields(ctx, options.fields);
  if (fields.length === 0) return countedNoMatch(ctx);
  const perField = fields
    .map(({ field, boost }) => fieldMatcher(ctx, field, options.query, { ...base, boost: base.boost * boost }, scoring))
    .filter((m) => m !== NO_MATCH);
  // best_fields combines the fields in a dis_max, most_fields in a BooleanQuery, which has the clause limit.
  if (type === 'most_fields' && fields.length > 1) ctx.clauses.checkBuilder(fields.length);
  if (perField.length === 0) return NO_MATCH;
  if (perField.length === 1 && perField[0]) return perField[0];
  // best_fields is a dis_max: the best field's score plus tie_breaker times the others'.
  return {
    cost: perField.reduce((n, m) => n + m.cost, 0),
    docs: () => union(perField.map((m) => m.docs())),
    matches: (doc) => perField.some((m) => m.matches(doc)),
    score: (doc) => {
      let best = 0;
      let sum = 0;
      for (const m of perField) {
        if (!m.matches(doc)) continue;
        const s = m.score(doc);
        sum += s;
        if (s > best) best = s;
      }
      return best + tieBreaker * (sum - best);
    },
  };
}
