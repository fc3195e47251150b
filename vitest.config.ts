import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // @aws-appsync/utils ships only type declarations; AppSync provides the runtime. Tests run
    // resolvers against the project's own implementation of it, the one the local AppSync uses.
    alias: {
      '@aws-appsync/utils': fileURLToPath(new URL('./local/appsync/runtime/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['**/*.test.ts', 'client/web/**/*.test.tsx'],
    exclude: ['node_modules/**', 'cdk.out/**', 'dist/**'],
    testTimeout: 60_000,
  },
});
