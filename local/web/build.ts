/**
 * The web app as `npm start` serves it: the production build (the one `npm run deploy` uploads),
 * made by Vite in a child process and cached by content (build-cache.ts), so only the first start
 * after a change to the app's sources builds.
 */
import { fork } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { repoPath, REPO_ROOT } from '../../infra/paths.ts';
import { type BuildResult, ensureWebBuild, type WebBuild } from './build-cache.ts';

export const WEB_VITE_CONFIG = repoPath('client/web/vite.config.ts');
const BUILD_MAIN = fileURLToPath(new URL('./build-main.ts', import.meta.url));

/** Files the build reads besides the modules it bundles. */
async function fixedInputs(): Promise<string[]> {
  const publicDir = repoPath('client/web/public');
  const publicFiles = (await readdir(publicDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return [WEB_VITE_CONFIG, repoPath('client/web/index.html'), repoPath('package-lock.json'), ...publicFiles];
}

/** Runs build-main.ts; its output (Vite's warnings) goes to `log`. */
export function buildWebApp(outDir: string, log: Writable): Promise<BuildResult> {
  const child = fork(BUILD_MAIN, [outDir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], cwd: REPO_ROOT });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  return new Promise((resolve, reject) => {
    let inputs: string[] | undefined;
    child.once('message', (message: { inputs: string[] }) => (inputs = message.inputs));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0 && inputs) resolve({ outDir, inputs });
      else reject(new Error(`the web app's build failed (${signal ?? String(code)}); its output is in the log`));
    });
  });
}

/** The current build of the web app, building it when its sources changed. */
export function ensureWebApp(cacheDir: string, log: Writable): Promise<WebBuild> {
  return ensureWebBuild({ cacheDir, projectRoot: REPO_ROOT, fixedInputs, build: (outDir) => buildWebApp(outDir, log) });
}
