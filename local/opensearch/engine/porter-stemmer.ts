/**
 * The Porter stemming algorithm (M.F. Porter, 1980, "An algorithm for suffix stripping"), which
 * Lucene's PorterStemFilter implements and OpenSearch's `porter_stem` filter and `stemmer` filter
 * with language `english` (its default) apply. Input is one lowercase token; tokens of one or two
 * letters are left alone, as in Lucene.
 */

/**
 * Which letters of `w` are vowels: a, e, i, o, u, and y after a consonant. Computed left to right
 * in one pass (not by asking about the previous letter again for each y), so a token with a long
 * run of y's costs linear time and no stack: a keyword tokenizer's tokens have no length limit.
 */
function vowelFlags(w: string): boolean[] {
  const flags: boolean[] = [];
  for (let i = 0; i < w.length; i++) {
    const c = w.charAt(i);
    flags.push('aeiou'.includes(c) || (c === 'y' && i > 0 && flags[i - 1] === false));
  }
  return flags;
}

const isVowelAt = (w: string, i: number): boolean => vowelFlags(w)[i] === true;

/** m(): the number of vowel-consonant sequences in `stem`. */
function measure(stem: string): number {
  let m = 0;
  let previousVowel = false;
  for (const vowel of vowelFlags(stem)) {
    if (previousVowel && !vowel) m++;
    previousVowel = vowel;
  }
  return m;
}

const hasVowel = (stem: string) => vowelFlags(stem).includes(true);
const endsDoubleConsonant = (w: string) => w.length >= 2 && w.at(-1) === w.at(-2) && !isVowelAt(w, w.length - 1);
/** *o: ends consonant-vowel-consonant, the last not w, x or y. */
const endsCvc = (w: string) => {
  const n = w.length;
  if (n < 3 || isVowelAt(w, n - 1) || !isVowelAt(w, n - 2) || isVowelAt(w, n - 3)) return false;
  return !'wxy'.includes(w[n - 1] ?? '');
};

/** The first rule whose suffix `word` ends with: replaced when its stem's measure passes. */
function replaceSuffix(word: string, rules: readonly [string, string][], minMeasure: number): string {
  for (const [suffix, replacement] of rules) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, -suffix.length);
    return measure(stem) > minMeasure ? stem + replacement : word;
  }
  return word;
}

const STEP2: [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log'],
];
const STEP3: [string, string][] = [['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', '']];
const STEP4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'];

/** Longest matching suffix first, as the algorithm's tables are read. */
const longestFirst = <T extends [string, string]>(rules: T[]) => [...rules].sort((a, b) => b[0].length - a[0].length);
const STEP2_RULES = longestFirst(STEP2);
const STEP3_RULES = longestFirst(STEP3);
const STEP4_SUFFIXES = [...STEP4].sort((a, b) => b.length - a.length);

function step1ab(word: string): string {
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.endsWith('eed')) return measure(w.slice(0, -3)) > 0 ? w.slice(0, -1) : w;
  const suffix = w.endsWith('ed') ? 'ed' : w.endsWith('ing') ? 'ing' : undefined;
  if (!suffix || !hasVowel(w.slice(0, -suffix.length))) return w;
  w = w.slice(0, -suffix.length);
  if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) return `${w}e`;
  if (endsDoubleConsonant(w) && !'lsz'.includes(w.at(-1) ?? '')) return w.slice(0, -1);
  if (measure(w) === 1 && endsCvc(w)) return `${w}e`;
  return w;
}

function step4(word: string): string {
  for (const suffix of STEP4_SUFFIXES) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, -suffix.length);
    if (suffix === 'ion' && !(stem.endsWith('s') || stem.endsWith('t'))) return word;
    return measure(stem) > 1 ? stem : word;
  }
  return word;
}

function step5(word: string): string {
  let w = word;
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) w = stem;
  }
  if (measure(w) > 1 && endsDoubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1);
  return w;
}

export function porterStem(token: string): string {
  if (token.length <= 2) return token;
  let w = step1ab(token);
  // Step 1c: y -> i when the stem has a vowel.
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  w = replaceSuffix(w, STEP2_RULES, 0);
  w = replaceSuffix(w, STEP3_RULES, 0);
  w = step4(w);
  return step5(w);
}
