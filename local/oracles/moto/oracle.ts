/**
 * moto's server (run.sh, serve.py) as a child process of the test file that judges a local service
 * by it: on a free loopback port, stopped by `stop()` closing its standard input, and also when
 * this process dies (the pipe closes then too), so no server is left behind.
 */
import { spawn } from 'node:child_process';
import { repoPath } from '../../../infra/paths.ts';

const SCRIPT = repoPath('local/oracles/moto/run.sh');
const READY = 'MOTO_ORACLE_READY ';
/** The first start installs moto from PyPI (~30 s, minutes on a busy machine); later ones take ~2 s. */
const START_TIMEOUT_MS = 600_000;

export interface MotoOracle {
  /** http://127.0.0.1:PORT, one endpoint for every service moto emulates. */
  endpoint: string;
  stop(): Promise<void>;
}

/** A running moto, or why there is none (run.sh's skip: no Python, outside CI). */
export type MotoStart = { moto: MotoOracle } | { skipped: string };

/**
 * Runs run.sh and waits for its ready line. run.sh's exit 0 before that line is its skip (the
 * reason is its last stderr line); any other exit (CI=true without Python), or none in time, throws.
 */
export async function startMotoOracle(env: NodeJS.ProcessEnv = process.env): Promise<MotoStart> {
  const child = spawn('bash', [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const ready = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((entry) => entry.startsWith(READY));
      if (line) resolve(line.slice(READY.length).trim());
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<{ timeout: true }>((resolve) => {
    timer = setTimeout(() => resolve({ timeout: true }), START_TIMEOUT_MS);
  });
  const outcome = await Promise.race([ready, exited.then((code) => ({ code })), timedOut]);
  clearTimeout(timer);
  if (typeof outcome === 'string') return { moto: { endpoint: outcome, stop } };
  if ('timeout' in outcome) {
    await stop();
    throw new Error(`moto did not answer within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`);
  }
  if (outcome.code === 0) return { skipped: stderr.trim().split('\n').pop() ?? 'moto oracle: SKIPPED' };
  throw new Error(`the moto oracle (local/oracles/moto/run.sh) exited with ${outcome.code}:\n${stderr}`);
}

/**
 * For a conformance file: moto's endpoint, or undefined after saying which checks are skipped.
 * Call at the top level (vitest collects the file after it resolves) and stop it in afterAll.
 */
export async function motoForConformance(checks: string, env: NodeJS.ProcessEnv = process.env): Promise<MotoOracle | undefined> {
  const start = await startMotoOracle(env);
  if ('moto' in start) return start.moto;
  console.warn(`${start.skipped}\n  -> skipped: ${checks} against moto (run against the local service only)`);
  return undefined;
}

/** One side of a conformance case: the local service or moto, addressed by its endpoint. */
export interface ServiceTarget {
  name: 'local' | 'moto';
  endpoint: string;
  close(): Promise<void>;
}

/** moto as a target: nothing to close per file (the file's afterAll stops the server). */
export function motoTarget(moto: MotoOracle): ServiceTarget {
  return { name: 'moto', endpoint: moto.endpoint, close: () => Promise.resolve() };
}
