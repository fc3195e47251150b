import { describe, expect, it } from 'vitest';
import { DEADLINE_MARGIN_MS, OutOfTime, untilAborted, watchDeadline } from './time-budget.ts';

describe('watchDeadline', () => {
  it('aborts with OutOfTime once less than the margin is left, following the clock it is given', async () => {
    let left = 60_000;
    const deadline = watchDeadline(() => left);
    try {
      expect(deadline.signal.aborted).toBe(false);
      // A clock that jumps (as Lambda's never does) is still seen within a check interval.
      left = DEADLINE_MARGIN_MS - 1;
      const reason = await new Promise((resolve) => deadline.signal.addEventListener('abort', () => resolve(deadline.signal.reason)));
      expect(reason).toBeInstanceOf(OutOfTime);
    } finally {
      deadline.stop();
    }
  });

  it('is already aborted when the invocation starts with less than the margin', () => {
    const deadline = watchDeadline(() => DEADLINE_MARGIN_MS);
    expect(deadline.signal.aborted).toBe(true);
    deadline.stop();
  });

  it('does not abort once stopped', async () => {
    let left = 60_000;
    const deadline = watchDeadline(() => left);
    deadline.stop();
    left = 0;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(deadline.signal.aborted).toBe(false);
  });
});

describe('untilAborted', () => {
  it('is the work’s result or failure while the signal holds', async () => {
    const signal = new AbortController().signal;
    await expect(untilAborted(Promise.resolve(7), signal)).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error('failed')), signal)).rejects.toThrow('failed');
  });

  it('rejects with the signal’s reason as soon as it aborts, without waiting for the work', async () => {
    const controller = new AbortController();
    let finish = (_value: string) => undefined as void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const abandoned = untilAborted(work, controller.signal);
    const reason = new OutOfTime('late');
    controller.abort(reason);
    await expect(abandoned).rejects.toBe(reason);
    finish('too late');
    await expect(untilAborted(work, controller.signal)).rejects.toBe(reason);
  });
});
