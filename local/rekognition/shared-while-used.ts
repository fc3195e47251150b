/**
 * A value made once for every concurrent user of one key and dropped when the last of them is done
 * with it: the detector pixels of a photo (detector-pixels.ts), which its DetectLabels and
 * DetectFaces calls both need. Unlike InFlight (in-flight.ts), sharing lasts until the users'
 * work ends, not only while the value is being made; so memory is bounded by the work under way,
 * and a user that comes after the last one finished makes the value again. A failure to make it
 * fails every user waiting on it and is not remembered.
 */
export class SharedWhileUsed<T> {
  private readonly entries = new Map<string, { value: Promise<T>; users: number }>();

  async use<R>(key: string, make: () => Promise<T>, work: (value: T) => Promise<R>): Promise<R> {
    let entry = this.entries.get(key);
    if (!entry) {
      const made = { value: Promise.resolve().then(make), users: 0 };
      // Forgotten at once, so that no later user joins a failure.
      made.value.catch(() => this.entries.get(key) === made && this.entries.delete(key));
      this.entries.set(key, made);
      entry = made;
    }
    entry.users++;
    try {
      return await work(await entry.value);
    } finally {
      if (--entry.users === 0 && this.entries.get(key) === entry) this.entries.delete(key);
    }
  }

  /** Keys whose value is held (being made or in use). */
  get size(): number {
    return this.entries.size;
  }
}
