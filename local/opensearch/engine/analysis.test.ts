import { afterEach, describe, expect, it, vi } from 'vitest';
import { SEGMENT_WINDOW, buildAnalyzers, standardTokens } from './analysis.ts';
import type { PositionalAnalyzer } from './custom-analysis.ts';
import { OpenSearchError } from './errors.ts';

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** The reference: one Intl.Segmenter pass over the whole text, word-like segments split every `max`. */
function wholeText(text: string, max: number): string[] {
  return [...segmenter.segment(text)]
    .filter((s) => s.isWordLike)
    .flatMap(({ segment }) => Array.from({ length: Math.ceil(segment.length / max) }, (_, i) => segment.slice(i * max, (i + 1) * max).toLowerCase()));
}

/** Deterministic texts from `parts`, so that a failure can be replayed. */
function texts(count: number, make: (pick: <T>(list: readonly T[]) => T) => string): string[] {
  let seed = 7;
  const pick = <T>(list: readonly T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return list[Math.floor((seed / 2147483648) * list.length)] as T;
  };
  return Array.from({ length: count }, () => make(pick));
}

const WORDS = ['dog', 'Beach-sunset.JPG', "l'Été", '3.14', 'U.S.A.', '東京タワー', 'こんにちは', '😀', '👍🏽', 'e\u0301', '\u0301', '\u200d', '\ufeff', 'a_b', ',', '.', "'", 'x'.repeat(40), '\u202f', 'ﾊﾟ', '🇫🇷', '#', 'foo@bar.com', '1,000'];
const SPACES = [' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u3000', ' \u0301', '\n\ufeff', ' \u{1f3fd}'];

describe('standard tokenizer in windows', () => {
  it('gives the tokens of whole-text segmentation for text with whitespace (cuts next to marks, BOM, ZWJ included)', () => {
    const samples = texts(300, (pick) => {
      let text = '';
      for (let words = 0; words < 40; words++) text += pick(WORDS) + pick(WORDS) + pick(SPACES);
      return text;
    });
    for (const text of samples) {
      for (const max of [5, 255]) expect(standardTokens(text, max, Infinity, 64), JSON.stringify(text)).toEqual(wholeText(text, max));
    }
  });

  it('and for runs without whitespace longer than a window (URLs, numbers, punctuation), cut where the boundary is final', () => {
    const latin = ['dog', 'a.b', '3.14', ',', '/', ':', 'é', "l'x", '-', '_', 'www.example.com', '2024', '?q=', '&'];
    for (const text of texts(200, (pick) => Array.from({ length: 120 }, () => pick(latin)).join(''))) {
      expect(standardTokens(text, 255, Infinity, 64), text).toEqual(wholeText(text, 255));
    }
  });

  it('splits a token longer than max_token_length every max_token_length characters (255 by default)', () => {
    const tokens = standardTokens(`${'a'.repeat(600)} b`, 255);
    expect(tokens.map((t) => t.length)).toEqual([255, 255, 90, 1]);
    // A word longer than the window too.
    expect(standardTokens('z'.repeat(3000), 255).map((t) => t.length)).toEqual([...Array<number>(11).fill(255), 195]);
  });

  it('a standard analyzer with max_token_length 5 splits as the documentation shows', () => {
    // https://www.elastic.co/guide/en/elasticsearch/reference/7.10/analysis-standard-tokenizer.html (max_token_length: 5)
    const analyzer = buildAnalyzers({ analyzer: { short: { type: 'standard', max_token_length: 5 } } }).get('short');
    expect(analyzer?.tokens("The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.")).toEqual(['the', '2', 'quick', 'brown', 'foxes', 'jumpe', 'd', 'over', 'the', 'lazy', "dog's", 'bone']);
    expect(analyzer?.maxTokenLength).toBe(5);
  });

  it('refuses a max_token_length Lucene refuses', () => {
    expect(() => buildAnalyzers({ analyzer: { x: { type: 'standard', max_token_length: 0 } } })).toThrow(OpenSearchError);
    expect(() => buildAnalyzers({ analyzer: { x: { type: 'standard', max_token_length: 'many' } } })).toThrow(/maxTokenLength/);
  });

  it('the whitespace analyzer keeps case and splits long tokens too; keyword and pattern analyzers have no token limit', () => {
    const analyzers = buildAnalyzers({ analyzer: { p: { type: 'pattern', pattern: ',' } } });
    expect(analyzers.get('whitespace')?.tokens(`Big ${'Q'.repeat(300)}`).map((t) => t.length)).toEqual([3, 255, 45]);
    expect(analyzers.get('whitespace')?.tokens('Big Dog')).toEqual(['Big', 'Dog']);
    expect(analyzers.get('keyword')?.maxTokenLength).toBeUndefined();
    expect(analyzers.get('p')?.tokens(`a,${'b'.repeat(300)}`)).toEqual(['a', 'b'.repeat(300)]);
    expect(analyzers.get('p')?.maxTokenLength).toBeUndefined();
  });

  it('with a limit, stops after that many tokens', () => {
    expect(standardTokens('one two three four', 255, 2)).toEqual(['one', 'two']);
    expect(buildAnalyzers({}).get('simple')?.tokens('One two three', 2)).toEqual(['one', 'two']);
  });

  it("a custom analyzer's standard tokenizer is the same windowed tokenizer with case kept, split at 255 too", () => {
    const custom = buildAnalyzers({ analyzer: { c: { type: 'custom', tokenizer: 'standard' } } }).get('c');
    const text = `Beach-Sunset.JPG l'Été ${'Z'.repeat(300)}`;
    expect(custom?.tokens(text)).toEqual(['Beach', 'Sunset.JPG', "l'Été", 'Z'.repeat(255), 'Z'.repeat(45)]);
    expect(custom?.tokens(text).map((t) => t.toLowerCase())).toEqual(standardTokens(text, 255));
  });
});

