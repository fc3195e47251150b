/**
 * The server's half of Cognito's SRP (USER_SRP_AUTH / PASSWORD_VERIFIER), written here with Web
 * Crypto and BigInt: no maintained npm package implements Cognito's server side (its clients,
 * Amplify and amazon-cognito-identity-js, implement only the client's). The math both halves
 * share is client/src/api/cognito-srp.ts; srp-server.test.ts checks this half against Amplify's.
 *
 * The pool stores, per user, only a salt and the verifier v = g^x mod N, derived whenever a
 * password is set; the password itself is never stored.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  bytesToHex,
  g,
  modPow,
  N,
  passwordAuthenticationKey,
  passwordClaimSignature,
  passwordExponent,
  randomInteger,
  scramblingParameter,
  srpMultiplier,
} from '../../client/src/api/cognito-srp.ts';

/** A user's password, as the pool keeps it: a random salt and the SRP verifier (hex). */
export interface PasswordVerifier {
  salt: string;
  verifier: string;
}

/** The verifier of `password` for user `userId` of pool `poolName`, under a fresh salt. */
export async function createPasswordVerifier(poolName: string, userId: string, password: string): Promise<PasswordVerifier> {
  const salt = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
  return { salt, verifier: await verifierFor(poolName, userId, password, salt) };
}

/** True when `password` is the one `stored` was derived from (ChangePassword's previous password). */
export async function passwordMatches(stored: PasswordVerifier, poolName: string, userId: string, password: string): Promise<boolean> {
  const candidate = await verifierFor(poolName, userId, password, stored.salt);
  return equalText(candidate, stored.verifier);
}

async function verifierFor(poolName: string, userId: string, password: string, salt: string): Promise<string> {
  return modPow(g, await passwordExponent(poolName, userId, password, salt), N).toString(16);
}

/** The server's secret b and public B = (k·v + g^b) mod N (SRP_B is B's hex). */
export interface ServerKeys {
  b: bigint;
  B: bigint;
}

export async function serverKeys(verifierHex: string): Promise<ServerKeys> {
  const k = await srpMultiplier();
  const v = BigInt(`0x${verifierHex}`);
  for (;;) {
    const b = randomInteger(128);
    const B = (k * v + modPow(g, b, N)) % N;
    if (B !== 0n) return { b, B };
  }
}

/** Why a client's A is unusable (A ≡ 0 mod N would let anyone pass without the password), or null. */
export function clientPublicKeyProblem(srpA: string): string | null {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(srpA)) return 'SRP_A is not a hex number';
  return BigInt(`0x${srpA}`) % N === 0n ? 'SRP_A cannot be zero mod N' : null;
}

/** Everything the server needs to check a PASSWORD_CLAIM_SIGNATURE. */
export interface PasswordClaim {
  poolName: string;
  userId: string;
  verifier: string;
  /** The client's SRP_A (hex), checked with clientPublicKeyProblem first. */
  srpA: string;
  keys: ServerKeys;
  secretBlock: string;
  timestamp: string;
  signature: string;
}

/** True when the client's signature proves it derived the same key, so knew the password. */
export async function passwordClaimHolds(claim: PasswordClaim): Promise<boolean> {
  const A = BigInt(`0x${claim.srpA}`);
  if (A % N === 0n) return false;
  const u = await scramblingParameter(A, claim.keys.B);
  const v = BigInt(`0x${claim.verifier}`);
  const S = modPow((A * modPow(v, u, N)) % N, claim.keys.b, N);
  const key = await passwordAuthenticationKey(S, u);
  const expected = await passwordClaimSignature(key, claim.poolName, claim.userId, claim.secretBlock, claim.timestamp);
  return equalText(expected, claim.signature);
}

/** Compares two secrets (signatures, codes) in time that does not reveal where they differ. */
export function equalText(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

