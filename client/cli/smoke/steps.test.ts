import { describe, expect, it } from 'vitest';
import { formatHeader, formatRow, formatVerdict, runSteps, type Step } from './steps.ts';

/** A clock that moves 10 ms per reading, so times are predictable. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 10);
}

const ok = (name: string, detail = `${name} done`): Step => ({ name, run: () => Promise.resolve(detail) });
const failing = (name: string, message: string): Step => ({ name, run: () => Promise.reject(new Error(message)) });

describe('runSteps', () => {
  it('runs every step in order and every cleanup step when all pass', async () => {
    const order: string[] = [];
    const step = (name: string): Step => ({ name, run: () => (order.push(name), Promise.resolve(name)) });
    const report = await runSteps([step('a'), step('b')], [step('c')], { now: steppingClock() });
    expect(order).toEqual(['a', 'b', 'c']);
    expect(report.ok).toBe(true);
    expect(report.failure).toBeUndefined();
    expect(report.results.map((r) => [r.name, r.status, r.ms, r.cleanup])).toEqual([
      ['a', 'ok', 10, false],
      ['b', 'ok', 10, false],
      ['c', 'ok', 10, true],
    ]);
  });

  it('skips the steps after a failure, still cleans up, and names the failing step', async () => {
    const reported: string[] = [];
    const report = await runSteps([ok('create'), failing('upload', 'storage said no'), ok('search')], [ok('remove')], {
      onResult: (r) => reported.push(`${r.name}:${r.status}`),
    });
    expect(report.ok).toBe(false);
    expect(report.failure).toEqual({ step: 'upload', message: 'storage said no' });
    expect(reported).toEqual(['create:ok', 'upload:failed', 'search:skipped', 'remove:ok']);
    expect(report.results.find((r) => r.name === 'search')).toMatchObject({ ms: 0, detail: 'after upload failed' });
  });

  it('runs every cleanup step even when one fails, and a failed cleanup fails the run', async () => {
    const report = await runSteps([ok('create')], [failing('delete', 'NotFound'), ok('remove')]);
    expect(report.ok).toBe(false);
    expect(report.failure).toEqual({ step: 'delete', message: 'NotFound' });
    expect(report.results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
  });

  it('reports a cleanup step with nothing to undo as skipped, not as a failure', async () => {
    const report = await runSteps([], [{ name: 'delete', run: () => Promise.resolve(null) }]);
    expect(report.ok).toBe(true);
    expect(report.results[0]).toMatchObject({ status: 'skipped', detail: 'nothing to do' });
  });

  it('keeps the first failure when a later cleanup also fails, and reads non-Error throws', async () => {
    const throwsString: Step = {
      name: 'b',
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- steps call libraries that may reject with anything
      run: () => Promise.reject('plain string'),
    };
    const report = await runSteps([failing('a', 'first')], [throwsString]);
    expect(report.failure).toEqual({ step: 'a', message: 'first' });
    expect(report.results[1]).toMatchObject({ status: 'failed', detail: 'plain string' });
  });
});

describe('the table', () => {
  it('lines up name, result, time and detail; skipped steps show no time', () => {
    const lines = [
      formatHeader().split('\n')[0]!,
      formatRow({ name: 'upload', status: 'ok', ms: 1234, detail: 'fruits.jpg' }),
      formatRow({ name: 'search', status: 'skipped', ms: 0, detail: 'after upload failed' }),
    ];
    expect(lines).toEqual([
      'Step               Result      Time  Detail',
      'upload             ok        1.23 s  fruits.jpg',
      'search             skipped           after upload failed',
    ]);
  });

  it('ends with the verdict', () => {
    expect(formatVerdict({ ok: true, results: [], totalMs: 4321 })).toBe('Smoke test passed in 4.32 s.');
    expect(formatVerdict({ ok: false, failure: { step: 'processed', message: 'no event' }, results: [], totalMs: 1 })).toBe(
      'Smoke test FAILED at "processed": no event',
    );
  });
});
