import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.ts';

/** A run the test settles by hand, counting how often each key was started. */
function controlled() {
  const started: string[] = [];
  const settle = new Map<string, { resolve(value: string): void; reject(error: Error): void }>();
  const start = (key: string) => () => {
    started.push(key);
    return new Promise<string>((resolve, reject) => settle.set(key, { resolve, reject }));
  };
  return { started, settle, start };
}

describe('InFlight', () => {
  it('runs once for concurrent requests of one key, once per key', async () => {
    const { started, settle, start } = controlled();
    const reads = new InFlight<string>();
    const a = [reads.run('a', start('a')), reads.run('a', start('a')), reads.run('a', start('a'))];
    const b = reads.run('b', start('b'));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    settle.get('a')?.resolve('bytes of a');
    settle.get('b')?.resolve('bytes of b');
    expect(await Promise.all(a)).toEqual(['bytes of a', 'bytes of a', 'bytes of a']);
    expect(await b).toBe('bytes of b');
  });

  it('keeps nothing once a run has settled: a later request runs again and may see something else', async () => {
    const { started, settle, start } = controlled();
    const reads = new InFlight<string>();
    const first = reads.run('a', start('a'));
    await Promise.resolve();
    settle.get('a')?.resolve('old');
    expect(await first).toBe('old');
    const second = reads.run('a', start('a'));
    await Promise.resolve();
    settle.get('a')?.resolve('replaced');
    expect(await second).toBe('replaced');
    expect(started).toEqual(['a', 'a']);
  });

  it('fails every request that joined a failed run, and forgets the failure', async () => {
    const { started, settle, start } = controlled();
    const reads = new InFlight<string>();
    const joined = [reads.run('a', start('a')), reads.run('a', start('a'))];
    await Promise.resolve();
    settle.get('a')?.reject(new Error('no such key'));
    for (const request of joined) await expect(request).rejects.toThrow('no such key');
    const retry = reads.run('a', start('a'));
    await Promise.resolve();
    settle.get('a')?.resolve('now there');
    expect(await retry).toBe('now there');
    expect(started).toEqual(['a', 'a']);
  });

  it('turns a start that throws into a rejection of every request that joined it', async () => {
    const reads = new InFlight<string>();
    const start = () => {
      throw new Error('refused at once');
    };
    await expect(Promise.all([reads.run('a', start), reads.run('a', start)])).rejects.toThrow('refused at once');
    await expect(reads.run('a', () => Promise.resolve('fine'))).resolves.toBe('fine');
  });
});
