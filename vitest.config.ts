import { fileURLToPath } from 'node:url';
import { type TestProjectInlineConfiguration, defineConfig } from 'vitest/config';
import { installOpenSearchOracle } from './local/opensearch/oracle/availability.ts';

const CONFORMANCE = 'local/opensearch/conformance/**/*.test.ts';
/**
 * The oracle has no k-NN: the plugin's Maven Central zip lacks faiss's native libraries, which
 * binary vectors need, so these cases are judged against OpenSearch's documentation only
 * (local/opensearch/README.md, "Deliberate differences").
 */
const NOT_ON_ORACLE = ['local/opensearch/conformance/knn.test.ts'];

/**
 * The OpenSearch conformance suite once more, against a real OpenSearch (local/opensearch/oracle),
 * when Java and Maven are here; otherwise (outside CI) installOpenSearchOracle says what it skipped.
 */
function opensearchOracleProject(): TestProjectInlineConfiguration[] {
  if (!installOpenSearchOracle().available) return [];
  return [{ extends: true, test: { name: 'opensearch-oracle', include: [CONFORMANCE], exclude: NOT_ON_ORACLE, globalSetup: ['local/opensearch/oracle/vitest-setup.ts'] } }];
}

export default defineConfig({
  resolve: {
    // @aws-appsync/utils ships only type declarations; AppSync provides the runtime. Tests run
    // resolvers against the project's own implementation of it, the one the local AppSync uses.
    alias: {
      '@aws-appsync/utils': fileURLToPath(new URL('./local/appsync/runtime/index.ts', import.meta.url)),
    },
  },
  test: {
    exclude: ['node_modules/**', 'cdk.out/**', 'dist/**', '.oracles/**'],
    testTimeout: 60_000,
    // Hooks start servers and processes, as tests do; vitest's 10 s default is not a budget a loaded machine keeps.
    hookTimeout: 60_000,
    // The one budget of every expect.poll: tests wait for what crosses processes, sockets, disk and
    // queues, which on a loaded 2-core machine can take far longer than vitest's 1 s default. A
    // wait that succeeds ends at once; only a failing one spends it. (vi.waitFor has no such
    // setting, so the tests poll with expect.poll.)
    expect: { poll: { timeout: 30_000 } },
    projects: [{ extends: true, test: { name: 'local', include: ['**/*.test.ts', 'client/web/**/*.test.tsx'] } }, ...opensearchOracleProject()],
  },
});
