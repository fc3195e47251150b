import { util } from '@aws-appsync/utils';
import type { Info } from '@aws-appsync/utils';

/**
 * Whether the query may select a field of the type this resolver returns, so that a resolver can
 * skip work for fields nobody asked for.
 *
 * AppSync prints `ctx.info.selectionSetGraphQL` with aliases and inline fragments but leaves named
 * fragments as spreads (`...ImageSummary`); `selectionSetList` flattens every fragment but names
 * an aliased field by its alias only. So a field counts as selected when its name appears in the
 * printed selection (plain, aliased or in an inline fragment), and every field counts as selected
 * when the printed selection may not be all of it: it is empty, spreads a named fragment, or
 * does not show a top-level name the list has as a top-level response name (AWS does not say what
 * it prints for a field selected twice, `searchImages { items { totalCount: id } } searchImages
 * { totalCount: facets { duplicates } }`: were it the first part only, the name would appear, but
 * nested). A false "selected" costs only the work that could have been skipped; a false "not
 * selected" would answer wrong data, so every doubt falls on the first side.
 */
export function maySelect(info: Info, field: SkippableField): boolean {
  const printed = info.selectionSetGraphQL;
  if (!printed || util.matches(NAMED_FRAGMENT_SPREAD, printed) || util.matches(FIELD_MENTIONED[field], printed)) {
    return true;
  }
  const topLevel = (info.selectionSetList || []).filter((path) => path.indexOf('/') < 0);
  if (topLevel.length > MAX_TOP_LEVEL_NAMES) return true;
  const shown = topLevelResponseNames(printed);
  return topLevel.some((name) => shown.indexOf(name) < 0);
}

/**
 * The response names `printed` shows in its own selection rather than a nested one, in AppSync's
 * printing (one selection a line, indented two spaces a level, as AWS's resolver context reference
 * shows): at the first indent, or at the second inside an inline fragment at the first. Printed
 * any other way, a name is not found, which counts as selected. One pass over the lines, no
 * pattern: a repeated group in Java's regex engine recurses once per repetition.
 */
function topLevelResponseNames(printed: string): string[] {
  const names: string[] = [];
  let inInlineFragment = false;
  for (const line of printed.split('\n')) {
    const selection = line.trim();
    const atFirstIndent = line.startsWith('  ') && line.charAt(2) !== ' ';
    const inFragmentAtFirst = inInlineFragment && line.startsWith('    ') && line.charAt(4) !== ' ';
    if (atFirstIndent) inInlineFragment = selection.startsWith('...') && selection.endsWith('{');
    if ((atFirstIndent || inFragmentAtFirst) && !selection.startsWith('...') && selection !== '}') {
      names.push(responseName(selection));
    }
  }
  return names;
}

/** `alias: field(args) @directive {`: the response name ends at the first of ':', ' ', '(', '{', '@'. */
function responseName(selection: string): string {
  let name = selection;
  for (const stop of [':', ' ', '(', '{', '@']) name = name.split(stop)[0] ?? '';
  return name;
}

/** More response names than a result type has fields means aliases: not worth comparing. */
const MAX_TOP_LEVEL_NAMES = 8;

// util.matches is Java's Pattern.matches: the whole input must match.
const NAMED_FRAGMENT_SPREAD = '[\\s\\S]*\\.\\.\\.\\s*(?!on\\b)[_A-Za-z][\\s\\S]*';

/** Fields whose resolvers skip work when they are not selected, each with its literal pattern. */
const FIELD_MENTIONED = {
  facets: '[\\s\\S]*\\bfacets\\b[\\s\\S]*',
  totalCount: '[\\s\\S]*\\btotalCount\\b[\\s\\S]*',
} as const;

export type SkippableField = keyof typeof FIELD_MENTIONED;
