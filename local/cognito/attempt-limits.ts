/**
 * How often the user pool lets someone try: the password lockout and the code limits Cognito
 * applies per user, as plain counters on an injected clock (user-auth.ts holds one per limit, in
 * memory: a restart clears them, see README). Every attempt counts as failed when it is made and
 * is forgiven only when it succeeds, so concurrent guesses cannot all slip past the check while
 * the first is still being verified.
 */

/** Cognito's temporary lockout after failed password attempts. */
export interface LockoutPolicy {
  /** Failures allowed before the first lockout. */
  freeFailures: number;
  /** The first lockout; each further failure doubles it. */
  firstLockoutMs: number;
  maxLockoutMs: number;
  /** This long without any attempt forgets the failures. */
  idleResetMs: number;
}

/**
 * AWS's figures (developer guide, "Lockout behavior for failed sign-in attempts"): after five
 * failed sign-in attempts with a password the user is locked out for one second, doubling with
 * each further failure (2^(n-5) s for n failures) up to about 15 minutes; attempts during a
 * lockout fail with "Password attempts exceeded" and do not lengthen later lockouts; a successful
 * sign-in after the lockout, or 15 minutes without attempts, resets the count.
 */
export const SIGN_IN_LOCKOUT: LockoutPolicy = {
  freeFailures: 5,
  firstLockoutMs: 1000,
  maxLockoutMs: 15 * 60 * 1000,
  idleResetMs: 15 * 60 * 1000,
};

interface LockoutEntry {
  failures: number;
  lockedUntil: number;
  lastAttempt: number;
}

/** What the user pool asks of each limit. */
export interface AttemptLimit {
  /**
   * Starts an attempt for `key` at `now` (ms): false when the limit refuses it (it then counts for
   * nothing); else true, and the attempt counts as failed until `succeeded` forgives it.
   */
  attempt(key: string, now: number): boolean;
  /** The attempt succeeded (the password or code was right): the key's failures are forgotten. */
  succeeded(key: string): void;
}

export function createLockout(policy: LockoutPolicy): AttemptLimit {
  const entries = new Map<string, LockoutEntry>();
  const forgetIdle = idlePruner(entries, (entry: LockoutEntry) => entry.lastAttempt + policy.idleResetMs);
  return {
    attempt(key, now) {
      forgetIdle(now);
      const known = entries.get(key);
      const entry = known && now - known.lastAttempt < policy.idleResetMs ? known : { failures: 0, lockedUntil: 0, lastAttempt: now };
      entry.lastAttempt = now;
      entries.set(key, entry);
      if (now < entry.lockedUntil) return false;
      entry.failures += 1;
      const beyond = entry.failures - policy.freeFailures;
      if (beyond >= 0) entry.lockedUntil = now + Math.min(policy.firstLockoutMs * 2 ** beyond, policy.maxLockoutMs);
      return true;
    },
    succeeded(key) {
      entries.delete(key);
    },
  };
}

/** At most `limit` attempts per key in any `windowMs`. */
export interface RateLimitPolicy {
  limit: number;
  windowMs: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * AWS allows "between five and 20" requests or entries of a password reset code per user and hour,
 * depending on risk (developer guide, "Recovering user accounts", quoted in
 * aws-amplify/amplify-js#13225); past that ForgotPassword, ResendConfirmationCode and the code
 * checks answer LimitExceededException. The local pool allows the low end, separately for codes
 * sent and for wrong codes entered.
 */
export const CODES_SENT_PER_HOUR: RateLimitPolicy = { limit: 5, windowMs: HOUR_MS };
export const WRONG_CODES_PER_HOUR: RateLimitPolicy = { limit: 5, windowMs: HOUR_MS };

/** At most `policy.limit` attempts per key in any window; refused attempts are not recorded. */
export function createRateLimit(policy: RateLimitPolicy): AttemptLimit {
  const attempts = new Map<string, number[]>();
  const forgetIdle = idlePruner(attempts, (times: number[]) => (times.at(-1) ?? 0) + policy.windowMs);
  return {
    attempt(key, now) {
      forgetIdle(now);
      const recent = (attempts.get(key) ?? []).filter((time) => time > now - policy.windowMs);
      if (recent.length >= policy.limit) {
        attempts.set(key, recent);
        return false;
      }
      attempts.set(key, [...recent, now]);
      return true;
    },
    succeeded(key) {
      attempts.delete(key);
    },
  };
}

/** Keeps the maps small when many keys are tried (each unknown user name is a key). */
const PRUNE_ABOVE = 1000;

/**
 * Forgets the entries whose time is up once the map holds more than PRUNE_ABOVE, and then only
 * each time it has doubled since the last sweep: sweeping on every attempt made a spray of
 * names cost the square of their number, while this costs each attempt O(1) on average.
 */
export function idlePruner<Entry>(entries: Map<string, Entry>, forgottenAt: (entry: Entry) => number): (now: number) => void {
  let sweepAbove = PRUNE_ABOVE;
  return (now) => {
    if (entries.size <= sweepAbove) return;
    for (const [key, entry] of entries) if (forgottenAt(entry) <= now) entries.delete(key);
    sweepAbove = Math.max(PRUNE_ABOVE, 2 * entries.size);
  };
}
