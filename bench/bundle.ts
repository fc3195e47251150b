/**
 * How benchmarks build what they measure: esbuild to one ES module, packages left external, written
 * inside node_modules/.cache so that package imports (sharp, better-sqlite3, ...) resolve from the
 * project, as the Lambda's NodejsFunction bundle does.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repoPath } from '../infra/paths.ts';

export interface Bundle {
  file: string;
  dispose(): void;
}

export interface BundleOptions {
  /** Resolve @aws-appsync/utils (type declarations only) to the project's APPSYNC_JS runtime. */
  appsyncRuntime?: boolean;
}

/** Bundles `source` (TypeScript module text importing by absolute path) to a file; dispose() removes it. */
export async function bundleModule(name: string, source: string, options: BundleOptions = {}): Promise<Bundle> {
  mkdirSync(repoPath('node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(repoPath(`node_modules/.cache/imagegraph-bench-${name}-`));
  const file = path.join(dir, `${name}.mjs`);
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await build({
      stdin: { contents: source, resolveDir: repoPath('.'), loader: 'ts' },
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
      ...(options.appsyncRuntime ? { alias: { '@aws-appsync/utils': repoPath('local/appsync/runtime/index.ts') } } : {}),
    });
  } catch (error) {
    dispose();
    throw error;
  }
  return { file, dispose };
}

/** Bundles and imports a module in this process (the bundle file is removed once loaded). */
export async function importBundled<T>(name: string, source: string, options: BundleOptions = {}): Promise<T> {
  const bundle = await bundleModule(name, source, options);
  try {
    return (await import(pathToFileURL(bundle.file).href)) as T;
  } finally {
    bundle.dispose();
  }
}

/** `export { names } from 'absolute path'` for an entry module. */
export function reexport(names: string[], relativePath: string): string {
  return `export { ${names.join(', ')} } from ${JSON.stringify(repoPath(relativePath))};`;
}
