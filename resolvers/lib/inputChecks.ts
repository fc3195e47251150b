import { util } from '@aws-appsync/utils';
import { INPUT_LIMITS, imageIdProblem, lengthProblem } from './inputLimits.ts';

/** The resolvers' side of inputLimits.ts: refusals as GraphQL errors, and what needs util.matches. */

/** Stops the resolver with a BadRequest when a limit's check found a problem. */
export function refuse(problem: string | null): void {
  if (problem) {
    util.error(problem, 'BadRequest');
  }
}

/** A page size argument: its default when omitted, else within 1..max. */
export function pageSize(first: number | null | undefined, limits: { default: number; max: number }): number {
  if (first === null || first === undefined) {
    return limits.default;
  }
  if (first < 1 || first > limits.max) {
    util.error(`first must be between 1 and ${limits.max}, got ${first}`, 'BadRequest');
  }
  return first;
}

/** An image id argument, checked when given. */
export function checkImageId(field: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined) {
    refuse(imageIdProblem(field, value));
  }
}

/**
 * What the search engine may index as a word by itself: Han ideographs and hiragana (Lucene's
 * standard tokenizer emits one token per character), emoji and other symbols, and anything
 * outside the Basic Multilingual Plane (seen here as its leading surrogate).
 */
const STANDALONE_CHARACTER = '[\\p{sc=Han}\\p{sc=Hiragana}\\p{So}\\uD800-\\uDBFF]';
const WORD_CHARACTER = '[\\p{L}\\p{N}]';

/**
 * How many words `text` has for the limits: runs of letters and digits, plus each standalone
 * character. Every analyzer of the searched fields splits at least there (the file name analyzer
 * at every other character, the standard one at fewer), so this is never below the number of
 * terms a field gets. Call it on bounded text only: it looks at every UTF-16 unit.
 */
export function countWords(text: string): number {
  const counted = text.split('').reduce(
    (state, unit) => {
      if (util.matches(STANDALONE_CHARACTER, unit)) return { words: state.words + 1, inWord: false };
      if (util.matches(WORD_CHARACTER, unit)) return { words: state.inWord ? state.words : state.words + 1, inWord: true };
      return { words: state.words, inWord: false };
    },
    { words: 0, inWord: false },
  );
  return counted.words;
}

/** Search text: its length first, so that words are only counted in bounded text. */
export function searchTextProblem(field: string, text: string): string | null {
  const { maxLength, maxWords } = INPUT_LIMITS.query;
  const tooLong = lengthProblem(field, text, maxLength);
  if (tooLong) {
    return tooLong;
  }
  return countWords(text) > maxWords ? `${field} has more than ${maxWords} words` : null;
}
