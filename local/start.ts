/**
 * `npm start` will run the whole pipeline on this machine: local S3, Cognito, search engine,
 * vision models and AppSync, with no AWS account (issue 7). Until that lands it says so plainly
 * instead of pretending to start.
 */
console.error(
  [
    'ImageGraph: the local cloud is not built yet.',
    'What works today: `npm test` (lint, types, codegen check, unit tests, offline synth) and',
    '`npx cdk deploy` to AWS. See README.md > Quickstart.',
  ].join('\n'),
);
process.exitCode = 1;
