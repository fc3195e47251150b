/**
 * A page on 127.0.0.1 that runs the Amplify flow in the browser: `/` loads `/flow.js` (main.ts
 * bundled by esbuild with aws-amplify, as an app's bundler would), `/config.json` is
 * `amplifyConfigure` of the cloud's outputs, `/photo.png` the photo to upload.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { amplifyConfigure } from '../../../src/api/amplify-config.ts';
import type { StackOutputs } from '../../../../infra/stack-outputs.ts';
import { closeServer, listen } from '../../../../local/http-server.ts';

const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const PHOTO = new URL('../../../../local/e2e/fixtures/coffee.png', import.meta.url);
const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>Amplify flow</title><script type="module" src="/flow.js"></script></head><body></body></html>';

export async function startAmplifyPage(outputs: StackOutputs): Promise<{ url: string; close(): Promise<void> }> {
  const bundle = await build({ entryPoints: [ENTRY], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'warning' });
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html; charset=utf-8', PAGE],
    '/flow.js': ['text/javascript', bundle.outputFiles[0]?.text ?? ''],
    '/config.json': ['application/json', JSON.stringify(amplifyConfigure(outputs))],
    '/photo.png': ['image/png', await readFile(PHOTO)],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  return { url: `${await listen(server, 0, '127.0.0.1')}/`, close: () => closeServer(server) };
}
