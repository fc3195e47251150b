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
 * leaves out a name the list has. A false "selected" costs only the work that could have been
 * skipped; a false "not selected" would answer wrong data, so every doubt falls on the first side.
 */
export function maySelect(info: Info, field: SkippableField): boolean {
  const printed = info.selectionSetGraphQL;
  if (!printed || util.matches(NAMED_FRAGMENT_SPREAD, printed) || util.matches(FIELD_MENTIONED[field], printed)) {
    return true;
  }
  const topLevel = (info.selectionSetList || []).filter((path) => path.indexOf('/') < 0);
  // Response names are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), safe inside a pattern.
  return topLevel.length > MAX_TOP_LEVEL_NAMES || topLevel.some((name) => !util.matches(`[\\s\\S]*\\b${name}\\b[\\s\\S]*`, printed));
}

/** More response names than a result type has fields means aliases: not worth a scan each. */
const MAX_TOP_LEVEL_NAMES = 8;

// util.matches is Java's Pattern.matches: the whole input must match.
const NAMED_FRAGMENT_SPREAD = '[\\s\\S]*\\.\\.\\.\\s*(?!on\\b)[_A-Za-z][\\s\\S]*';

/** Fields whose resolvers skip work when they are not selected, each with its literal pattern. */
const FIELD_MENTIONED = {
  facets: '[\\s\\S]*\\bfacets\\b[\\s\\S]*',
  totalCount: '[\\s\\S]*\\btotalCount\\b[\\s\\S]*',
} as const;

export type SkippableField = keyof typeof FIELD_MENTIONED;
