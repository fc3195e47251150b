/**
 * Group commit. Every commit waits for an fsync (~10 ms here) that blocks the event loop; requests
 * arriving meanwhile are queued and committed together on the next turn, so concurrent senders
 * and pollers share one fsync. Each caller is answered only after the commit holding its write.
 */
type Outcome = { value: unknown } | { error: unknown };

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private pending: Pending[] = [];

  /** `transaction` runs its argument in one transaction; a nested one is a savepoint. */
  constructor(private readonly transaction: <T>(work: () => T) => T) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    let outcomes: Outcome[];
    try {
      // A failing request undoes only its own writes (its savepoint); the others still commit.
      outcomes = this.transaction(() =>
        batch.map(({ work }): Outcome => {
          try {
            return { value: this.transaction(work) };
          } catch (error) {
            return { error };
          }
        }),
      );
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const { resolve, reject } = batch[i] as Pending;
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    });
  }
}
