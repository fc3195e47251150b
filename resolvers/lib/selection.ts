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
  const lines = printed.split('\n');
  const outer = responseNamesAt(lines, 2);
  // AWS's resolver context reference prints the field itself around its selection
  // (`{\n  getPost(id: $postId) {\n    postId ...`); the field's own unaliased line is no field of
  // the type it returns, so only that wrapping can put it there.
  const wrapped = outer.length === 1 && outer[0] === info.fieldName && isUnaliasedField(lines, info.fieldName);
  const shown = wrapped ? responseNamesAt(lines, 4) : outer;
  return topLevel.some((name) => shown.indexOf(name) < 0);
}

/** Whether a line at the first indent selects `fieldName` itself, not an alias of another field. */
function isUnaliasedField(lines: string[], fieldName: string): boolean {
  return lines.some((line) => {
    const rest = line.startsWith(`  ${fieldName}`) ? line.charAt(2 + fieldName.length) : ':';
    return rest === '(' || rest === ' ' || rest === '{' || rest === '';
  });
}

/**
 * The response names selected at `indent` spaces (AppSync prints one selection a line, indented two
 * spaces a level, as AWS's resolver context reference shows), and at two more inside an inline
 * fragment at that indent. Printed any other way, a name is not found, which counts as selected.
 * One pass over the lines, no pattern: a repeated group in Java's regex engine recurses once per
 * repetition.
 */
function responseNamesAt(lines: string[], indent: number): string[] {
  const names: string[] = [];
  const at = (line: string, spaces: number) => line.length > spaces && line.charAt(spaces) !== ' ' && line.slice(0, spaces).trim() === '';
  let inInlineFragment = false;
  for (const line of lines) {
    const selection = line.trim();
    const atIndent = at(line, indent);
    const inFragmentAtIndent = inInlineFragment && at(line, indent + 2);
    if (atIndent) inInlineFragment = selection.startsWith('...') && selection.endsWith('{');
    if ((atIndent || inFragmentAtIndent) && !selection.startsWith('...') && selection !== '}') {
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
