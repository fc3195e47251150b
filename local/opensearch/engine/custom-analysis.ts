/**
 * Custom analyzers (`type: custom`, or a definition naming a tokenizer): a tokenizer, then token
 * filters in order, as OpenSearch builds them from `settings.analysis`. Supported: the standard,
 * whitespace and keyword tokenizers; the lowercase, porter_stem, stemmer (english / porter /
 * possessive_english) and synonym / synonym_graph filters (single-word rules, Solr format). Any
 * other component is refused with a 400 naming it, never silently skipped.
 *
 * Tokens are kept by position: a synonym filter stacks its words on the position of the word they
 * replace, so that a match query treats them as one term (Lucene's SynonymQuery).
 */
import { type Analyzer, TOKENIZERS } from './analysis.ts';
import { illegalArgument, show } from './errors.ts';
import { porterStem } from './porter-stemmer.ts';

/** Terms by position. */
type Positions = string[][];
type Filter = (positions: Positions) => Positions;

/** An analyzer that also tells which terms share a position (full-text queries group those). */
export type PositionalAnalyzer = Analyzer & {
  /** Terms by position; with `limit`, at most that many positions, the text past them never analyzed. */
  positions(text: string, limit?: number): Positions;
};

/** The terms of `text` grouped by position (at most `limit`): from the analyzer when it knows, else one term each. */
export function termsByPosition(analyzer: Analyzer, text: string, limit?: number): Positions {
  const positional = analyzer as Partial<PositionalAnalyzer>;
  return positional.positions ? positional.positions(text, limit) : analyzer.tokens(text, limit).map((term) => [term]);
}

const eachTerm =
  (change: (term: string) => string): Filter =>
  (positions) =>
    positions.map((terms) => [...new Set(terms.map(change))]);

/** possessive_english: Lucene's EnglishPossessiveFilter drops a trailing 's (or ’s). */
const possessive = (term: string) => (/['’\uFF07][sS]$/u.test(term) ? term.slice(0, -2) : term);

const STEMMERS: Record<string, (term: string) => string> = {
  english: porterStem,
  porter: porterStem,
  possessive_english: possessive,
};

type Json = Record<string, unknown>;

export function customAnalyzer(name: string, def: Json, filterDefs: Record<string, Json>): PositionalAnalyzer {
  const tokenizerName = show(def.tokenizer ?? '');
  const tokenizer = TOKENIZERS.get(tokenizerName);
  if (!tokenizer) throw illegalArgument(`analyzer [${name}]: tokenizer [${tokenizerName}] is not supported by the local engine (standard, whitespace and keyword are)`);
  const filterNames = def.filter === undefined ? [] : Array.isArray(def.filter) ? def.filter.map(show) : [show(def.filter)];
  const filters: Filter[] = [];
  // Each filter is built with the chain before it: synonym rules are analyzed by that chain.
  // Filters map each position to terms (none to drop it), so a limit on the tokenizer limits them all.
  const chain = (text: string, limit?: number) =>
    filters.reduce<Positions>((positions, filter) => filter(positions), tokenizer.tokens(text, limit).map((t) => [t]));
  for (const filterName of filterNames) filters.push(buildFilter(name, filterName, filterDefs, chain));
  const positions = (text: string, limit?: number) => chain(text, limit).filter((terms) => terms.length > 0);
  return {
    positions,
    tokens: (text, limit) => positions(text, limit).flat().slice(0, limit),
    // Stemming shortens a term and synonyms come out of the same chain, but JavaScript's
    // lowercasing can lengthen one (İ becomes i plus a combining dot): at most twice as long.
    maxTokenLength: tokenizer.maxTokenLength === undefined ? undefined : 2 * tokenizer.maxTokenLength,
  };
}

function buildFilter(analyzer: string, filterName: string, filterDefs: Record<string, Json>, before: (text: string) => Positions): Filter {
  const def = filterDefs[filterName] ?? { type: filterName };
  const type = show(def.type ?? '');
  switch (type) {
    case 'lowercase':
      return eachTerm((term) => term.toLowerCase());
    case 'porter_stem':
      return eachTerm(porterStem);
    case 'stemmer': {
      const language = show(def.language ?? def.name ?? 'english');
      const stem = STEMMERS[language];
      if (!stem) throw illegalArgument(`filter [${filterName}]: stemmer language [${language}] is not supported by the local engine (english, porter and possessive_english are)`);
      return eachTerm(stem);
    }
    case 'synonym':
    case 'synonym_graph':
      return synonymFilter(filterName, def, before);
    default:
      if (filterDefs[filterName] === undefined && !['lowercase', 'porter_stem', 'stemmer'].includes(filterName)) {
        throw illegalArgument(`Custom Analyzer [${analyzer}] failed to find filter under name [${filterName}]`);
      }
      throw illegalArgument(`filter [${filterName}] of type [${type}] is not supported by the local engine`);
  }
}

/**
 * Solr-format rules: "a, b => c, d" maps a and b to c and d; "a, b" makes them equivalent (each
 * maps to all with `expand`, the default, else to the first). Words are analyzed by the filters
 * before this one, so rules match stemmed input ("puppies" finds "puppy => dog").
 */
function synonymFilter(filterName: string, def: Json, before: (text: string) => Positions): Filter {
  if (def.synonyms_path !== undefined) throw illegalArgument(`filter [${filterName}]: synonyms_path is not supported by the local engine; list the rules in synonyms`);
  if (!Array.isArray(def.synonyms)) throw illegalArgument(`synonym requires either \`synonyms\` or \`synonyms_path\` to be configured`);
  const expand = def.expand !== false && def.expand !== 'false';
  const word = (raw: string): string => {
    const terms = before(raw).flat();
    if (terms.length !== 1) throw illegalArgument(`filter [${filterName}]: synonym [${raw.trim()}] is not one word; multi-word synonyms are not supported by the local engine`);
    return terms[0] ?? '';
  };
  const words = (list: string) => list.split(',').filter((w) => w.trim() !== '').map(word);
  const rules = new Map<string, string[]>();
  const add = (from: string, to: string[]) => rules.set(from, [...new Set([...(rules.get(from) ?? []), ...to])]);
  for (const rule of def.synonyms.map(show)) {
    if (rule.trim() === '' || rule.trim().startsWith('#')) continue;
    const [left = '', right, ...rest] = rule.split('=>');
    if (rest.length > 0) throw illegalArgument(`filter [${filterName}]: invalid synonym rule [${rule}]`);
    if (right !== undefined) {
      for (const from of words(left)) add(from, words(right));
    } else {
      const group = words(left);
      for (const from of group) add(from, expand ? group : group.slice(0, 1));
    }
  }
  return (positions) => positions.map((terms) => [...new Set(terms.flatMap((term) => rules.get(term) ?? [term]))]);
}
