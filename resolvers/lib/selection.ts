import { util } from '@aws-appsync/utils';
import type { Info } from '@aws-appsync/utils';

/**
 * For each field a resolver can skip work for, whether the query may select it.
 *
 * AppSync prints `ctx.info.selectionSetGraphQL` with aliases and inline fragments but leaves named
 * fragments as spreads (`...ImageSummary`); `selectionSetList` flattens every fragment but names
 * an aliased field by its alias only. AWS's resolver context reference prints the field itself
 * around its selection (`{\n  getPost(id: $postId) {\n    postId ...`), the local AppSync (as
 * graphql-js prints a selection set) does not: both are read. A field counts as selected when its
 * name appears anywhere in the printed selection (plain, aliased, in an inline fragment, even in a
 * string), and every field counts as selected when the printing may not show all of the selection
 * (mayHideSelections). A false "selected" costs only the work that could have been skipped; a
 * false "not selected" would answer wrong data, so every doubt falls on the first side.
 */
export function maySelect(info: Info): Record<SkippableField, boolean> {
  const printed = info.selectionSetGraphQL || '';
  const facets = util.matches(FIELD_MENTIONED.facets, printed);
  const totalCount = util.matches(FIELD_MENTIONED.totalCount, printed);
  const everything = (facets && totalCount) || mayHideSelections(info);
  return { facets: everything || facets, totalCount: everything || totalCount };
}

/**
 * Whether the printed selection may not show all of it: it is missing, empty or longer than
 * MAX_PRINTED_CHARS, it is not GraphQL this reader follows (outline), a named fragment is spread at
 * the top level of the selection (directly or inside inline fragments there: a spread inside a
 * field's own selection, `items { ...ImageSummary }`, selects fields of that field's type only), or
 * it does not show a top-level name the list has as a top-level response name (AWS does not say
 * what it prints for a field selected twice, `searchImages { items { totalCount: id } }
 * searchImages { totalCount: facets { duplicates } }`: were it the first part only, the name would
 * appear, but nested).
 */
function mayHideSelections(info: Info): boolean {
  const printed = info.selectionSetGraphQL;
  const list = info.selectionSetList;
  if (!printed || !list || printed.length > MAX_PRINTED_CHARS) return true;
  const topLevel = list.filter((path) => path.indexOf('/') < 0);
  if (topLevel.length > MAX_TOP_LEVEL_NAMES) return true;
  const selections = outline(printed);
  if (!selections) return true;
  // The field's own name with a selection is no field of the type it returns (this resolver's
  // contract), so only the wrapping of AWS's reference puts it alone at the first level, aliased
  // or not: read unwrapped, `s: searchImages { ...Extras }` would hide no spread, and a fragment
  // whose fields reuse the alias (`s: facets`) would leave every name of the list shown.
  const first = selections.filter((selection) => selection.level === 1);
  const wrapped = first.length > 0 && first.every((selection) => selection.kind === 'field' && selection.name === info.fieldName && selection.hasSelectionSet);
  const top = selections.filter((selection) => selection.level === (wrapped ? 2 : 1));
  if (top.length === 0 || top.some((selection) => selection.kind === 'spread')) return true;
  const shown = top.map((selection) => selection.responseName);
  return topLevel.some((name) => shown.indexOf(name) < 0);
}

/** One field or named fragment spread of a printed selection; inline fragments add no level. */
interface Selection {
  kind: 'field' | 'spread';
  /** 1 inside the outermost braces, one more inside each field's selection. */
  level: number;
  responseName: string;
  /** The field's name (the alias's field) or the fragment's. */
  name: string;
  hasSelectionSet: boolean;
}

/**
 * The fields and named spreads of a printed selection with their levels, whatever its layout
 * (one line or many, arguments split over lines, strings holding braces, newlines or `...`); null
 * when it is not a selection this reader follows (a comment, a variable or value outside
 * arguments, unbalanced braces, a `{` that no field or inline fragment opens, ...). Several
 * selections one after the other (a field selected twice, printed part by part) are read as one.
 */
