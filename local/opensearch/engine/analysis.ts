import { customAnalyzer } from './custom-analysis.ts';
import { illegalArgument, mapperParsing, show } from './errors.ts';
import { LIMITS } from './limits.ts';

/** Text to tokens, as an OpenSearch analyzer does (custom analyzers also tell positions: custom-analysis.ts). */
export interface Analyzer {
  /**
   * The tokens of `text`, in order. With `limit`, analysis stops after that many tokens: a caller
   * that refuses more than N tokens asks for N + 1 and never pays for the rest of the text.
   */
  tokens(text: string, limit?: number): string[];
  /** The longest token it can emit, in UTF-16 units; undefined when unbounded (keyword, pattern). */
  readonly maxTokenLength: number | undefined;
}

// Intl.Segmenter's word boundaries are UAX#29, which is what Lucene's StandardTokenizer follows.
// Known difference: CJK runs come out as dictionary words here, as single ideographs in Lucene.
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/**
 * Text is segmented in windows of at most this many UTF-16 units: V8's segment iterator costs time
 * in proportion to the whole string for every segment (Node 20: 25 KB of "dog " 0.07 s, 100 KB
 * 0.95 s, 200 KB 120 s through the engine), so one call over a large text is quadratic; windows
 * keep it linear (about 1 s per MB here), and smaller ones are faster still.
 */
export const SEGMENT_WINDOW = 512;

/**
 * UAX#29 decides a boundary from at most two characters after it (WB6, WB11: letter or digit,
 * punctuation, letter or digit), a surrogate pair counting for two units: a boundary this far from
 * the window's end is a boundary of the whole text too.
 */
const LOOKAHEAD = 4;

/**
 * Where a window may end without changing UAX#29's word boundaries: right after a whitespace
 * character (CR, LF, newlines, spaces: no rule joins them to a following word), unless the next
 * character is one that rule WB4 attaches to it (Extend, Format, ZWJ: marks, format characters,
 * emoji modifiers). U+202F is left out: it is ExtendNumLet, which joins words.
 */
const CUT_AFTER = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u205f\u3000]/u;
const NO_CUT_BEFORE = /[\p{M}\p{Cf}\p{Sk}\uff9e\uff9f]/u;

function safeCut(text: string, from: number, to: number): number {
  for (let i = to; i > from; i--) {
    if (CUT_AFTER.test(text[i - 1] ?? '') && !NO_CUT_BEFORE.test(text[i] ?? '')) return i;
  }
  return -1;
}

/** Pushes `token` split at max_token_length, as Lucene's tokenizers split long tokens, then lowercased if asked. */
function pushPieces(out: string[], token: string, max: number, lowercase: boolean, limit: number): void {
  for (let at = 0; at < token.length && out.length < limit; at += max) {
    const piece = token.slice(at, at + max);
    out.push(lowercase ? piece.toLowerCase() : piece);
  }
}

/**
 * The standard tokenizer, plus the lowercase filter when `lowercase`. `segmentWindow` is the
 * segmentation window (tests use a small one to exercise the cuts); tokens equal those of
 * segmenting the whole text at once.
 */
function segmentWords(text: string, maxTokenLength: number, lowercase: boolean, limit: number, segmentWindow: number): string[] {
  // A window holds at least one whole token (a larger max_token_length makes it larger).
  const window = Math.max(segmentWindow, maxTokenLength + LOOKAHEAD);
  const out: string[] = [];
  let start = 0;
  while (start < text.length && out.length < limit) {
    let end = text.length;
    let last = false;
    if (end - start > window) {
      const cut = safeCut(text, start, start + window);
      if (cut > start) end = cut;
      else {
        // No whitespace to cut at: the last segment of the window may go on past it, so it is
        // left to the next window, unless it fills the window (one word longer than the window,
        // which the tokenizer splits every max_token_length anyway: cut at such a split).
        end = start + window;
        last = true;
      }
    }
    const segments = [...segmenter.segment(text.slice(start, end))];
    let next = end;
    if (last) {
      // Keep the segments that start far enough from the window's end to be final.
      let keep = segments.length - 1;
      while (keep > 0 && (segments[keep]?.index ?? 0) > end - start - LOOKAHEAD) keep--;
      if (keep > 0) {
        next = start + (segments[keep]?.index ?? 0);
        segments.length = keep;
      } else {
        // One word as long as the window: the tokenizer splits it every max_token_length, so
        // cutting at such a split, inside the part known to be that word, changes nothing.
        next = start + Math.floor((window - LOOKAHEAD) / maxTokenLength) * maxTokenLength;
        segments.length = 0;
        segments.push({ segment: text.slice(start, next), index: 0, input: '', isWordLike: true });
      }
    }
    for (const { segment, isWordLike } of segments) {
      if (isWordLike) pushPieces(out, segment, maxTokenLength, lowercase, limit);
      if (out.length >= limit) break;
    }
    start = next;
  }
  return out;
}

