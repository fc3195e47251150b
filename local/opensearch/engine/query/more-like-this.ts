import { illegalArgument, parsingError, queryShardException, shardFailure, show } from '../errors.ts';
import { TermField } from '../index-data.ts';
import { parseDocument, type FieldValues, type LeafField } from '../mapping.ts';
import { scoredTermMatcher } from './term-level.ts';
import { NO_MATCH, asObject, minimumShouldMatch, numberOption, type Json, type Matcher, type QueryContext } from './types.ts';

/**
 * more_like_this with liked documents given by id, as OpenSearch runs it
 * (MoreLikeThisQueryBuilder, XMoreLikeThis, MoreLikeThisQuery; docs:
 * https://docs.opensearch.org/latest/query-dsl/specialized/more-like-this/):
 * - the liked documents' terms come from their source analyzed as the field indexes it (the term
 *   vectors API generates them so), counted per field across all liked documents;
 * - per field, terms below min_term_freq, below min_doc_freq or above max_doc_freq are dropped, the
 *   rest ranked by tf x idf (ClassicSimilarity: 1 + ln((numDocs + 1) / (docFreq + 1))) and the best
 *   max_query_terms kept;
 * - the kept terms of every field become one BooleanQuery of SHOULD term queries (BM25 scored),
 *   minimum_should_match applied to all of them together; boost_terms boosts each term by its
 *   tf x idf relative to the first term the queue pops (its field's lowest);
 * - unless `include`, the liked documents themselves are excluded.
 * Free-text `like`, `unlike`, artificial documents and the other knobs are refused by name rather
 * than ignored.
 */

const DEFAULTS = { maxQueryTerms: 25, minTermFreq: 2, minDocFreq: 5, maxDocFreq: 2_147_483_647, minimumShouldMatch: '30%' };

const SUPPORTED = [
  'like',
  'fields',
  'max_query_terms',
  'min_term_freq',
  'min_doc_freq',
  'max_doc_freq',
  'minimum_should_match',
  'boost_terms',
  'include',
  'fail_on_unsupported_field',
  'boost',
  '_name',
];
/** Parameters OpenSearch has that this engine does not implement. */
const NOT_IMPLEMENTED = ['unlike', 'min_word_length', 'max_word_length', 'stop_words', 'analyzer'];

interface ScoredTerm {
  term: string;
  score: number;
}

export function moreLikeThisQuery(ctx: QueryContext, spec: unknown, scoring: boolean): Matcher {
  const options = asObject(spec, 'more_like_this');
  for (const key of Object.keys(options)) {
    if (NOT_IMPLEMENTED.includes(key)) throw parsingError(`[more_like_this] query: [${key}] is not supported by the local engine`);
    // MoreLikeThisQueryBuilder.fromXContent names the query by its short name here.
    if (!SUPPORTED.includes(key)) throw parsingError(`[mlt] query does not support [${key}]`);
  }
  const likedIds = likedDocuments(ctx, options.like);
  if (options.fields === undefined) {
    throw parsingError('[more_like_this] query without [fields] (index.query.default_field) is not supported by the local engine');
  }
  if (!Array.isArray(options.fields)) throw parsingError('[mlt] query does not support [fields]');
  if (options.fields.length === 0) throw parsingError("more_like_this requires 'fields' to be non-empty");
  const failOnUnsupported = options.fail_on_unsupported_field !== false;
  const fields = options.fields.flatMap((name): LeafField[] => {
    const field = ctx.mapping.fields.get(show(name));
    // An unmapped field is kept by OpenSearch and contributes no terms.
    if (!field) return [];
    if (field.type === 'text' || field.type === 'keyword') return [field];
    if (!failOnUnsupported) return [];
    const cause = illegalArgument(`more_like_this only supports text/keyword fields: [${show(name)}]`);
    throw shardFailure(ctx.index, queryShardException({ name: ctx.index, uuid: ctx.uuid }, cause));
  });
  const settings = {
    maxQueryTerms: numberOption(options.max_query_terms, DEFAULTS.maxQueryTerms),
    minTermFreq: numberOption(options.min_term_freq, DEFAULTS.minTermFreq),
    minDocFreq: numberOption(options.min_doc_freq, DEFAULTS.minDocFreq),
    maxDocFreq: numberOption(options.max_doc_freq, DEFAULTS.maxDocFreq),
  };
  const boostTerms = numberOption(options.boost_terms, 0);
  const boost = numberOption(options.boost, 1);
  const sources = likedSources(ctx, likedIds);

  const clauses: Matcher[] = [];
  for (const field of fields) {
    const data = ctx.data.fieldData(field);
    if (!(data instanceof TermField)) continue;
    const selected = selectTerms(ctx, data, termFrequencies(field, data, sources), settings);
    // XMoreLikeThis.addToQuery pops its priority queue, lowest score first, and boosts each term
    // relative to the first one popped.
    const first = selected[0]?.score ?? 0;
    for (const { term, score } of selected) {
      const postings = data.postings(term);
      if (!postings) continue;
      const termBoost = boostTerms !== 0 ? (boostTerms * score) / first : 1;
      clauses.push(scoredTermMatcher(ctx, field, data, postings, termBoost, scoring));
    }
  }
  // XMoreLikeThis means to stop adding terms when the BooleanQuery is full, but Lucene 9's
  // BooleanQuery.Builder no longer refuses clauses: IndexSearcher's rewrite does, so more selected
  // terms than the limit fail the search (too_many_clauses, 500, on OpenSearch 2.19.1).
  ctx.clauses.flattened(clauses.length);
  ctx.clauses.add(Math.max(1, clauses.length));
  const required = Math.max(1, minimumShouldMatch(options.minimum_should_match ?? DEFAULTS.minimumShouldMatch, clauses.length, 0));
  if (clauses.length < required) return NO_MATCH;
  const excluded = new Set(options.include === true ? [] : likedIds.flatMap((id) => ctx.data.byId.get(id) ?? []));
  const matches = (doc: number): boolean => {
    if (excluded.has(doc)) return false;
    let count = 0;
    for (const clause of clauses) if (clause.matches(doc) && ++count >= required) return true;
    return false;
  };
  let cached: number[] | undefined;
  return {
    cost: clauses.reduce((n, clause) => n + clause.cost, 0),
    docs: () => {
      if (cached) return cached;
      const candidates = new Set<number>();
      for (const clause of clauses) for (const doc of Array.from(clause.docs())) candidates.add(doc);
      return (cached = [...candidates].filter(matches).sort((a, b) => a - b));
    },
    matches,
    score: (doc) => {
      if (!scoring) return 0;
      let total = 0;
      for (const clause of clauses) if (clause.matches(doc)) total += clause.score(doc);
      return total * boost;
    },
  };
}

