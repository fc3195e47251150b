/**
 * `npm run build`: writes the resolver bundles CDK deploys to dist/resolvers/Type.field.js, so they
 * can be inspected, diffed, or pasted into the AppSync console.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from './paths.ts';
import { bundleResolvers } from './resolver-bundles.ts';

const outDir = repoPath('dist/resolvers');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const bundle of bundleResolvers()) {
  const file = path.join(outDir, `${bundle.typeName}.${bundle.fieldName}.js`);
  writeFileSync(file, bundle.code);
  console.log(`${path.relative(repoPath('.'), file)}  ${Buffer.byteLength(bundle.code)} bytes`);
}
