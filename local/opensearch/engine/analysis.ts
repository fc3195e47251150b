import { customAnalyzer } from './custom-analysis.ts';
import { illegalArgument, mapperParsing, show } from './errors.ts';

/** Text to tokens, as an OpenSearch analyzer does (positions and offsets are not needed here). */
export type Analyzer = (text: string) => string[];

// Intl.Segmenter's word boundaries are UAX#29, which is what Lucene's StandardTokenizer follows.
// Known difference: CJK runs come out as dictionary words here, as single ideographs in Lucene.
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
const MAX_TOKEN_LENGTH = 255;

/** The standard tokenizer: word boundaries, case kept (custom analyzers lowercase as a filter). */
export const standardTokenizer = (text: string): string[] => {
  const tokens: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    if (!isWordLike) continue;
    // Lucene splits over-long tokens at max_token_length; they never occur in practice, so cut.
    tokens.push(segment.slice(0, MAX_TOKEN_LENGTH));
  }
  return tokens;
};

export const standardAnalyzer: Analyzer = (text) => standardTokenizer(text).map((token) => token.toLowerCase());

const keywordAnalyzer: Analyzer = (text) => [text];
const whitespaceAnalyzer: Analyzer = (text) => text.split(/\s+/u).filter((t) => t.length > 0);
const simpleAnalyzer: Analyzer = (text) => text.toLowerCase().split(/[^\p{L}]+/u).filter((t) => t.length > 0);

function patternAnalyzer(pattern: string, lowercase: boolean): Analyzer {
  let regex: RegExp;
  try {
    // Java and JS agree on the classes mappings use (\p{L}, \W, [...]); the u flag enables \p{..}.
    regex = new RegExp(pattern, 'u');
  } catch {
    throw illegalArgument(`Invalid pattern [${pattern}] for the pattern analyzer`);
  }
  const global = new RegExp(regex.source, 'gu');
  return (text) => {
    const source = lowercase ? text.toLowerCase() : text;
    return source.split(global).filter((t) => t !== undefined && t.length > 0);
  };
}

const BUILT_IN: Record<string, Analyzer> = {
  standard: standardAnalyzer,
  default: standardAnalyzer,
  keyword: keywordAnalyzer,
  whitespace: whitespaceAnalyzer,
  simple: simpleAnalyzer,
};

/** Analyzers by name: the built-ins plus `settings.analysis.analyzer` of the index. */
export type AnalyzerRegistry = ReadonlyMap<string, Analyzer>;

export function buildAnalyzers(analysisSettings: unknown): AnalyzerRegistry {
  const registry = new Map(Object.entries(BUILT_IN));
  const settings = analysisSettings as { analyzer?: Record<string, unknown>; filter?: Record<string, Record<string, unknown>> } | undefined;
  for (const [name, raw] of Object.entries(settings?.analyzer ?? {})) {
    const def = raw as { type?: string; pattern?: string; lowercase?: boolean | string; tokenizer?: unknown };
    if (def.type === 'custom' || (def.type === undefined && def.tokenizer !== undefined)) {
      registry.set(name, customAnalyzer(name, def, settings?.filter ?? {}));
    } else if (def.type === 'pattern') {
      registry.set(name, patternAnalyzer(def.pattern ?? '\\W+', def.lowercase !== false && def.lowercase !== 'false'));
    } else if (def.type === 'standard') {
      registry.set(name, standardAnalyzer);
    } else {
      throw illegalArgument(`analyzer [${name}] of type [${show(def.type)}] is not supported by the local engine`);
    }
  }
  return registry;
}

export function analyzerOf(registry: AnalyzerRegistry, name: string | undefined): Analyzer {
  const analyzer = registry.get(name ?? 'standard');
  if (!analyzer) throw mapperParsing(`analyzer [${name ?? 'standard'}] has not been configured in mappings`);
  return analyzer;
}
