/**
 * searchPlan (resolvers/lib/imageSearch.ts) and the page cursor of Query.searchImages' response
 * (resolvers/lib/cursor.ts) as the resolvers run them: bundled with the project's APPSYNC_JS
 * runtime in place of @aws-appsync/utils (which is type declarations only), and called under
 * evaluate(), so a util.error surfaces as an error rather than a crash. What each request asks
 * for beyond the page comes from the web app's own documents, as the resolver reads them.
 */
import { type DocumentNode, print } from 'graphql';
import { importBundled, reexport } from '../bundle.ts';
import { SearchImagesDocument, SearchImagesPageDocument } from '../../client/src/generated/graphql.ts';
import { rootFieldSelection } from '../../local/appsync/document-selection.ts';
import type { ImageSort, QuerySearchImagesArgs } from '../../schema/generated/graphql.ts';
import type { SearchExtras, SearchPlan } from '../../resolvers/lib/imageSearch.ts';

interface PlanModule {
  searchPlan: (ownerSub: string, args: QuerySearchImagesArgs, extras: SearchExtras) => SearchPlan;
  maySelect: (info: unknown) => SearchExtras;
  encodeCursor: (sort: ImageSort, values: (string | number)[]) => string;
  evaluate: <T>(run: () => T) => { result: T | undefined; error: { message: string } | undefined };
}

/** The web app's requests: a search's first page (SearchImages) or a next one ("Show more", SearchImagesPage). */
export type WebAppPage = 'first' | 'next';

export interface ResolverSearch {
  plan(ownerSub: string, args: QuerySearchImagesArgs, page: WebAppPage): SearchPlan;
  /** The endCursor of a page whose last hit has these sort values. */
  cursor(sort: ImageSort, values: (string | number)[]): string;
  /** What each of the web app's documents asks for beyond the page. */
  extras: Record<WebAppPage, SearchExtras>;
}

export async function loadResolverSearch(): Promise<ResolverSearch> {
  const source = [
    reexport(['searchPlan'], 'resolvers/lib/imageSearch.ts'),
    reexport(['maySelect'], 'resolvers/lib/selection.ts'),
    reexport(['encodeCursor'], 'resolvers/lib/cursor.ts'),
    reexport(['evaluate'], 'local/appsync/runtime/evaluation.ts'),
  ];
  const module = await importBundled<PlanModule>('search-plan', source.join('\n'), { appsyncRuntime: true });
  const evaluated = <T>(what: string, run: () => T): T => {
    const { result, error } = module.evaluate(run);
    if (error || result === undefined) throw new Error(`${what} refused: ${error?.message ?? 'no result'}`);
    return result;
  };
  const extrasOf = (document: DocumentNode) => {
    const info = { fieldName: 'searchImages', ...rootFieldSelection(print(document), 'searchImages') };
    return evaluated('maySelect', () => module.maySelect(info));
  };
  const extras = { first: extrasOf(SearchImagesDocument), next: extrasOf(SearchImagesPageDocument) };
  return {
    plan: (ownerSub, args, page) => evaluated(`searchPlan ${JSON.stringify(args)}`, () => module.searchPlan(ownerSub, args, extras[page])),
    cursor: (sort, values) => evaluated('encodeCursor', () => module.encodeCursor(sort, values)),
    extras,
  };
}
