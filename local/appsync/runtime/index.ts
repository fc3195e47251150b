// What resolvers get from `import { util, runtime, extensions } from '@aws-appsync/utils'`. The
// package ships only type declarations and AppSync supplies these objects, so vitest.config.ts (and
// the local AppSync server) resolve the package name to this module. It mirrors the package's
// runtime exports and nothing else: evaluate() lives in evaluation.ts.
export { extensions } from './extensions.ts';
export { runtime } from './runtime.ts';
export { util } from './util.ts';
