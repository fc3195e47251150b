import { describe, expect, it } from 'vitest';
import { answerPasswordVerifier, modPow, N, paddedHex, srpClientKeys, srpPoolName, srpTimestamp } from '../../client/src/api/cognito-srp.ts';
import { clientPublicKeyProblem, createPasswordVerifier, passwordClaimHolds, passwordMatches, serverKeys } from './srp-server.ts';

const POOL_ID = 'us-east-1_AbC123xyZ';
const USER_ID = '6153ff01-d17b-4cbc-8e8f-007fc2aaebaf';

/** One PASSWORD_VERIFIER round between the project's client half and server half. */
async function round(storedPassword: string, typedPassword: string) {
  const stored = await createPasswordVerifier(srpPoolName(POOL_ID), USER_ID, storedPassword);
  const keys = await serverKeys(stored.verifier);
  const client = srpClientKeys();
  const secretBlock = Buffer.from('opaque server state').toString('base64');
  const challenge = { SALT: stored.salt, SRP_B: keys.B.toString(16), SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: USER_ID };
  const answer = await answerPasswordVerifier({ userPoolId: POOL_ID, password: typedPassword, keys: client, challenge });
  const claim = {
    poolName: srpPoolName(POOL_ID),
    userId: USER_ID,
    verifier: stored.verifier,
    srpA: paddedHex(client.A),
    keys,
    secretBlock,
    timestamp: answer.TIMESTAMP,
    signature: answer.PASSWORD_CLAIM_SIGNATURE,
  };
  return { claim, answer };
}

describe("Cognito's SRP", () => {
  it('encodes numbers as Java BigInteger bytes and signs timestamps as Cognito clients do', () => {
    expect(paddedHex(20n)).toBe('14');
    expect(paddedHex(236n)).toBe('00ec');
    expect(paddedHex(0x1ffn)).toBe('01ff');
    expect(() => paddedHex(-1n)).toThrow(RangeError);
    expect(srpTimestamp(new Date(Date.UTC(2026, 11, 5, 9, 3, 7)))).toBe('Sat Dec 5 09:03:07 UTC 2026');
    expect(modPow(3n, 200n, 1_000_003n)).toBe(3n ** 200n % 1_000_003n);
    expect(srpPoolName(POOL_ID)).toBe('AbC123xyZ');
  });

  it('proves the right password, and refuses a wrong one or a tampered claim', async () => {
    const right = await round('Correct-Horse-9-Battery', 'Correct-Horse-9-Battery');
    expect(right.answer.USERNAME).toBe(USER_ID);
    await expect(passwordClaimHolds(right.claim)).resolves.toBe(true);
    await expect(passwordClaimHolds({ ...right.claim, timestamp: 'Sat Dec 5 09:03:08 UTC 2026' })).resolves.toBe(false);
    await expect(passwordClaimHolds({ ...right.claim, userId: 'someone-else' })).resolves.toBe(false);
    const wrong = await round('Correct-Horse-9-Battery', 'Correct-Horse-9-Batterz');
    await expect(passwordClaimHolds(wrong.claim)).resolves.toBe(false);
  });

  it('refuses an A that is zero mod N: it would pass without the password', async () => {
    expect(clientPublicKeyProblem('0')).toMatch(/zero mod N/);
    expect(clientPublicKeyProblem(paddedHex(N))).toMatch(/zero mod N/);
    expect(clientPublicKeyProblem('xyz')).toMatch(/not a hex number/);
    expect(clientPublicKeyProblem(paddedHex(srpClientKeys().A))).toBeNull();
    const { claim } = await round('Correct-Horse-9-Battery', 'anything');
    await expect(passwordClaimHolds({ ...claim, srpA: paddedHex(N) })).resolves.toBe(false);
  });

  it('keeps a salted verifier, never the password, and checks a password against it', async () => {
    const stored = await createPasswordVerifier('AbC123xyZ', USER_ID, 'Correct-Horse-9-Battery');
    const again = await createPasswordVerifier('AbC123xyZ', USER_ID, 'Correct-Horse-9-Battery');
    expect(stored.salt).not.toBe(again.salt);
    expect(stored.verifier).not.toBe(again.verifier);
    expect(JSON.stringify(stored)).not.toContain('Correct');
    await expect(passwordMatches(stored, 'AbC123xyZ', USER_ID, 'Correct-Horse-9-Battery')).resolves.toBe(true);
    await expect(passwordMatches(stored, 'AbC123xyZ', USER_ID, 'Correct-Horse-9-Batterz')).resolves.toBe(false);
    // The verifier is bound to the pool and the user.
    await expect(passwordMatches(stored, 'Other', USER_ID, 'Correct-Horse-9-Battery')).resolves.toBe(false);
  });
});
