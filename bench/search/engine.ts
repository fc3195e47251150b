/**
 * The local search engine as a child process of its own, so that its memory is measured alone.
 * engine-child.ts and local/opensearch/start.ts are bundled with esbuild (ESM, packages external,
 * into node_modules/.cache so native packages such as better-sqlite3 resolve) and run with plain
 * node: no tsx loader in the measured process. It gets the engine's node flags, as the local cloud
 * gives them to its engine process.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from '../../infra/paths.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/config.ts';
import { SEARCH_ENGINE_NODE_FLAGS } from '../../local/opensearch/start.ts';
import { keyPairEnv } from '../../local/sigv4.ts';
import { type Bundle, bundleModule } from '../bundle.ts';
import type { EngineChildMessage } from './engine-child.ts';

export const ENGINE_START = repoPath('local/opensearch/start.ts');

export interface EngineProcess {
  url: string;
  pid: number;
  /** Resident set size now, in MB (/proc/{pid}/status VmRSS). */
  rssMb(): number;
  /** Peak resident set size so far, in MB (VmHWM). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** Throws a message that says what is missing when the engine is not there (yet). */
export function assertEngineAvailable(): void {
  if (!existsSync(ENGINE_START)) {
    throw new Error(
      `bench:search measures the local search engine, and ${path.relative(repoPath('.'), ENGINE_START)} does not exist yet: nothing to measure.`,
    );
  }
}

export async function startEngineProcess(): Promise<EngineProcess> {
  assertEngineAvailable();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imagegraph-bench-search-data-'));
  let bundle: Bundle | undefined;
  const cleanup = () => {
    bundle?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let child: ChildProcess | undefined;
  try {
    bundle = await bundleModule(
      'search',
      [
        `import { startSearchEngine } from ${JSON.stringify(ENGINE_START)};`,
        `import { runEngineChild } from ${JSON.stringify(repoPath('bench/search/engine-child.ts'))};`,
        'await runEngineChild(startSearchEngine);',
      ].join('\n'),
    );
    const env = { ...process.env, ...keyPairEnv(LOCAL_CREDENTIALS) };
    delete env.NODE_OPTIONS;
    const started = fork(bundle.file, [dataDir, LOCAL_REGION], { execArgv: [...SEARCH_ENGINE_NODE_FLAGS], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = started;
    const url = await new Promise<string>((resolve, reject) => {
      started.once('message', (message: EngineChildMessage) => resolve(message.url));
      started.once('exit', (code) => reject(new Error(`the search engine process exited (code ${code}) before it was ready`)));
      started.once('error', reject);
    });
    const pid = started.pid;
    if (pid === undefined) throw new Error('the search engine process has no pid');
    return {
      url,
      pid,
      rssMb: () => procStatusMb(pid, 'VmRSS'),
      peakRssMb: () => procStatusMb(pid, 'VmHWM'),
      stop: async () => {
        if (started.exitCode === null) {
          const exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
          started.send({ type: 'stop' });
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
          if (started.exitCode === null) started.kill('SIGKILL');
        }
        cleanup();
      },
    };
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    cleanup();
    throw error;
  }
}

/** A memory line of /proc/{pid}/status (Linux), in MB. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}
