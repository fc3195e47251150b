/**
 * Starts the real OpenSearch of run.sh as a child process for the conformance suite and
 * bench:search, on a free loopback port and a throwaway home directory. It stops when `stop()`
 * closes its standard input, and also when this process dies (the pipe closes then too).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from '../../../infra/paths.ts';

export const ORACLE_SCRIPT = repoPath('local/opensearch/oracle/run.sh');
const READY = 'OPENSEARCH_ORACLE_READY ';
/** First start downloads ~150 MB from Maven Central; later starts take ~20 s on two busy cores. */
const START_TIMEOUT_MS = 600_000;

export interface OpenSearchOracle {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Either a running oracle, or why there is none (run.sh skipped: no Java or Maven, outside CI). */
export type OracleStart = { oracle: OpenSearchOracle } | { skipped: string };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * Runs run.sh and waits for its ready line. run.sh's exit 0 before that line is its skip (the
 * reason is its last stderr line); any other exit, or no answer in time, is an error.
 */
export async function startOpenSearchOracle(): Promise<OracleStart> {
  const port = await freePort();
  const home = mkdtempSync(path.join(tmpdir(), 'imagegraph-opensearch-oracle-'));
  const child = spawn('bash', [ORACLE_SCRIPT, String(port), home], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const removeHome = () => rmSync(home, { recursive: true, force: true });
  const stop = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    removeHome();
  };
  const ready = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      // Only the tail is kept: the node logs to stdout for as long as it runs.
      stdout = (stdout + chunk.toString()).slice(-8000);
      const line = stdout.split('\n').find((entry) => entry.startsWith(READY));
      if (line) resolve(line.slice(READY.length).trim());
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS);
  });
  const outcome = await Promise.race([ready, exited.then((code) => ({ code })), timedOut]);
  clearTimeout(timer);
  if (typeof outcome === 'string' && outcome !== 'timeout') {
    return { oracle: { url: outcome, pid: child.pid ?? -1, stop } };
  }
  if (outcome === 'timeout') {
    await stop();
    throw new Error(`the OpenSearch oracle did not answer within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`);
  }
  removeHome();
  const lastLine = stderr.trim().split('\n').pop() ?? '';
  if (outcome.code === 0) return { skipped: lastLine };
  throw new Error(`the OpenSearch oracle (${path.relative(repoPath('.'), ORACLE_SCRIPT)}) exited with ${outcome.code}:\n${stderr}`);
}
