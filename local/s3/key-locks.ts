/**
 * Per-key write locks for the front, so a conditional write is atomic as on S3: its read of the
 * current ETag, its decision and its store write run while no other write to that key does.
 *
 * A conditional write takes its key exclusively; every other write (PUT, copy, multipart completion,
 * POST upload, DELETE, each key of a DeleteObjects) takes it shared. Unconditional writes therefore
 * still run side by side, and wait only while a conditional write to the same key is deciding and
 * writing. They must wait then: an unconditional write landing between the conditional write's read
 * and its write would be overwritten by a write whose condition no longer held (a lost update).
 * Waiters are served in arrival order, so a stream of unconditional writes cannot starve a
 * conditional one. No I/O here; the front does that inside `exclusive` and `shared`.
 *
 * `watch` is S3's 409 ConditionalRequestConflict ("If a conflicting operation occurs during the
 * upload", PutObject's API reference; "if a delete request to an object succeeds before a
 * conditional write operation on that object completes", S3's conditional-writes guide): a delete
 * that removes the key's object while a conditional write to it is under way (from its arrival,
 * body upload included, until it decides) fails that write with 409 rather than judging its
 * condition against the state after the delete. A delete of a key that holds no object removes
 * nothing and conflicts with nothing (the front reports only removals).
 *
 * The store uses them too (store-writes.ts): a write renames its files into place exclusively, and a
 * read of an object's files holds the key shared, so it never sees half of a write.
 */

interface Waiter {
  exclusive: boolean;
  grant: () => void;
}

interface KeyState {
  readers: number;
  writer: boolean;
  queue: Waiter[];
  watches: Set<{ conflicted: boolean }>;
}

export interface Watch {
  /** True once a delete of the key succeeded after the watch began. */
  readonly conflicted: boolean;
  stop(): void;
}

export class KeyLocks {
  private readonly keys = new Map<string, KeyState>();

  /** Runs `work` while no other write to `key` runs. */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(key, true);
    try {
      return await work();
    } finally {
      this.release(key, true);
    }
  }

  /** Runs `work` while no conditional write to any of `keys` runs (taken in sorted order: no deadlock). */
  async shared<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const held: string[] = [];
    try {
      for (const key of sorted) {
        await this.acquire(key, false);
        held.push(key);
      }
      return await work();
    } finally {
      for (const key of held) this.release(key, false);
    }
  }

  watch(key: string): Watch {
    const state = this.state(key);
    const watch = {
      conflicted: false,
      stop: () => {
        state.watches.delete(watch);
        this.forgetIfIdle(key, state);
      },
    };
    state.watches.add(watch);
    return watch;
  }

  /** A delete removed the object of `key`: the conditional writes to it under way fail with 409. */
  deleted(key: string): void {
    for (const watch of this.keys.get(key)?.watches ?? []) watch.conflicted = true;
  }

  /** Keys with a holder, a waiter or a watch (the rest are forgotten). */
  get size(): number {
    return this.keys.size;
  }

  private acquire(key: string, exclusive: boolean): Promise<void> {
    const state = this.state(key);
    if (state.queue.length === 0 && compatible(state, exclusive)) {
      take(state, exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => state.queue.push({ exclusive, grant: resolve }));
  }

  private release(key: string, exclusive: boolean): void {
    const state = this.keys.get(key);
    if (!state) return;
    if (exclusive) state.writer = false;
    else state.readers -= 1;
    while (state.queue.length > 0 && compatible(state, state.queue[0]!.exclusive)) {
      const next = state.queue.shift()!;
      take(state, next.exclusive);
      next.grant();
    }
    this.forgetIfIdle(key, state);
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { readers: 0, writer: false, queue: [], watches: new Set() };
      this.keys.set(key, state);
    }
    return state;
  }

  private forgetIfIdle(key: string, state: KeyState): void {
    if (state.readers === 0 && !state.writer && state.queue.length === 0 && state.watches.size === 0) this.keys.delete(key);
  }
}

function compatible(state: KeyState, exclusive: boolean): boolean {
  return !state.writer && (!exclusive || state.readers === 0);
}

function take(state: KeyState, exclusive: boolean): void {
  if (exclusive) state.writer = true;
  else state.readers += 1;
}
