import type { AnalyzerRegistry } from '../analysis.ts';
import { parsingError, show } from '../errors.ts';
import type { IndexData, Postings } from '../index-data.ts';
import type { IndexLimits } from '../limits.ts';
import type { LeafField, Mapping } from '../mapping.ts';
import type { ClauseBudget } from './clauses.ts';

/**
 * A compiled query. Conjunctions lead with their cheapest clause's `docs()` and check the others
 * with `matches()`, so a selective filter (an owner's term) bounds the work of the whole query.
 */
export interface Matcher {
  /** Estimated number of matches, to choose the lead clause. */
  readonly cost: number;
  /** The matching live docs, ascending. */
  docs(): ArrayLike<number>;
  matches(doc: number): boolean;
  /** The score of a matching doc (0 in filter context). */
  score(doc: number): number;
  /**
   * Set when Lucene builds this as a pure disjunction (a BooleanQuery of SHOULD clauses only, at
   * most one required): its clause count once nested disjunctions are flattened into it.
   */
  readonly disjunctionWidth?: number;
}

/** Term expansions of fuzzy and prefix queries, per field, valid while the field's generation holds. */
export interface ExpansionCache {
  get(key: string, generation: number): Postings[] | undefined;
  set(key: string, generation: number, value: Postings[]): void;
}

export interface QueryContext {
  index: string;
  /** The index's uuid, which query_shard_exception names. */
  uuid: string;
  limits: IndexLimits;
  /** This request's count of Lucene clauses (indices.query.bool.max_clause_count). */
  clauses: ClauseBudget;
  data: IndexData;
  mapping: Mapping;
  analyzers: AnalyzerRegistry;
  now: number;
  cache: ExpansionCache;
  /** Stored sources by id (sources are not kept in memory). */
  sources(ids: readonly string[]): Map<string, string>;
}

export type Json = Record<string, unknown>;

export function asObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw parsingError(`[${what}] query malformed, no start_object after query name`);
  }
  return value as Json;
}

/** The single `{ field: spec }` entry of term, range, match... (other keys are options like boost). */
export function fieldEntry(query: Json, name: string, options: readonly string[] = []): [string, unknown] {
  const entries = Object.entries(query).filter(([k]) => !options.includes(k));
  const first = entries[0];
  if (!first) throw parsingError(`[${name}] query malformed, no field specified`);
  if (entries.length > 1) {
    throw parsingError(`[${name}] query doesn't support multiple fields, found [${first[0]}] and [${entries[1]?.[0]}]`);
  }
  return first;
}

/** Rejects keys the engine does not implement instead of ignoring them. */
export function checkKeys(spec: Json, allowed: readonly string[], query: string): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) throw parsingError(`[${query}] query does not support [${key}]`);
  }
}

export function numberOption(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw parsingError(`expected a number, got [${show(value)}]`);
  return n;
}

/** The mapped leaf field, or undefined: OpenSearch matches nothing on an unmapped field. */
export function leafField(ctx: QueryContext, name: string): LeafField | undefined {
  return ctx.mapping.fields.get(name);
}

export const NO_MATCH: Matcher = { cost: 0, docs: () => [], matches: () => false, score: () => 0 };

/** Live docs of a postings list, ascending. */
export function liveDocs(ctx: QueryContext, postings: Postings): number[] {
  const out: number[] = [];
  const ids = ctx.data.ids;
  for (let i = 0; i < postings.length; i++) {
    const doc = postings.docAt(i);
    if (ids[doc] !== undefined) out.push(doc);
  }
  return out;
}

/** Sorted union of sorted doc lists. */
export function union(lists: ArrayLike<number>[]): number[] {
  if (lists.length === 1) return Array.from(lists[0] ?? []);
  const seen = new Set<number>();
  for (const list of lists) for (let i = 0; i < list.length; i++) seen.add(list[i] ?? 0);
  return [...seen].sort((a, b) => a - b);
}

/** Docs matching `test`, by scanning all live docs: for clauses without postings (ranges, geo). */
export function scanMatcher(ctx: QueryContext, test: (doc: number) => boolean, boost: number): Matcher {
  return {
    cost: ctx.data.liveCount,
    docs: () => {
      const out: number[] = [];
      const live = ctx.data.live();
      for (let i = 0; i < live.length; i++) {
        const doc = live[i] ?? 0;
        if (test(doc)) out.push(doc);
      }
      return out;
    },
    matches: test,
    score: () => boost,
  };
}

/** minimum_should_match (`2`, `-1`, `75%`, `-25%`) resolved against the number of optional clauses. */
export function minimumShouldMatch(spec: unknown, optional: number, fallback: number): number {
  if (spec === undefined || spec === null) return fallback;
  const text = show(spec).trim();
  const m = /^(-?)(\d+)(%?)$/.exec(text);
  if (!m) throw parsingError(`[minimum_should_match] value [${text}] is not supported (integers and percentages only)`);
  const n = Number(m[2]);
  const count = m[3] ? Math.floor((optional * n) / 100) : n;
  const resolved = m[1] ? optional - count : count;
  return Math.max(0, Math.min(optional, resolved));
}
