import { describe, expect, it } from 'vitest';
import { KeyLocks } from './key-locks.ts';

/** A task that runs until `finish` is called, recording when it started and ended. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    work: async () => {
      log.push(`${name} start`);
      await done;
      log.push(`${name} end`);
    },
    finish,
  };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyLocks', () => {
  it('runs unconditional (shared) writes to one key side by side', async () => {
    const locks = new KeyLocks();
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const running = [locks.shared(['k'], a.work), locks.shared(['k'], b.work)];
    await settle();
    expect(log).toEqual(['a start', 'b start']);
    a.finish();
    b.finish();
    await Promise.all(running);
    expect(locks.size).toBe(0);
  });

  it('keeps a conditional (exclusive) write apart from every other write to its key, in arrival order', async () => {
    const locks = new KeyLocks();
    const log: string[] = [];
    const [shared1, conditional, shared2, conditional2] = [gate(log, 'shared1'), gate(log, 'conditional'), gate(log, 'shared2'), gate(log, 'conditional2')];
    const running = [
      locks.shared(['k'], shared1.work),
      locks.exclusive('k', conditional.work),
      locks.shared(['k'], shared2.work),
      locks.exclusive('k', conditional2.work),
    ];
    await settle();
    expect(log).toEqual(['shared1 start']);
    shared1.finish();
    await settle();
    expect(log).toEqual(['shared1 start', 'shared1 end', 'conditional start']);
    conditional.finish();
    await settle();
    expect(log.slice(3)).toEqual(['conditional end', 'shared2 start']);
    shared2.finish();
    await settle();
    expect(log.slice(5)).toEqual(['shared2 end', 'conditional2 start']);
    conditional2.finish();
    await Promise.all(running);
    expect(locks.size).toBe(0);
  });

  it('does not hold back writes to other keys', async () => {
    const locks = new KeyLocks();
    const log: string[] = [];
    const [conditional, other] = [gate(log, 'conditional'), gate(log, 'other')];
    const running = [locks.exclusive('k', conditional.work), locks.exclusive('j', other.work)];
    await settle();
    expect(log).toEqual(['conditional start', 'other start']);
    conditional.finish();
    other.finish();
    await Promise.all(running);
  });

  it('takes a multi-key shared lock in sorted order, holding none while it waits for the first', async () => {
    const locks = new KeyLocks();
    const log: string[] = [];
    const [onA, onB] = [gate(log, 'conditional a'), gate(log, 'conditional b')];
    const conditionalA = locks.exclusive('a', onA.work);
    // A DeleteObjects of [b, a] waits for a first, so it holds b by then only if it took b first...
    const deleteMany = locks.shared(['b', 'a'], () => {
      log.push('delete [b, a]');
      return Promise.resolve();
    });
    await settle();
    // ...and a conditional write to b, waiting for it, could then wait on a cycle (with one to a waiting for b).
    const conditionalB = locks.exclusive('b', onB.work);
    await settle();
    expect(log).toEqual(['conditional a start', 'conditional b start']);
    onA.finish();
    onB.finish();
    await Promise.all([conditionalA, deleteMany, conditionalB]);
    expect(log).toContain('delete [b, a]');
    expect(locks.size).toBe(0);
  });

  it('releases the lock when the work fails', async () => {
    const locks = new KeyLocks();
    await expect(locks.exclusive('k', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    await expect(locks.shared(['k'], () => Promise.resolve('written'))).resolves.toBe('written');
    expect(locks.size).toBe(0);
  });

  it('marks a watch conflicted by a delete of its key after it began, and by nothing else', () => {
    const locks = new KeyLocks();
    locks.deleted('k');
    const watch = locks.watch('k');
    const other = locks.watch('j');
    expect(watch.conflicted).toBe(false);
    locks.deleted('k');
    expect(watch.conflicted).toBe(true);
    expect(other.conflicted).toBe(false);
    watch.stop();
    other.stop();
    expect(locks.size).toBe(0);
  });
});
