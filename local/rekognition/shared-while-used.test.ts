import { describe, expect, it } from 'vitest';
import { SharedWhileUsed } from './shared-while-used.ts';

/** A value the test makes by hand, counting how often it was made. */
function controlled() {
  const made: string[] = [];
  let settle: { resolve(value: string): void; reject(error: Error): void } | undefined;
  const make = (key: string) => () => {
    made.push(key);
    return new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  };
  return { made, make, settle: () => settle };
}

/** Work the test ends by hand. */
function pending() {
  let end = () => {};
  const done = new Promise<void>((resolve) => (end = resolve));
  return { done, end: () => end() };
}

describe('SharedWhileUsed', () => {
  it('makes the value once for every user of a key until the last one is done, then drops it', async () => {
    const { made, make, settle } = controlled();
    const shared = new SharedWhileUsed<string>();
    const first = pending();
    const seen: string[] = [];
    const a = shared.use('photo', make('photo'), async (value) => (seen.push(await value()), await first.done));
    const b = shared.use('photo', make('photo'), async (value) => seen.push(await value()));
    await expect.poll(() => made).toEqual(['photo']);
    settle()?.resolve('pixels');
    await b;
    // One user is still working: a newcomer joins the value already made.
    await shared.use('photo', make('photo'), async (value) => seen.push(await value()));
    expect(made).toEqual(['photo']);
    expect(shared.size).toBe(1);
    first.end();
    await a;
    expect(seen).toEqual(['pixels', 'pixels', 'pixels']);
    expect(shared.size).toBe(0);
    // Nothing kept: a later user makes the value again.
    const later = shared.use('photo', make('photo'), (value) => value());
    await expect.poll(() => made).toEqual(['photo', 'photo']);
    settle()?.resolve('pixels again');
    expect(await later).toBe('pixels again');
  });

  it('fails every user waiting on a value that cannot be made, gives none of their work the value, and forgets the failure', async () => {
    const { made, make, settle } = controlled();
    const shared = new SharedWhileUsed<string>();
    const worked: string[] = [];
    const users = [1, 2, 3].map(() => shared.use('photo', make('photo'), async (value) => worked.push(await value())));
    await expect.poll(() => made).toEqual(['photo']);
    settle()?.reject(new Error('undecodable'));
    for (const user of users) await expect(user).rejects.toThrow('undecodable');
    expect(worked).toEqual([]);
    expect(shared.size).toBe(0);
    const retry = shared.use('photo', make('photo'), (value) => value());
    await expect.poll(() => made).toEqual(['photo', 'photo']);
    settle()?.resolve('pixels');
    expect(await retry).toBe('pixels');
  });

  it('releases the value when a user\'s work fails, and passes that failure to that user only', async () => {
    const shared = new SharedWhileUsed<string>();
    const other = pending();
    const ok = shared.use('photo', () => Promise.resolve('pixels'), async (value) => (await other.done, await value()));
    await expect(shared.use('photo', () => Promise.resolve('unused'), () => Promise.reject(new Error('worker died')))).rejects.toThrow('worker died');
    expect(shared.size).toBe(1);
    other.end();
    expect(await ok).toBe('pixels');
    expect(shared.size).toBe(0);
  });

  it('makes the value only when a user asks for it', async () => {
    const { made, make, settle } = controlled();
    const shared = new SharedWhileUsed<string>();
    const asking = pending();
    // A user that finds it has no need of the value: nothing is made for it.
    expect(await shared.use('photo', make('photo'), () => Promise.resolve('no need'))).toBe('no need');
    expect(made).toEqual([]);
    const idle = shared.use('photo', make('photo'), () => asking.done);
    const asker = shared.use('photo', make('photo'), async (value) => (await asking.done, value()));
    expect(made).toEqual([]);
    asking.end();
    await idle;
    await expect.poll(() => made).toEqual(['photo']);
    settle()?.resolve('pixels');
    expect(await asker).toBe('pixels');
  });

  it('keeps keys apart', async () => {
    const shared = new SharedWhileUsed<string>();
    const values = await Promise.all(['a', 'b'].map((key) => shared.use(key, () => Promise.resolve(`pixels of ${key}`), (value) => value())));
    expect(values).toEqual(['pixels of a', 'pixels of b']);
    expect(shared.size).toBe(0);
  });
});
