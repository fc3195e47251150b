import { describe, expect, it } from 'vitest';
import { CODES_SENT_PER_HOUR, createLockout, createRateLimit, idlePruner, SIGN_IN_LOCKOUT } from './attempt-limits.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** `count` failed attempts at `at`, each of which must have been let through. */
function fail(lockout: ReturnType<typeof createLockout>, key: string, at: number, count = 1) {
  for (let i = 0; i < count; i++) expect(lockout.attempt(key, at)).toBe(true);
}

describe('createLockout with Cognito figures', () => {
  it('lets five failures through, then locks the key out for one second', () => {
    const lockout = createLockout(SIGN_IN_LOCKOUT);
    fail(lockout, 'ada', 0, 5);
    expect(lockout.attempt('ada', 0)).toBe(false);
    expect(lockout.attempt('ada', 999)).toBe(false);
    // Another key is not affected.
    expect(lockout.attempt('bob', 0)).toBe(true);
    expect(lockout.attempt('ada', SECOND)).toBe(true);
  });

  it('doubles the lockout with each further failure (2^(n-5) s), up to 15 minutes', () => {
    const lockout = createLockout(SIGN_IN_LOCKOUT);
    fail(lockout, 'ada', 0, 5);
    // Someone trying again the moment each lockout ends fails once more each time.
    let now = 0;
    for (const seconds of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]) {
      expect(lockout.attempt('ada', now + seconds * SECOND - 1)).toBe(false);
      now += seconds * SECOND;
      fail(lockout, 'ada', now);
    }
  });

  it('refused attempts do not count: the next lockout is only twice the last', () => {
    const lockout = createLockout(SIGN_IN_LOCKOUT);
    fail(lockout, 'ada', 0, 5);
    for (let t = 0; t < SECOND; t += 100) expect(lockout.attempt('ada', t)).toBe(false);
    fail(lockout, 'ada', SECOND);
    expect(lockout.attempt('ada', 3 * SECOND - 1)).toBe(false);
    expect(lockout.attempt('ada', 3 * SECOND)).toBe(true);
  });

  it('a success forgets the failures', () => {
    const lockout = createLockout(SIGN_IN_LOCKOUT);
    fail(lockout, 'ada', 0, 4);
    expect(lockout.attempt('ada', 0)).toBe(true);
    lockout.succeeded('ada');
    fail(lockout, 'ada', 0, 5);
    expect(lockout.attempt('ada', 0)).toBe(false);
  });

  it('15 minutes without any attempt forget the failures; attempts while locked keep them', () => {
    const lockout = createLockout(SIGN_IN_LOCKOUT);
    fail(lockout, 'ada', 0, 5);
    fail(lockout, 'ada', SECOND);
    fail(lockout, 'ada', 3 * SECOND);
    // Locked for 4 s from the 7th failure; a refused attempt keeps the count alive.
    expect(lockout.attempt('ada', 6 * SECOND)).toBe(false);
    const eighth = 15 * MINUTE + 6 * SECOND - 1;
    fail(lockout, 'ada', eighth);
    // The 8th failure locked it for 8 s: the count was kept.
    expect(lockout.attempt('ada', eighth + 7 * SECOND)).toBe(false);
    // Quiet for 15 minutes: five failures are free again.
    fail(lockout, 'ada', 31 * MINUTE, 5);
    expect(lockout.attempt('ada', 31 * MINUTE)).toBe(false);
  });

  it('counts concurrent attempts as they start, so a burst cannot pass the check together', () => {
    const lockout = createLockout(SIGN_IN_LOCKOUT);
    const started = Array.from({ length: 20 }, () => lockout.attempt('ada', 0));
    expect(started.filter(Boolean)).toHaveLength(5);
  });

  it('keeps a lockout when many other keys are tried', () => {
    const lockout = createLockout(SIGN_IN_LOCKOUT);
    fail(lockout, 'ada', 0, 5);
    for (let i = 0; i < 2000; i++) lockout.attempt(`spray-${i}`, 500);
    expect(lockout.attempt('ada', 900)).toBe(false);
  });
});

describe('createRateLimit', () => {
  it('allows five per hour per key, refusing without recording, and frees a slot as each ages out', () => {
    const limit = createRateLimit(CODES_SENT_PER_HOUR);
    for (let i = 0; i < 5; i++) expect(limit.attempt('ada', i * MINUTE)).toBe(true);
    expect(limit.attempt('ada', 5 * MINUTE)).toBe(false);
    expect(limit.attempt('bob', 5 * MINUTE)).toBe(true);
    expect(limit.attempt('ada', 60 * MINUTE - 1)).toBe(false);
    // The first (at 0) leaves the window at 60 minutes: one slot, then full again.
    expect(limit.attempt('ada', 60 * MINUTE)).toBe(true);
    expect(limit.attempt('ada', 60 * MINUTE)).toBe(false);
    expect(limit.attempt('ada', 61 * MINUTE)).toBe(true);
  });

  it('succeeded forgets a key', () => {
    const limit = createRateLimit(CODES_SENT_PER_HOUR);
    for (let i = 0; i < 5; i++) limit.attempt('ada', 0);
    limit.succeeded('ada');
    expect(limit.attempt('ada', 0)).toBe(true);
  });

  it('keeps a full window when many other keys are tried', () => {
    const limit = createRateLimit(CODES_SENT_PER_HOUR);
    for (let i = 0; i < 5; i++) limit.attempt('ada', 0);
    for (let i = 0; i < 2000; i++) limit.attempt(`spray-${i}`, MINUTE);
    expect(limit.attempt('ada', 2 * MINUTE)).toBe(false);
  });
});

describe('idlePruner', () => {
  it('forgets expired entries once the map is large, then sweeps again only when it has doubled', () => {
    const entries = new Map<string, number>();
    let visited = 0;
    const prune = idlePruner(entries, (expiresAt: number) => {
      visited += 1;
      return expiresAt;
    });
    for (let i = 0; i < 1000; i++) entries.set(`old-${i}`, 10);
    prune(20);
    expect([entries.size, visited]).toEqual([1000, 0]);
    entries.set('live', 100);
    prune(20);
    // The expired ones go, the live one stays.
    expect([...entries.keys()]).toEqual(['live']);
    expect(visited).toBe(1001);
    // 999 more live entries: 1,000 in all, not above the floor, so no sweep.
    for (let i = 0; i < 999; i++) entries.set(`new-${i}`, 100);
    prune(20);
    expect([entries.size, visited]).toEqual([1000, 1001]);
    entries.set('one-more', 100);
    prune(20);
    expect([entries.size, visited]).toEqual([1001, 2002]);
    // Nothing expired: the next sweep waits for 2,002 entries.
    entries.set('another', 100);
    prune(20);
    expect(visited).toBe(2002);
  });
});
