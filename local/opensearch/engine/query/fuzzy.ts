import { parsingError, show } from '../errors.ts';
import { charMask, type Postings, type TermField } from '../index-data.ts';
import type { QueryContext } from './types.ts';

/** Edits allowed for a term: `AUTO` is 0 up to 2 characters, 1 up to 5, 2 beyond (`AUTO:low,high` moves the steps). */
export function maxEdits(fuzziness: unknown, term: string): number {
  if (fuzziness === undefined || fuzziness === null) return 0;
  const text = show(fuzziness).toUpperCase();
  const length = [...term].length;
  if (text === 'AUTO' || text.startsWith('AUTO:')) {
    const [low, high] = text === 'AUTO' ? [3, 6] : text.slice(5).split(',').map(Number);
    if (low === undefined || high === undefined || !Number.isInteger(low) || !Number.isInteger(high)) {
      throw parsingError(`failed to parse [fuzziness] value [${show(fuzziness)}]`);
    }
    return length < low ? 0 : length < high ? 1 : 2;
  }
  if (text === '0' || text === '1' || text === '2') return Number(text);
  throw parsingError(`failed to parse [fuzziness] value [${show(fuzziness)}]: only AUTO, AUTO:low,high, 0, 1 and 2 are supported`);
}

/**
 * Optimal-string-alignment distance (Damerau: an adjacent transposition is one edit), as Lucene's
 * Levenshtein automata with transpositions count it. Returns max + 1 as soon as it must exceed max.
 */
export function editDistance(a: number[], b: number[], max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] ?? 0;
}

export interface Expansion {
  postings: Postings;
  /** Lucene's FuzzyTermsEnum boost: 1 - edits / min(length of query term, length of matched term). */
  boost: number;
}

const MAX_EXPANSIONS = 50;

function popcount(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0) ?? 0);

/**
 * The dictionary terms within `edits` of `term` (the term itself included), best 50 by boost then
 * term, as Lucene's top-terms rewrite keeps them. Cached per field until a new term arrives.
 */
export function expand(ctx: QueryContext, data: TermField, term: string, edits: number): Expansion[] {
  if (edits === 0) {
    const exact = data.postings(term);
    return exact ? [{ postings: exact, boost: 1 }] : [];
  }
  const key = `fuzzy\u0000${data.field.path}\u0000${edits}\u0000${term}`;
  let candidates = ctx.cache.get(key, data.generation);
  const target = codePoints(term);
  if (!candidates) {
    const found: Postings[] = [];
    const targetMask = charMask(term);
    // Within `edits`, lengths differ by at most `edits`: only those terms are compared.
    for (let length = Math.max(0, target.length - edits); length <= target.length + edits; length++) {
      const { ords, masks } = data.termsOfLength(length);
      for (let i = 0; i < ords.length; i++) {
        const mask = masks[i] ?? 0;
        if (popcount(mask & ~targetMask) > edits || popcount(targetMask & ~mask) > edits) continue;
        const ord = ords[i] ?? 0;
        if (editDistance(target, codePoints(data.termAt(ord)), edits) <= edits) found.push(data.postingsOf(ord));
      }
    }
    candidates = found;
    ctx.cache.set(key, data.generation, candidates);
  }
  const expansions: Expansion[] = [];
  for (const postings of candidates) {
    if (postings.df === 0) continue;
    const other = codePoints(postings.term);
    const distance = editDistance(target, other, edits);
    expansions.push({ postings, boost: 1 - distance / Math.min(target.length, other.length) });
  }
  expansions.sort((a, b) => b.boost - a.boost || (a.postings.term < b.postings.term ? -1 : 1));
  return expansions.slice(0, MAX_EXPANSIONS);
}
