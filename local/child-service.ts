import { type ChildProcess, fork } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A local service run in a child process of its own: its CPU work and garbage collection stay off
 * the event loop of the other services, V8 flags can be set for it alone, and a crash is its own.
 * The child is a service's `main.ts`; it prints its URL as its first stdout line and exits when its
 * IPC channel closes, so that even a `kill -9` of the parent leaves no orphan behind.
 */
export interface ChildServiceOptions {
  /** Shown in errors. */
  name: string;
  /** Absolute path of the service's main.ts. */
  main: string;
  args?: readonly string[];
  /** Node/V8 flags for the child, e.g. SEARCH_ENGINE_NODE_FLAGS. */
  nodeFlags?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** How long the child may take to print its URL. */
  startTimeoutMs?: number;
}

export interface ChildService {
  url: string;
  pid: number;
  /** Resolves with the exit code (or signal) when the child has exited. */
  exited: Promise<string>;
  /** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startChildService(options: ChildServiceOptions): Promise<ChildService> {
  const child = fork(options.main, [...(options.args ?? [])], {
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
  });
  try {
    const url = await firstLine(child, options, exited);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${options.name}: the child process has no pid`);
    return { url, pid, exited, stop: (graceMs = 5_000) => stopChild(child, exited, graceMs) };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

function firstLine(child: ChildProcess, options: ChildServiceOptions, exited: Promise<string>): Promise<string> {
  const stdout = child.stdout;
  if (!stdout) return Promise.reject(new Error(`${options.name}: no stdout pipe`));
  const lines = createInterface({ input: stdout });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start within ${timeoutMs} ms`)), timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before it was ready; its errors are above`));
    });
  }).finally(() => {
    // Later output is the service's log: pass it through.
    lines.on('line', (line) => console.log(`[${options.name}] ${line}`));
  });
}

/**
 * The child's half of the contract, for a service's main.ts: call it before starting anything, and
 * the returned function with the service's `stop` once started. The service then stops when the
 * cloud goes away, even when it was killed, and exits at once if the cloud went away while it was
 * still starting (a disconnect before anyone listens is not emitted again: the child would be left
 * running, listening, with nobody to stop it). A service started by hand (no IPC channel) is left
 * alone.
 */
export function stopWithParent(): (stop: () => void) => void {
  if (!process.send) return () => undefined;
  let stopService: (() => void) | undefined;
  process.on('disconnect', () => (stopService ? stopService() : process.exit(0)));
  return (stop) => {
    stopService = stop;
    if (!process.connected) stop();
  };
}

async function stopChild(child: ChildProcess, exited: Promise<string>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
