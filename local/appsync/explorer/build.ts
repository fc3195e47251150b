/**
 * Builds the explorer from npm packages (GraphiQL, React, Monaco's workers) with esbuild, in memory,
 * once per process: nothing is fetched at run time.
 */
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExplorerAssets {
  /** Path under /explorer/ -> content type and bytes. */
  files: Map<string, { type: string; body: Uint8Array }>;
}

const require = createRequire(import.meta.url);
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };

let assets: Promise<ExplorerAssets> | undefined;

export function explorerAssets(): Promise<ExplorerAssets> {
  assets ??= (async () => {
    const outdir = '/explorer-build';
    const result = await build({
      entryPoints: {
        app: fileURLToPath(new URL('./app.ts', import.meta.url)),
        'editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': require.resolve('monaco-graphql/esm/graphql.worker.js'),
      },
      bundle: true,
      write: false,
      outdir,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      loader: { '.ttf': 'file' },
      assetNames: '[name]',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    const files = new Map<string, { type: string; body: Uint8Array }>();
    for (const file of result.outputFiles) {
      const name = path.relative(outdir, file.path);
      files.set(name, { type: TYPES[path.extname(name)] ?? 'application/octet-stream', body: file.contents });
    }
    return { files };
  })();
  return assets;
}

export interface ExplorerPageConfig {
  graphqlUrl: string;
  realtimeUrl: string;
  cognitoEndpoint: string;
  userPoolId: string;
  userPoolClientId: string;
}

export function explorerPage(config: ExplorerPageConfig): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>ImageGraph local AppSync</title>
<link rel="stylesheet" href="/explorer/app.css">
<style>body{margin:0}</style></head>
<body><div id="root"></div>
<script>window.EXPLORER_CONFIG=${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script type="module" src="/explorer/app.js"></script></body></html>`;
}
