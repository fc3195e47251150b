// ESLint flat config: typescript-eslint (type-aware) everywhere; on top of it, AWS's APPSYNC_JS
// rules on the resolver sources, because AppSync rejects what its runtime lacks only at deploy time.
import appsync from '@aws-appsync/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Files that AppSync itself runs (tests and generated types are not deployed). */
export const RESOLVER_SOURCES = ['resolvers/**/*.ts'];
const RESOLVER_EXCLUDES = ['resolvers/**/*.test.ts', 'resolvers/__tests__/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'cdk.out/**', '.imagegraph/**', '.oracles/**', '**/generated/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'client/cli/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // This file itself: the AppSync plugin ships no types, so type-aware rules would only see `any`.
  { files: ['*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.test.ts'],
    rules: {
      // Tests assert on loosely typed AppSync and SDK payloads.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    ...appsync.configs.recommended,
    files: RESOLVER_SOURCES,
    ignores: RESOLVER_EXCLUDES,
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
);
