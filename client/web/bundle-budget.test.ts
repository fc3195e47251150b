/**
 * The sign-in screen's weight: a production build of the web app (in memory), the entry chunk and
 * every chunk it imports statically, gzipped. Everything after sign-in (Apollo, AWS's AppSync
 * links, search, upload, the detail view) must stay in chunks loaded on demand.
 */
import { gzipSync } from 'node:zlib';
import type { OutputChunk, RolldownOutput } from 'rolldown';
import { build } from 'vite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WEB_VITE_CONFIG } from '../../local/web/build.ts';

/** Gzipped JavaScript the first screen may load (120.6 kB when this was set, 291 kB before code splitting). */
const FIRST_SCREEN_BUDGET_BYTES = 140_000;
/** Modules that belong after sign-in. */
const SIGNED_IN_ONLY = [/node_modules\/@apollo\//, /node_modules\/aws-appsync-/, /node_modules\/graphql\//, /node_modules\/buffer\//, /src\/search\//, /src\/upload\//, /src\/detail\//];

afterEach(() => vi.unstubAllEnvs());

describe('the web app build', () => {
  it('loads only what sign-in needs on its first screen, within the budget', async () => {
    // vitest sets NODE_ENV=test, which would bundle React's development build.
    vi.stubEnv('NODE_ENV', 'production');
    const result = (await build({ configFile: WEB_VITE_CONFIG, logLevel: 'silent', build: { write: false } })) as RolldownOutput | RolldownOutput[];
    const chunks = (Array.isArray(result) ? result : [result]).flatMap((output) => output.output).filter((item): item is OutputChunk => item.type === 'chunk');
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
    const entry = chunks.find((chunk) => chunk.isEntry);
    expect(entry).toBeDefined();

    const firstScreen = new Set<OutputChunk>();
    const visit = (chunk: OutputChunk) => {
      if (firstScreen.has(chunk)) return;
      firstScreen.add(chunk);
      for (const imported of chunk.imports) visit(byName.get(imported)!);
    };
    visit(entry!);

    const modules = [...firstScreen].flatMap((chunk) => chunk.moduleIds);
    expect(modules.filter((id) => SIGNED_IN_ONLY.some((pattern) => pattern.test(id)))).toEqual([]);
    expect(chunks.some((chunk) => !firstScreen.has(chunk) && chunk.moduleIds.some((id) => id.includes('SignedInApp')))).toBe(true);

    const bytes = [...firstScreen].reduce((sum, chunk) => sum + gzipSync(chunk.code).length, 0);
    console.log(`first screen: ${firstScreen.size} chunks, ${(bytes / 1000).toFixed(1)} kB gzipped JavaScript`);
    expect(bytes).toBeLessThan(FIRST_SCREEN_BUDGET_BYTES);
  });
});
