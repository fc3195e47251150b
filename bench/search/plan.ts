/**
 * searchPlan (resolvers/lib/imageSearch.ts) as the resolvers run it: bundled with the project's
 * APPSYNC_JS runtime in place of @aws-appsync/utils (which is type declarations only), and called
 * under evaluate(), so a util.error surfaces as an error rather than a crash.
 */
import { importBundled, reexport } from '../bundle.ts';
import type { QuerySearchImagesArgs } from '../../schema/generated/graphql.ts';
import type { SearchPlan } from '../../resolvers/lib/imageSearch.ts';

interface PlanModule {
  searchPlan: (ownerSub: string, args: QuerySearchImagesArgs) => SearchPlan;
  evaluate: <T>(run: () => T) => { result: T | undefined; error: { message: string } | undefined };
}

export type PlanSearch = (ownerSub: string, args: QuerySearchImagesArgs) => SearchPlan;

export async function loadSearchPlan(): Promise<PlanSearch> {
  const source = [reexport(['searchPlan'], 'resolvers/lib/imageSearch.ts'), reexport(['evaluate'], 'local/appsync/runtime/evaluation.ts')];
  const module = await importBundled<PlanModule>('search-plan', source.join('\n'), { appsyncRuntime: true });
  return (ownerSub, args) => {
    const { result, error } = module.evaluate(() => module.searchPlan(ownerSub, args));
    if (error || !result) throw new Error(`searchPlan refused ${JSON.stringify(args)}: ${error?.message ?? 'no result'}`);
    return result;
  };
}
