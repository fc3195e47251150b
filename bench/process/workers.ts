/** The parent side of the measuring children: bundles worker.ts once, then forks it per image and mode. */
import { type ChildProcess, fork } from 'node:child_process';
import { repoPath } from '../../infra/paths.ts';
import { type Bundle, bundleModule } from '../bundle.ts';
import type { ChildMessage, FinishMessage, ParentMessage, ReadyMessage, RunMessage, WorkerMode } from './protocol.ts';

export type WorkerBundle = Bundle;

/** The measuring child, bundled as the Lambda's NodejsFunction would bundle it (see bench/bundle.ts). */
export function bundleWorker(): Promise<WorkerBundle> {
  return bundleModule('process', `import ${JSON.stringify(repoPath('bench/process/worker.ts'))};`);
}

/** One measuring child, alive for the runs of one image. */
export class Worker {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ReadyMessage,
  ) {}

  static async start(bundle: WorkerBundle, mode: WorkerMode, image: string): Promise<Worker> {
    // Plain node, not tsx: nothing of the benchmark's own tooling in the measured process.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = fork(bundle.file, [mode, image], { execArgv: [], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await next<ReadyMessage>(child, 'ready');
    return new Worker(child, ready);
  }

  async run(largestOnly = false): Promise<RunMessage> {
    return this.request<RunMessage>({ type: 'run', largestOnly }, 'ran');
  }

  /** Ends the child; returns its peak RSS over all its runs. */
  async finish(): Promise<FinishMessage> {
    const finished = await this.request<FinishMessage>({ type: 'finish' }, 'finished');
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    return finished;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private request<T extends ChildMessage>(message: ParentMessage, type: T['type']): Promise<T> {
    const reply = next<T>(this.child, type);
    this.child.send(message);
    return reply;
  }
}

function next<T extends ChildMessage>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      cleanup();
      if (message.type === type) resolve(message as T);
      else reject(new Error(message.type === 'error' ? message.message : `expected ${type}, got ${message.type}`));
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`measuring child exited (code ${code}) before replying "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