/** The standard tokenizer plus lowercase filter (the standard analyzer without stop words). */
export function standardTokens(text: string, maxTokenLength: number, limit = Infinity, segmentWindow = SEGMENT_WINDOW): string[] {
  return segmentWords(text, maxTokenLength, true, limit, segmentWindow);
}

function standardAnalyzer(maxTokenLength: number): Analyzer {
  return { tokens: (text, limit) => standardTokens(text, maxTokenLength, limit), maxTokenLength };
}

/** Tokens between matches of `separator` (a global regex), split when longer than `max`, lowercased if asked. */
function splitting(separator: RegExp, lowercase: boolean, max: number | undefined): Analyzer {
  return {
    maxTokenLength: max,
    tokens: (text, limit = Infinity) => {
      const out: string[] = [];
      separator.lastIndex = 0;
      let from = 0;
      // exec finds the separators one at a time, so a limit stops the work as well as the output.
      while (out.length < limit) {
        const match = separator.exec(text);
        const to = match ? match.index : text.length;
        if (to > from) pushPieces(out, text.slice(from, to), max ?? Infinity, lowercase, limit);
        if (!match) break;
        from = to + match[0].length;
        if (match[0].length === 0) separator.lastIndex++;
      }
      return out;
    },
  };
}

const standard = standardAnalyzer(LIMITS.maxTokenLength);
/** The standard analyzer with the default max_token_length, for tests and callers outside an index. */
export const standardAnalyzerTokens = (text: string): string[] => standard.tokens(text);

const keyword: Analyzer = { tokens: (text) => [text], maxTokenLength: undefined };
// The whitespace and letter tokenizers split tokens longer than 255 characters as well.
const whitespace = splitting(/\s+/gu, false, LIMITS.maxTokenLength);

const BUILT_IN: Record<string, Analyzer> = {
  standard,
  default: standard,
  keyword,
  whitespace,
  simple: splitting(/[^\p{L}]+/gu, true, LIMITS.maxTokenLength),
};

/** The standard tokenizer without the lowercase filter: custom analyzers lowercase as a filter. */
const standardTokenizer: Analyzer = {
  tokens: (text, limit = Infinity) => segmentWords(text, LIMITS.maxTokenLength, false, limit, SEGMENT_WINDOW),
  maxTokenLength: LIMITS.maxTokenLength,
};

/** The tokenizers a custom analyzer can name, each an Analyzer without filters. */
export const TOKENIZERS: ReadonlyMap<string, Analyzer> = new Map([
  ['standard', standardTokenizer],
  ['whitespace', whitespace],
  ['keyword', keyword],
]);

function patternAnalyzer(pattern: string, lowercase: boolean): Analyzer {
  try {
    // Java and JS agree on the classes mappings use (\p{L}, \W, [...]); the u flag enables \p{..}.
    new RegExp(pattern, 'u');
  } catch {
    throw illegalArgument(`Invalid pattern [${pattern}] for the pattern analyzer`);
  }
  // The pattern tokenizer has no token length limit.
  return splitting(new RegExp(pattern, 'gu'), lowercase, undefined);
}

/** Lucene's StandardTokenizer refuses max_token_length outside 1..1048576. */
const MAX_TOKEN_LENGTH_LIMIT = 1024 * 1024;

/** Analyzers by name: the built-ins plus `settings.analysis.analyzer` of the index. */
export type AnalyzerRegistry = ReadonlyMap<string, Analyzer>;

export function buildAnalyzers(analysisSettings: unknown): AnalyzerRegistry {
  const registry = new Map(Object.entries(BUILT_IN));
  const settings = analysisSettings as { analyzer?: Record<string, unknown>; filter?: Record<string, Record<string, unknown>> } | undefined;
  for (const [name, raw] of Object.entries(settings?.analyzer ?? {})) {
    const def = raw as { type?: string; pattern?: string; lowercase?: boolean | string; max_token_length?: unknown; tokenizer?: unknown };
    if (def.type === 'custom' || (def.type === undefined && def.tokenizer !== undefined)) {
      registry.set(name, customAnalyzer(name, def, settings?.filter ?? {}));
    } else if (def.type === 'pattern') {
      registry.set(name, patternAnalyzer(def.pattern ?? '\\W+', def.lowercase !== false && def.lowercase !== 'false'));
    } else if (def.type === 'standard') {
      const max = def.max_token_length === undefined ? LIMITS.maxTokenLength : Number(def.max_token_length);
      if (!Number.isInteger(max) || max < 1 || max > MAX_TOKEN_LENGTH_LIMIT) {
        throw illegalArgument(`maxTokenLength must be greater than zero and less than ${MAX_TOKEN_LENGTH_LIMIT} passed: ${show(def.max_token_length)}`);
      }
      registry.set(name, standardAnalyzer(max));
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
