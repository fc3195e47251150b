/** The parent side: forks subscriber-child.ts under tsx and asks it things over IPC. */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FromSubscribers, ToSubscribers } from './protocol.ts';

const require = createRequire(import.meta.url);

export class SubscriberProcess {
  private constructor(private readonly child: ChildProcess) {}

  static start(): SubscriberProcess {
    const child = fork(fileURLToPath(new URL('./subscriber-child.ts', import.meta.url)), [], {
      execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new SubscriberProcess(child);
  }

  /** Sends `message` and resolves with the child's next answer of `type` (an error answer rejects). */
  ask<T extends FromSubscribers['type']>(message: ToSubscribers, type: T): Promise<Extract<FromSubscribers, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (answer: FromSubscribers) => {
        cleanup();
        if (answer.type === type) resolve(answer as Extract<FromSubscribers, { type: T }>);
        else reject(new Error(answer.type === 'error' ? answer.message : `expected ${type}, got ${answer.type}`));
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`subscriber process exited (${code}) before answering ${type}`));
      };
      const cleanup = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
      this.child.send(message);
    });
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }
}
