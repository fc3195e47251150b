/**
 * A value shared by every concurrent user of one key and dropped when the last of them is done
 * with it: the pixels of a photo (photo-pixels.ts), which its DetectLabels, DetectFaces and
 * DetectText calls all need. The value is made when a user first asks for it, not when users
 * join: a user may find it has no need (DetectFaces on a photo without a person) and should not
 * pay for it. Unlike InFlight (in-flight.ts), sharing lasts until the users' work ends, not only
 * while the value is being made; so memory is bounded by the work under way, and a user that
 * comes after the last one finished makes the value again. A failure to make it fails every user
 * waiting on it and is not remembered.
 */
export class SharedWhileUsed<T> {
  private readonly entries = new Map<string, { value: Promise<T> | undefined; users: number }>();

  /** Runs `work` with a getter that makes the key's value on its first call (by any user) and shares it. */
  async use<R>(key: string, make: () => Promise<T>, work: (value: () => Promise<T>) => Promise<R>): Promise<R> {
    const entry = this.entries.get(key) ?? { value: undefined, users: 0 };
    this.entries.set(key, entry);
    entry.users++;
    const value = (): Promise<T> => {
      if (entry.value) return entry.value;
      const made = Promise.resolve().then(make);
      // Forgotten at once, so that no later call joins a failure.
      made.catch(() => entry.value === made && (entry.value = undefined));
      return (entry.value = made);
    };
    try {
      return await work(value);
    } finally {
      if (--entry.users === 0 && this.entries.get(key) === entry) this.entries.delete(key);
    }
  }

  /** Keys in use (their value made, being made, or not yet asked for). */
  get size(): number {
    return this.entries.size;
  }
}
