/**
 * searchPlan (resolvers/lib/imageSearch.ts) as the resolvers run it: bundled with the project's
 * APPSYNC_JS runtime in place of @aws-appsync/utils (which is type declarations only), and called
 * under evaluate(), so a util.error surfaces as an error rather than a crash.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repoPath } from '../../infra/paths.ts';
import type { QuerySearchImagesArgs } from '../../schema/generated/graphql.ts';
import type { SearchPlan } from '../../resolvers/lib/imageSearch.ts';

interface PlanModule {
  searchPlan: (ownerSub: string, args: QuerySearchImagesArgs) => SearchPlan;
  evaluate: <T>(run: () => T) => { result: T | undefined; error: { message: string } | undefined };
}

export type PlanSearch = (ownerSub: string, args: QuerySearchImagesArgs) => SearchPlan;

export async function loadSearchPlan(): Promise<PlanSearch> {
  const entry = `export { searchPlan } from ${JSON.stringify(repoPath('resolvers/lib/imageSearch.ts'))};
export { evaluate } from ${JSON.stringify(repoPath('local/appsync/runtime/evaluation.ts'))};`;
  const out = await build({
    stdin: { contents: entry, resolveDir: repoPath('.'), loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    packages: 'external',
    logLevel: 'error',
    alias: { '@aws-appsync/utils': repoPath('local/appsync/runtime/index.ts') },
  });
  mkdirSync(repoPath('node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(repoPath('node_modules/.cache/imagegraph-bench-search-plan-'));
  const file = path.join(dir, 'plan.mjs');
  writeFileSync(file, out.outputFiles[0]?.text ?? '');
  let module: PlanModule;
  try {
    module = (await import(pathToFileURL(file).href)) as PlanModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return (ownerSub, args) => {
    const { result, error } = module.evaluate(() => module.searchPlan(ownerSub, args));
    if (error || !result) throw new Error(`searchPlan refused ${JSON.stringify(args)}: ${error?.message ?? 'no result'}`);
    return result;
  };
}