/** The ids of the `like` items; each must be `{ _id }` (optionally with this `_index`). */
function likedDocuments(ctx: QueryContext, like: unknown): string[] {
  const items = like === undefined ? [] : Array.isArray(like) ? like : [like];
  if (items.length === 0) throw parsingError("more_like_this requires 'like' to be specified");
  return items.map((item) => {
    if (typeof item === 'string') throw parsingError('[more_like_this] query: free text in [like] is not supported by the local engine');
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw illegalArgument("Content of 'like' parameter should either be a string or an object");
    }
    const { _index: index, _id: id, ...rest } = item as Json;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw parsingError(`[more_like_this] query: [like] items with [${extra}] are not supported by the local engine`);
    if (index !== undefined && show(index) !== ctx.index) {
      throw parsingError(`[more_like_this] query: [like] items from another index ([${show(index)}]) are not supported by the local engine`);
    }
    if (id === undefined) throw parsingError('[more_like_this] query: [like] items without [_id] are not supported by the local engine');
    return show(id);
  });
}

/** The liked documents that exist; a missing one is skipped, as OpenSearch skips a term vectors miss. */
function likedSources(ctx: QueryContext, ids: string[]): FieldValues[][] {
  const live = ids.filter((id) => ctx.data.byId.has(id));
  const stored = ctx.sources(live);
  return live.flatMap((id) => {
    const text = stored.get(id);
    return text === undefined ? [] : [parseDocument(ctx.mapping, JSON.parse(text) as Record<string, unknown>, id).fields];
  });
}

/** Each term of the field in the liked documents, with its frequency summed over them. */
function termFrequencies(field: LeafField, data: TermField, sources: FieldValues[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const fields of sources) {
    const values = fields.find((entry) => entry.field.path === field.path)?.values ?? [];
    const strings = values.map((value) => show(value));
    const tokens = data.analyzer ? strings.flatMap((value) => data.analyzer!.tokens(value)) : strings;
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

/** XMoreLikeThis.createQueue for one field: the best max_query_terms terms by tf x idf, in the order the queue pops them (lowest first). */
function selectTerms(
  ctx: QueryContext,
  data: TermField,
  frequencies: Map<string, number>,
  settings: { maxQueryTerms: number; minTermFreq: number; minDocFreq: number; maxDocFreq: number },
): ScoredTerm[] {
  const numDocs = ctx.data.liveCount;
  const scored: ScoredTerm[] = [];
  for (const [term, tf] of frequencies) {
    if (settings.minTermFreq > 0 && tf < settings.minTermFreq) continue;
    const docFreq = data.postings(term)?.df ?? 0;
    if (settings.minDocFreq > 0 && docFreq < settings.minDocFreq) continue;
    if (docFreq > settings.maxDocFreq || docFreq === 0) continue;
    scored.push({ term, score: tf * (1 + Math.log((numDocs + 1) / (docFreq + 1))) });
  }
  // Lucene's priority queue breaks ties in no documented order; here, by term.
  scored.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  return scored.slice(0, Math.max(0, settings.maxQueryTerms)).reverse();
}
