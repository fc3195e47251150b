/**
 * One production build of the web app, run by local/web/build.ts in a child process of its own
 * (Vite's bundler and its memory stay out of the local cloud's process): `build-main.ts <outDir>`.
 * It reports every source file it bundled over IPC, and exits if its parent goes away.
 */
import { resolve, sep } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../../infra/paths.ts';
import { WEB_VITE_CONFIG } from './build.ts';

const parentGone = () => process.exit(1);
process.on('disconnect', parentGone);

const outDir = process.argv[2];
if (!outDir || !process.send) throw new Error('usage: a child process of local/web/build.ts, with the output directory');

// The build `npm run deploy` makes, whatever NODE_ENV this process inherited (vitest sets "test",
// which would bundle React's development build); the cache key assumes it.
process.env.NODE_ENV = 'production';
const inputs = new Set<string>();
await build({
  configFile: WEB_VITE_CONFIG,
  logLevel: 'warn',
  build: { outDir: resolve(outDir), emptyOutDir: true },
  plugins: [
    {
      name: 'imagegraph-build-inputs',
      generateBundle(_options, bundle) {
        for (const output of Object.values(bundle)) {
          if (output.type !== 'chunk') continue;
          for (const id of output.moduleIds) if (id.startsWith(REPO_ROOT) && !id.includes(`${sep}node_modules${sep}`)) inputs.add(id.split('?')[0] ?? id);
        }
      },
    },
  ],
});
process.send({ inputs: [...inputs] }, () => {
  process.off('disconnect', parentGone);
  process.disconnect();
});
