import { fileURLToPath } from 'node:url';
import { type TestProjectInlineConfiguration, defineConfig } from 'vitest/config';
import { installOpenSearchOracle } from './local/opensearch/oracle/availability.ts';

const CONFORMANCE = 'local/opensearch/conformance/**/*.test.ts';

/**
 * The OpenSearch conformance suite once more, against a real OpenSearch (local/opensearch/oracle),
 * when Java and Maven are here; otherwise (outside CI) installOpenSearchOracle says what it skipped.
 */
function opensearchOracleProject(): TestProjectInlineConfiguration[] {
  if (!installOpenSearchOracle().available) return [];
  return [{ extends: true, test: { name: 'opensearch-oracle', include: [CONFORMANCE], globalSetup: ['local/opensearch/oracle/vitest-setup.ts'] } }];
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
    projects: [{ extends: true, test: { name: 'local', include: ['**/*.test.ts', 'client/web/**/*.test.tsx'] } }, ...opensearchOracleProject()],
  },
});
