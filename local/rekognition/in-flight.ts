/**
 * Concurrent requests for the same thing share one run: the first starts it, later ones join it
 * while it runs. Nothing is kept once it settles, so a request made after that runs again (it sees
 * a replaced S3 object), and a failed run fails every request that joined it and is forgotten.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, start: () => Promise<T>): Promise<T> {
    const joined = this.running.get(key);
    if (joined) return joined;
    const run = Promise.resolve()
      .then(start)
      .finally(() => {
        if (this.running.get(key) === run) this.running.delete(key);
      });
    this.running.set(key, run);
    return run;
  }
}
