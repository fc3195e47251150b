/**
 * Builds the scripts the resolver sandbox runs: the APPSYNC_JS runtime (entry.ts and
 * local/appsync/runtime, with the globals of vm-globals.ts), and each resolver bundle rewritten from
 * the ES module CDK deploys into a script that registers its handlers with that runtime.
 */
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** The global the runtime script defines inside the vm. */
export const SANDBOX_GLOBAL = '__appsyncSandbox';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

let runtimeScript: Promise<string> | undefined;

/** The runtime as one script (built once per process: ~1 s of esbuild on this machine). */
export function sandboxRuntimeScript(): Promise<string> {
  runtimeScript ??= build({
    entryPoints: [here('./entry.ts')],
    inject: [here('./vm-globals.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: SANDBOX_GLOBAL,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    alias: {
      'node:crypto': here('./node-crypto-shim.ts'),
      crypto: here('./node-crypto-shim.ts'),
      'node:util': here('./node-util-shim.ts'),
      util: here('./node-util-shim.ts'),
    },
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return runtimeScript;
}

// The resolver's `@aws-appsync/utils` import, answered by the runtime already in the context.
const utilsFromSandbox: Plugin = {
  name: 'appsync-utils-from-sandbox',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-appsync\/utils$/ }, () => ({ path: 'utils', namespace: 'sandbox' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'sandbox' }, () => ({
      contents: `const { util, runtime, extensions } = ${SANDBOX_GLOBAL}.utils; export { util, runtime, extensions };`,
      loader: 'js',
    }));
  },
};

/** A deployed resolver bundle (ES module) as a script registering it under `name`. */
export async function resolverScript(name: string, moduleCode: string): Promise<string> {
  const result = await build({
    stdin: { contents: moduleCode, loader: 'js', sourcefile: `${name}.js` },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__resolverModule',
    platform: 'neutral',
    target: 'es2022',
    plugins: [utilsFromSandbox],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return `${code}\n${SANDBOX_GLOBAL}.registerModule(${JSON.stringify(name)}, __resolverModule);`;
}
