/**
 * Bundles the APPSYNC_JS resolvers, one per `resolvers/Type.field.ts`, into the single ES module
 * AppSync wants per resolver. No CDK here: the local AppSync server runs the same bundles.
 */
import { buildSync, type BuildFailure } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, repoPath } from './paths.ts';

export const RESOLVERS_DIR = repoPath('resolvers');

/**
 * AppSync's limit on a resolver's `code` (Resolver.code, "Maximum length of 32768" in the AppSync
 * API reference). Counted here in UTF-8 bytes, which is never less than the character count.
 */
export const MAX_RESOLVER_CODE_BYTES = 32_768;

export interface ResolverBundle {
  typeName: string;
  fieldName: string;
  /** The bundled ES module, ready to pass inline to AppSync. */
  code: string;
}

export class ResolverBundleError extends Error {
  override name = 'ResolverBundleError';
}

// GraphQL names, as AppSync's own pattern for type and field names: [_A-Za-z][_0-9A-Za-z]*.
const RESOLVER_FILE = /^([_A-Za-z][_0-9A-Za-z]*)\.([_A-Za-z][_0-9A-Za-z]*)\.ts$/;
const REQUIRED_EXPORTS = ['request', 'response'];

/**
 * Bundles every resolver file directly in `dir` (tests and declaration files excluded; shared code
 * lives in subfolders and is bundled into the resolvers that import it). Throws one
 * ResolverBundleError listing every problem: misnamed files, build errors, missing
 * request/response exports, bundles over AppSync's size limit.
 */
export function bundleResolvers(dir: string = RESOLVERS_DIR): ResolverBundle[] {
  const files = listResolverFiles(dir);
  const bundles: ResolverBundle[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const shown = display(path.join(dir, file));
    const match = RESOLVER_FILE.exec(file);
    if (!match?.[1] || !match[2]) {
      problems.push(`${shown}: not named Type.field.ts; put shared code in a subfolder such as resolvers/lib/`);
      continue;
    }
    const result = bundleOne(path.join(dir, file));
    if ('error' in result) {
      problems.push(`${shown}: ${result.error}`);
      continue;
    }
    const missing = REQUIRED_EXPORTS.filter((name) => !result.exports.includes(name));
    if (missing.length > 0) {
      problems.push(`${shown}: must export ${missing.join(' and ')} (an APPSYNC_JS unit resolver needs both)`);
    }
    const bytes = Buffer.byteLength(result.code, 'utf8');
    if (bytes > MAX_RESOLVER_CODE_BYTES) {
      problems.push(
        `${shown}: bundle is ${bytes} bytes, over AppSync's limit of ${MAX_RESOLVER_CODE_BYTES} bytes per resolver; ` +
          'import less into it (check what resolvers/lib pulls in)',
      );
    }
    bundles.push({ typeName: match[1], fieldName: match[2], code: result.code });
  }
  if (problems.length > 0) {
    throw new ResolverBundleError(`Cannot bundle the AppSync resolvers:\n${bullets(problems)}`);
  }
  return bundles;
}

/**
 * Checks that resolver files and wiring entries match one to one: a file nobody wires would never
 * run, and a wired field without a file would have no code. `wiredFields` are `Type.field` names.
 */
export function checkResolverWiring(
  bundles: readonly Pick<ResolverBundle, 'typeName' | 'fieldName'>[],
  wiredFields: Iterable<string>,
  dir: string = RESOLVERS_DIR,
): void {
  const present = new Set(bundles.map((b) => `${b.typeName}.${b.fieldName}`));
  const wired = new Set(wiredFields);
  const problems = [
    ...[...present]
      .filter((field) => !wired.has(field))
      .map(
        (field) => `${display(path.join(dir, `${field}.ts`))} has no wiring entry: add '${field}' to RESOLVER_WIRING`,
      ),
    ...[...wired]
      .filter((field) => !present.has(field))
      .map((field) => `'${field}' is wired but ${display(path.join(dir, `${field}.ts`))} does not exist`),
  ];
  if (problems.length > 0) {
    throw new ResolverBundleError(
      `Resolver files and RESOLVER_WIRING (infra/resolver-wiring.ts) disagree:\n${bullets(problems)}`,
    );
  }
}

function listResolverFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new ResolverBundleError(`Cannot read the resolvers folder ${display(dir)}: ${(error as Error).message}`);
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => e.name)
    .sort();
}

function bundleOne(entry: string): { code: string; exports: string[] } | { error: string } {
  try {
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      target: 'esnext',
      platform: 'neutral',
      // AppSync provides @aws-appsync/utils (and its subpaths) at runtime.
      external: ['@aws-appsync/utils'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    const exports = Object.values(result.metafile.outputs)[0]?.exports ?? [];
    return { code, exports };
  } catch (error) {
    const failure = error as Partial<BuildFailure> & Error;
    const messages = failure.errors?.map((e) => e.text) ?? [failure.message];
    return { error: `esbuild failed: ${messages.join('; ')}` };
  }
}

function display(file: string): string {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function bullets(lines: string[]): string {
  return lines.map((line) => `  - ${line}`).join('\n');
}
