import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Lints code as if it were a resolver file, with the project's own config: AppSync rejects what
// APPSYNC_JS lacks only at deploy time, so the lint rules are the early warning and must fire.
const eslint = new ESLint({ cwd: new URL('../../', import.meta.url).pathname });
const RESOLVER_PATH = 'resolvers/Query.image.ts';

async function ruleIds(code: string, filePath = RESOLVER_PATH): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

// The first lint builds the typed program of the whole project (typescript-eslint): 30-40 s of
// CPU on an idle 2-core machine, past vitest's 60 s on a loaded one. A budget, not a speed test.
describe('APPSYNC_JS lint rules on resolvers/', { timeout: 300_000 }, () => {
  it('rejects constructs the APPSYNC_JS runtime lacks', async () => {
    const forbidden = `
      export async function request(ctx: { args: Record<string, number> }) {
        try { await Promise.resolve(1); } catch { return null; }
        for (let i = 0; i < 3; i++) { /* counted loop */ }
        while (ctx.args.n) { break; }
        if ('n' in ctx.args) { return /ab+c/.test('abc'); }
        return null;
      }
      export class Helper {}
      export function response() { return response(); }
    `;
    const rules = await ruleIds(forbidden);
    for (const rule of [
      '@aws-appsync/no-async',
      '@aws-appsync/no-await',
      '@aws-appsync/no-try',
      '@aws-appsync/no-for',
      '@aws-appsync/no-while',
      '@aws-appsync/no-in-operator',
      '@aws-appsync/no-regex',
      '@aws-appsync/no-classes',
      '@aws-appsync/no-disallowed-unary-operators',
      '@aws-appsync/no-recursion',
    ]) {
      expect(rules).toContain(rule);
    }
  });

  it('accepts a resolver written within the runtime’s limits', async () => {
    const allowed = `
      import type { Context } from '@aws-appsync/utils';
      export function request(ctx: Context<{ id: string }>) {
        return { operation: 'POST' as const, path: '/images/_search', params: { body: { ids: [ctx.args.id] } } };
      }
      export function response(ctx: Context) {
        return ctx.result as unknown;
      }
    `;
    expect(await ruleIds(allowed)).toEqual([]);
  });

  it('does not apply APPSYNC_JS rules outside resolvers/', async () => {
    const rules = await ruleIds('export async function handler(): Promise<number> { try { return await Promise.resolve(1); } catch { return 0; } }\n', 'functions/process-image/index.ts');
    expect(rules.filter((rule) => rule.startsWith('@aws-appsync/'))).toEqual([]);
  });
});