function outline(printed: string): Selection[] | null {
  const tokens = tokenize(printed);
  if (!tokens) return null;
  const selections: Selection[] = [];
  /** Open braces, innermost last: true for a field's (or the outermost), false for an inline fragment's. */
  const frames: boolean[] = [];
  let level = 0;
  let header: string[] = [];
  let inArguments = false;
  let broken = false;
  /** Ends the selection `header` spells, with or without a selection; false if it is none. */
  const close = (hasSelectionSet: boolean): boolean => {
    const [head, second, third] = header;
    header = [];
    if (head === undefined) return !hasSelectionSet;
    if (head === '...') {
      if (second !== undefined && isName(second) && second !== 'on') {
        selections.push({ kind: 'spread', level, responseName: '', name: second, hasSelectionSet: false });
        return !hasSelectionSet;
      }
      return hasSelectionSet;
    }
    const aliased = second === ':';
    const name = aliased ? third : head;
    if (name === undefined || !isName(name)) return false;
    selections.push({ kind: 'field', level, responseName: head, name, hasSelectionSet });
    return true;
  };
  for (const token of tokens) {
    const last = header[header.length - 1];
    if (broken) {
      // Nothing more to read.
    } else if (inArguments) {
      // Argument values: names, variables, strings, lists and objects, whose braces select nothing.
      if (token === ')') inArguments = false;
      else if (token === '(') broken = true;
    } else if (token === '{') {
      const opensField = header.length > 0 && header[0] !== '...';
      if (frames.length === 0 && level === 0 && header.length === 0) {
        frames.push(true);
        level = 1;
      } else if (frames.length === 0 || !close(true)) {
        broken = true;
      } else {
        frames.push(opensField);
        if (opensField) level += 1;
      }
    } else if (token === '}') {
      const opened = frames.pop();
      if (opened === undefined || !close(false)) broken = true;
      else if (opened) level -= 1;
    } else if (frames.length === 0) {
      broken = true;
    } else if (token === '...') {
      broken = !close(false);
      header = ['...'];
    } else if (isName(token)) {
      const continues = last === ':' || last === '@' || last === '...' || (header.length === 2 && header[0] === '...' && last === 'on');
      if (!continues) {
        broken = !close(false);
      }
      header.push(token);
    } else if (token === '(') {
      // Arguments follow a field's name or a directive's.
      const directive = header[header.length - 2] === '@';
      inArguments = last !== undefined && isName(last) && (directive || (header[0] !== '...' && (header.length === 1 || header[1] === ':')));
      broken = !inArguments;
      header.push('()');
    } else if (token === ':') {
      broken = header.length !== 1 || header[0] === '...';
      header.push(':');
    } else if (token === '@') {
      broken = header.length === 0 || last === ':' || last === '@';
      header.push('@');
    } else {
      broken = true;
    }
  }
  return broken || inArguments || frames.length > 0 || level !== 0 ? null : selections;
}

/**
 * GraphQL's tokens, outside strings: names (and numbers), `...` and punctuators; each string as one
 * `"` token; null for what the lexer does not know, a comment included. One pass over the
 * characters, no pattern, no recursion (APPSYNC_JS has neither loops with conditions nor regex
 * literals).
 */
function tokenize(printed: string): string[] | null {
  const tokens: string[] = [];
  let word = '';
  let dots = 0;
  /** '' between strings, '"' inside a string, '"""' inside a block string. */
  let quote = '';
  /** Characters still to pass over: escapes and the rest of a triple quote. */
  let skip = 0;
  let broken = false;
  let at = -1;
  const endWord = () => {
    if (word) tokens.push(word);
    word = '';
  };
  const endDots = () => {
    if (dots === 3) tokens.push('...');
    else if (dots > 0) broken = true;
    dots = 0;
  };
  for (const c of printed.split('')) {
    at += 1;
    const numeric = word !== '' && (isDigit(word.charAt(0)) || word.charAt(0) === '-');
    if (skip > 0) {
      skip -= 1;
    } else if (quote === '"') {
      if (c === '\\') skip = 1;
      else if (c === '"') quote = '';
    } else if (quote === '"""') {
      if (printed.slice(at, at + 4) === '\\"""') skip = 3;
      else if (printed.slice(at, at + 3) === '"""') {
        quote = '';
        skip = 2;
      }
    } else if (c === '.' && !numeric) {
      endWord();
      dots += 1;
    } else if (isNameChar(c) || (numeric && (c === '.' || c === '+' || c === '-')) || (c === '-' && word === '')) {
      endDots();
      word += c;
    } else {
      endDots();
      endWord();
      if (c === '"') {
        quote = printed.slice(at, at + 3) === '"""' ? '"""' : '"';
        skip = quote.length - 1;
        tokens.push('"');
      } else if (PUNCTUATORS.indexOf(c) >= 0) {
        tokens.push(c);
      } else if (IGNORED.indexOf(c) < 0) {
        broken = true;
      }
    }
  }
  endDots();
  endWord();
  return broken || quote !== '' ? null : tokens;
}

function isName(token: string): boolean {
  return token !== '' && isNameChar(token.charAt(0)) && !isDigit(token.charAt(0));
}

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** GraphQL's punctuators other than `...` (which tokenize counts as dots). */
const PUNCTUATORS = '{}()[]:=@$!|&';
/** White space, line terminators and commas, which GraphQL ignores. */
const IGNORED = ' \t\n\r,';

/** Longer than this, a selection is not read (counted as selected): the web app's first page prints in about 500. */
const MAX_PRINTED_CHARS = 8_000;

/** More response names than a result type has fields means aliases: not worth comparing. */
const MAX_TOP_LEVEL_NAMES = 8;

// util.matches is Java's Pattern.matches: the whole input must match.
/** Fields whose resolvers skip work when they are not selected, each with its literal pattern. */
const FIELD_MENTIONED = {
  facets: '[\\s\\S]*\\bfacets\\b[\\s\\S]*',
  totalCount: '[\\s\\S]*\\btotalCount\\b[\\s\\S]*',
} as const;

export type SkippableField = keyof typeof FIELD_MENTIONED;