const SYNONYMS = {
  analyzer: { syn: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'porter_stem', 'syns'] } },
  filter: { syns: { type: 'synonym', synonyms: ['puppy, dog'] } },
};

describe('custom analyzers with a limit', () => {
  const analyzer = buildAnalyzers(SYNONYMS).get('syn') as PositionalAnalyzer;

  it('give at most that many positions, synonyms stacked at theirs, and at most that many tokens', () => {
    expect(analyzer.positions('Puppies runs home', 2)).toEqual([['puppi', 'dog'], ['run']]);
    expect(analyzer.tokens('Puppies runs home')).toEqual(['puppi', 'dog', 'run', 'home']);
    expect(analyzer.tokens('Puppies runs home', 2)).toEqual(['puppi', 'dog']);
  });
});

/**
 * The work of segmentation, measured rather than timed: V8's segment iterator costs about the length
 * of the segmented string for every segment it yields, so the cost is the sum of (input length x
 * segments) over Intl.Segmenter calls. One call over a whole 200 KB text costs ~10^10.
 */
function segmentationCost(run: () => void): number {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its receiver below
  const original = Intl.Segmenter.prototype.segment;
  let cost = 0;
  vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
    const segments = [...original.call(this, input)];
    cost += input.length * segments.length;
    return segments as unknown as Intl.Segments;
  });
  run();
  vi.restoreAllMocks();
  return cost;
}

describe('segmentation work', () => {
  afterEach(() => vi.restoreAllMocks());
  const standard = buildAnalyzers({}).get('standard');

  it('grows linearly with the text: 8 times the text, 8 times the work, at most a window per character', () => {
    const small = 'dog '.repeat(25 * 256);
    const large = 'dog '.repeat(200 * 256);
    const smallCost = segmentationCost(() => standard?.tokens(small));
    const largeCost = segmentationCost(() => standard?.tokens(large));
    expect(largeCost / smallCost).toBeGreaterThan(7.5);
    expect(largeCost / smallCost).toBeLessThan(8.5);
    expect(largeCost).toBeLessThanOrEqual(SEGMENT_WINDOW * large.length);
  });

  it('stops at the token limit: a 200 KB text asked for 1025 tokens costs what its first 4 KB do', () => {
    const text = 'dog '.repeat(51_200);
    const limited = segmentationCost(() => expect(standard?.tokens(text, 1025)).toHaveLength(1025));
    expect(limited).toBeLessThanOrEqual(SEGMENT_WINDOW * (1025 * 4 + SEGMENT_WINDOW));
  });

  it('a custom analyzer too: 1025 positions of a 200 KB text cost what its first 4 KB do', () => {
    const custom = buildAnalyzers(SYNONYMS).get('syn') as PositionalAnalyzer;
    const text = 'puppy '.repeat(34_200);
    const limited = segmentationCost(() => expect(custom.positions(text, 1025)).toHaveLength(1025));
    expect(limited).toBeLessThanOrEqual(SEGMENT_WINDOW * (1025 * 6 + SEGMENT_WINDOW));
  });
});
