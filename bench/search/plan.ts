/**
 * searchPlan (resolvers/lib/imageSearch.ts) and the page cursor of Query.searchImages' response
 * (resolvers/lib/cursor.ts) as the resolvers run them: bundled with the project's APPSYNC_JS
 * runtime in place of @aws-appsync/utils (which is type declarations only), and called under
 * evaluate(), so a util.error surfaces as an error rather than a crash.
 */
import { importBundled, reexport } from '../bundle.ts';
import type { ImageSort, QuerySearchImagesArgs } from '../../schema/generated/graphql.ts';
import type { SearchPlan } from '../../resolvers/lib/imageSearch.ts';

interface PlanModule {
  searchPlan: (ownerSub: string, args: QuerySearchImagesArgs) => SearchPlan;
  encodeCursor: (sort: ImageSort, values: (string | number)[]) => string;
  evaluate: <T>(run: () => T) => { result: T | undefined; error: { message: string } | undefined };
}

export interface ResolverSearch {
  plan(ownerSub: string, args: QuerySearchImagesArgs): SearchPlan;
  /** The endCursor of a page whose last hit has these sort values. */
  cursor(sort: ImageSort, values: (string | number)[]): string;
}

export async function loadResolverSearch(): Promise<ResolverSearch> {
  const source = [
    reexport(['searchPlan'], 'resolvers/lib/imageSearch.ts'),
    reexport(['encodeCursor'], 'resolvers/lib/cursor.ts'),
    reexport(['evaluate'], 'local/appsync/runtime/evaluation.ts'),
  ];
  const module = await importBundled<PlanModule>('search-plan', source.join('\n'), { appsyncRuntime: true });
  const evaluated = <T>(what: string, run: () => T): T => {
    const { result, error } = module.evaluate(run);
    if (error || result === undefined) throw new Error(`${what} refused: ${error?.message ?? 'no result'}`);
    return result;
  };
  return {
    plan: (ownerSub, args) => evaluated(`searchPlan ${JSON.stringify(args)}`, () => module.searchPlan(ownerSub, args)),
    cursor: (sort, values) => evaluated('encodeCursor', () => module.encodeCursor(sort, values)),
  };
}
