import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type ClientConfig, clientConfigFromOutputs } from '../../client/src/api/config.ts';
import { cloudLogFile, outputsFile } from '../config.ts';

const START = fileURLToPath(new URL('../start.ts', import.meta.url));

/**
 * `npm start` as a user runs it, in a process of its own on free ports: the end-to-end tests drive
 * it only from outside, through the outputs file it writes and the real SDKs and protocols.
 */
export interface CloudProcess {
  outputs: Record<string, string>;
  config: ClientConfig;
  dataDir: string;
  /** Where it wrote its outputs (for the CLI's --outputs). */
  outputsFile: string;
  child: ChildProcess;
  /** Everything it printed so far (ImageGraph's own lines). */
  log: string[];
  /** The cloud log's lines so far: the functions' logs and what libraries print. */
  cloudLog(): string[];
  /** Resolves with the first line (printed so far or later) that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Ctrl-C, and waits for a clean exit. */
  stop(): Promise<number | null>;
  /** kill -9, and waits until it is gone. */
  kill(): Promise<void>;
}

/** `npm start -- <args>` expected to stop by itself (refused options, a held data directory): its exit code and what it printed on each stream. */
export async function startExits(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', START, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IMAGEGRAPH_VISION: undefined },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

export async function startCloudProcess(dataDir: string, args: readonly string[] = []): Promise<CloudProcess> {
  return launchCloudProcess(dataDir, args).ready;
}

/** `npm start` launched, for a test that watches it while it starts: `ready` resolves as startCloudProcess does. */
export function launchCloudProcess(dataDir: string, args: readonly string[] = []): { child: ChildProcess; log: string[]; ready: Promise<CloudProcess> } {
  const child = spawn(process.execPath, ['--import', 'tsx', START, '--data-dir', dataDir, '--port-base', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IMAGEGRAPH_VISION: undefined },
  });
  const log: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => log.push(line));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local cloud did not start within 60 s:\n${log.join('\n')}`)), 60_000);
    const poll = setInterval(() => {
      if (log.some((line) => line.startsWith('ImageGraph is running'))) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the local cloud exited (${String(code)}) before it was ready:\n${log.join('\n')}`));
    });
  }).then(() => cloudProcess(dataDir, child, log, exited));
  return { child, log, ready };
}

function cloudProcess(dataDir: string, child: ChildProcess, log: string[], exited: Promise<number | null>): CloudProcess {
  const outputs = JSON.parse(readFileSync(outputsFile({ dataDir }), 'utf8')) as Record<string, string>;
  return {
    outputs,
    config: clientConfigFromOutputs(outputs),
    dataDir,
    outputsFile: outputsFile({ dataDir }),
    child,
    log,
    cloudLog: () => readFileSync(cloudLogFile({ dataDir }), 'utf8').split('\n'),
    waitForLine: async (pattern, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = log.find((candidate) => pattern.test(candidate));
        if (line !== undefined) return line;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the local cloud exited before printing ${String(pattern)}`);
        if (Date.now() > deadline) throw new Error(`the local cloud did not print ${String(pattern)} within ${timeoutMs} ms:\n${log.slice(-20).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
