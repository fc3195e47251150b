import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bundleResolvers,
  checkResolverWiring,
  MAX_RESOLVER_CODE_BYTES,
  RESOLVERS_DIR,
  ResolverBundleError,
} from './resolver-bundles.ts';
import { RESOLVER_WIRING } from './resolver-wiring.ts';

const UNIT_RESOLVER = `
import { util } from '@aws-appsync/utils';
import { shout } from './lib/shout';
export function request(ctx) { return { payload: shout(ctx.args.name) }; }
export function response(ctx) { if (ctx.error) util.error(ctx.error.message); return ctx.result; }
`;

const fixtures: string[] = [];

/** A temporary resolvers folder holding `files` (path -> source). */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'imagegraph-resolvers-'));
  fixtures.push(dir);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  return dir;
}

afterEach(() => {
  for (const dir of fixtures.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const shoutLib = { 'lib/shout.ts': 'export const shout = (s: string): string => s.toUpperCase();\n' };

describe('bundleResolvers', () => {
  it('bundles every resolver in resolvers/ and names it after its file', () => {
    const expected = readdirSync(RESOLVERS_DIR)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();

    const bundles = bundleResolvers();

    expect(bundles.map((b) => `${b.typeName}.${b.fieldName}`)).toEqual(expected);
    for (const bundle of bundles) {
      expect(bundle.code.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(bundle.code)).toBeLessThanOrEqual(MAX_RESOLVER_CODE_BYTES);
      // Everything but AppSync's own utilities is inlined.
      const imports = [...bundle.code.matchAll(/^import\s(?:[^;]*?\sfrom\s*)?["']([^"']+)["']/gm)].map((m) => m[1]);
      expect(imports.filter((source) => !source?.startsWith('@aws-appsync/utils'))).toEqual([]);
    }
  });

  it('parses type and field from Type.field.ts, inlines local imports and keeps @aws-appsync/utils external', () => {
    const dir = fixture({
      'Query.searchImages.ts': UNIT_RESOLVER,
      'Mutation.publish_2.ts': UNIT_RESOLVER,
      ...shoutLib,
      // Neither tests, declarations nor subfolders are resolvers.
      'Query.searchImages.test.ts': 'throw new Error("not a resolver")',
      'types.d.ts': 'export type X = string;',
      'lib/Query.nested.ts': UNIT_RESOLVER,
    });

    const bundles = bundleResolvers(dir);

    expect(bundles.map(({ typeName, fieldName }) => ({ typeName, fieldName }))).toEqual([
      { typeName: 'Mutation', fieldName: 'publish_2' },
      { typeName: 'Query', fieldName: 'searchImages' },
    ]);
    const code = bundles[1]?.code ?? '';
    expect(code).toMatch(/from ["']@aws-appsync\/utils["']/);
    expect(code).toContain('toUpperCase');
    expect(code).not.toContain('./lib/shout');
    expect(code).toMatch(/export\s*\{[^}]*request[^}]*\}/);
  });

  it('fails with the file, its size and the limit when a bundle is too large for AppSync', () => {
    const padding = 'x'.repeat(MAX_RESOLVER_CODE_BYTES);
    const dir = fixture({
      'Query.small.ts': UNIT_RESOLVER,
      'Query.huge.ts': `${UNIT_RESOLVER}\nexport const blob = ${JSON.stringify(padding)};\n`,
      ...shoutLib,
    });

    const error = captureError(() => bundleResolvers(dir));

    expect(error).toBeInstanceOf(ResolverBundleError);
    expect(error.message).toMatch(/Query\.huge\.ts: bundle is \d+ bytes, over AppSync's limit of 32768 bytes/);
    expect(error.message).not.toContain('Query.small.ts');
  });

  it('fails clearly for misnamed files, build errors and missing handlers', () => {
    const dir = fixture({
      'helpers.ts': 'export const x = 1;',
      'Query.broken.ts': 'export function request( {',
      'Query.noResponse.ts': 'export function request() { return {}; }',
    });

    const message = captureError(() => bundleResolvers(dir)).message;

    expect(message).toContain('helpers.ts: not named Type.field.ts');
    expect(message).toMatch(/Query\.broken\.ts: esbuild failed/);
    expect(message).toContain('Query.noResponse.ts: must export response');
  });

  it('fails clearly when the folder does not exist', () => {
    expect(() => bundleResolvers(path.join(tmpdir(), 'imagegraph-no-such-folder'))).toThrow(
      /Cannot read the resolvers folder/,
    );
  });
});

describe('checkResolverWiring', () => {
  it('accepts the real resolvers with the real wiring', () => {
    expect(() => checkResolverWiring(bundleResolvers(), Object.keys(RESOLVER_WIRING))).not.toThrow();
  });

  it('names resolver files without a wiring entry and wired fields without a file', () => {
    const dir = fixture({ 'Query.wired.ts': UNIT_RESOLVER, 'Query.unwired.ts': UNIT_RESOLVER, ...shoutLib });
    const bundles = bundleResolvers(dir);

    const error = captureError(() => checkResolverWiring(bundles, ['Query.wired', 'Mutation.fileless'], dir));

    expect(error).toBeInstanceOf(ResolverBundleError);
    expect(error.message).toContain("Query.unwired.ts has no wiring entry: add 'Query.unwired' to RESOLVER_WIRING");
    expect(error.message).toContain("'Mutation.fileless' is wired but");
    expect(error.message).toContain('Mutation.fileless.ts does not exist');
    expect(error.message).not.toContain("'Query.wired'");
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
