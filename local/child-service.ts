import { type ChildProcess, fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { holdServiceDirectory, type ServiceHold } from './service-lock.ts';

/**
 * A local service run in a child process of its own: its CPU work and garbage collection stay off
 * the event loop of the other services, V8 flags can be set for it alone, and a crash is its own.
 * The child is a service's `main.ts`; it prints its URL as its first stdout line and exits when its
 * IPC channel closes, so that even a `kill -9` of the parent leaves no orphan behind. Before it
 * opens its files it holds its data directory (holdDataDirectory), so that a service started
 * while the previous run's process still closes them waits for it instead of opening them too.
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
  /** How long the child may take to print its URL, a wait for the previous run's process included. */
  startTimeoutMs?: number;
  /** Gets the child's lines for the developer (a wait for the previous run's process, why it could not start); console.error by default. */
  log?: (line: string) => void;
}

/** What a child service tells the cloud: a line for the developer. */
type ChildServiceMessage = { kind: 'line'; text: string };

/**
 * How long a service waits for the previous run's process to let its data directory go. That
 * process stops within STOP_WHEN_PARENT_GONE_MS of noticing its cloud is gone, which it does as
 * soon as its event loop is free; still there after this, it is stuck.
 */
const PREVIOUS_RUN_WAIT_MS = 10_000;
/** A service whose cloud is gone exits after this even if its stop has not finished. */
export const STOP_WHEN_PARENT_GONE_MS = 5_000;

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
  const log = options.log ?? console.error;
  child.on('message', (message: ChildServiceMessage) => message.kind === 'line' && log(message.text));
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
  });
  try {
    const url = await firstLine(child, options);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${options.name}: the child process has no pid`);
    return { url, pid, exited, stop: (graceMs = 5_000) => stopChild(child, exited, graceMs) };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

function firstLine(child: ChildProcess, options: ChildServiceOptions): Promise<string> {
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
    // 'close', not 'exit': it comes after the child's last message (why it could not start).
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${signal ?? String(code)}) before it was ready; its errors are above`));
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
 * running, listening, with nobody to stop it). A stop that takes longer than
 * STOP_WHEN_PARENT_GONE_MS is cut short: the next run waits for this process. A service started by
 * hand (no IPC channel) is left alone.
 */
export function stopWithParent(): (stop: () => void) => void {
  if (!process.send) return () => undefined;
  let stopService: (() => void) | undefined;
  process.on('disconnect', () => {
    if (!stopService) process.exit(0);
    setTimeout(() => process.exit(1), STOP_WHEN_PARENT_GONE_MS).unref();
    stopService();
  });
  return (stop) => {
    stopService = stop;
    if (!process.connected) stop();
  };
}

/**
 * For a service's main.ts, after stopWithParent and before it opens anything in `dataDir`: holds
 * the directory for this process's life (service-lock.ts), waiting up to PREVIOUS_RUN_WAIT_MS for
 * the previous run's process to let go, and tells the cloud while it waits. Exits, telling why, if
 * that process does not let go.
 */
export async function holdDataDirectory(dataDir: string, service: ServiceHold): Promise<void> {
  try {
    // For the process's life: never released.
    await holdServiceDirectory(dataDir, service, { waitMs: PREVIOUS_RUN_WAIT_MS, onWaiting: (line) => tellCloud(line) });
  } catch (error) {
    tellCloud(error instanceof Error ? error.message : String(error), () => process.exit(1));
    // Nothing may open the directory meanwhile.
    await new Promise<never>(() => undefined);
  }
}

/** A line for the developer: to the cloud, which shows it, or on stderr for a service started by hand. */
function tellCloud(text: string, then: () => void = () => undefined): void {
  // With a callback, a send to a cloud that just died (EPIPE) is not an 'error' event that kills the service.
  if (process.send && process.connected) process.send({ kind: 'line', text } satisfies ChildServiceMessage, undefined, undefined, () => then());
  else {
    console.error(text);
    then();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<string>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
