/**
 * Long polling: a ReceiveMessage that found nothing waits here until its queue changes (a send, a
 * message made visible), a hidden message's time comes, the wait time ends, or the caller goes.
 */
export class LongPolls {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves at `until` (epoch ms) at the latest. */
  wait(queue: string, until: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const waiters = this.waiting.get(queue) ?? new Set();
      this.waiting.set(queue, waiters);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      signal.addEventListener('abort', done);
      waiters.add(done);
    });
  }

  notify(queue: string): void {
    for (const done of [...(this.waiting.get(queue) ?? [])]) done();
  }

  /** Ends every wait (the server is closing). */
  notifyAll(): void {
    for (const queue of this.waiting.keys()) this.notify(queue);
  }
}
