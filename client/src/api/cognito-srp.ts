/**
 * Cognito's variant of SRP-6a (the USER_SRP_AUTH sign-in, PASSWORD_VERIFIER challenge): the math
 * both sides share, the client's half (the web app, the CLI, the explorer) and the pieces the
 * local user pool's server half (local/cognito/srp-server.ts) builds on. It follows what
 * Amplify v6's AuthenticationHelper computes (its srp/ folder), which is what Cognito checks:
 * - group: the 3072-bit MODP prime of RFC 5054 / RFC 3526, g = 2, k = H(N | g), every number
 *   hashed as the hex of its shortest two's-complement bytes (Java's BigInteger.toByteArray);
 * - x = H(salt | H(poolName | userId | ":" | password)), poolName being the pool id after "_";
 * - u = H(A | B); S = (B - k·g^x)^(a + u·x) mod N on the client, (A·v^u)^b mod N on the server;
 * - key = HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key" | 0x01), first 16 bytes;
 * - PASSWORD_CLAIM_SIGNATURE = base64 HMAC-SHA256(key, poolName | userId | SECRET_BLOCK bytes | TIMESTAMP).
 * Hashing uses Web Crypto, present in browsers (secure contexts) and Node alike.
 */

/** RFC 3526's 3072-bit MODP group prime, which Cognito uses. */
export const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const g = 2n;

/** The challenge answer Cognito's RespondToAuthChallenge takes for PASSWORD_VERIFIER. */
export interface PasswordVerifierResponses {
  USERNAME: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  TIMESTAMP: string;
  PASSWORD_CLAIM_SIGNATURE: string;
}

/** What Cognito's InitiateAuth answers USER_SRP_AUTH with (ChallengeParameters). */
export interface PasswordVerifierChallenge {
  SALT: string;
  SRP_B: string;
  SECRET_BLOCK: string;
  USER_ID_FOR_SRP: string;
}

/** b^e mod m for non-negative BigInts (square and multiply; BigInt has no modPow). */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = base % modulus;
  let rest = exponent;
  while (rest > 0n) {
    if (rest & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
    rest >>= 1n;
  }
  return result;
}

/** The hex of a non-negative integer's shortest two's-complement bytes ("00" before a high bit). */
export function paddedHex(value: bigint): string {
  if (value < 0n) throw new RangeError('SRP numbers are never negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 === 1 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('not a hex string');
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function bytesToBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

async function hmacSha256(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, data));
}

/** H over the bytes of hex strings, as an integer. */
async function hashOfHex(...hexes: string[]): Promise<bigint> {
  return BigInt(`0x${bytesToHex(await sha256(hexToBytes(hexes.join(''))))}`);
}

let multiplier: Promise<bigint> | undefined;
/** k = H(N | g). */
export function srpMultiplier(): Promise<bigint> {
  multiplier ??= hashOfHex(paddedHex(N), paddedHex(g));
  return multiplier;
}

/** The pool's name in the SRP hashes: the user pool id after its region and "_". */
export function srpPoolName(userPoolId: string): string {
  const name = userPoolId.split('_')[1];
  if (!name) throw new RangeError(`not a user pool id: ${userPoolId}`);
  return name;
}

/** x = H(salt | H(poolName | userId | ":" | password)). */
export async function passwordExponent(poolName: string, userId: string, password: string, saltHex: string): Promise<bigint> {
  const inner = bytesToHex(await sha256(utf8(`${poolName}${userId}:${password}`)));
  return hashOfHex(paddedHex(BigInt(`0x${saltHex}`)), inner);
}

/** u = H(A | B); zero would make the password irrelevant, so both sides refuse it. */
export async function scramblingParameter(A: bigint, B: bigint): Promise<bigint> {
  const u = await hashOfHex(paddedHex(A), paddedHex(B));
  if (u === 0n) throw new RangeError('u cannot be zero');
  return u;
}

/** The 16-byte key both sides derive from S and u (HKDF with Cognito's "Caldera Derived Key"). */
export async function passwordAuthenticationKey(S: bigint, u: bigint): Promise<Uint8Array<ArrayBuffer>> {
  const pseudoRandomKey = await hmacSha256(hexToBytes(paddedHex(u)), hexToBytes(paddedHex(S)));
  const okm = await hmacSha256(pseudoRandomKey, concat(utf8('Caldera Derived Key'), Uint8Array.of(1)));
  return okm.slice(0, 16);
}

/** base64 HMAC-SHA256(key, poolName | userId | secret block bytes | timestamp). */
export async function passwordClaimSignature(key: Uint8Array<ArrayBuffer>, poolName: string, userId: string, secretBlock: string, timestamp: string): Promise<string> {
  return bytesToBase64(await hmacSha256(key, concat(utf8(poolName), utf8(userId), base64ToBytes(secretBlock), utf8(timestamp))));
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The TIMESTAMP Cognito's clients send: "Sat Dec 5 09:03:07 UTC 2026" (day not padded). */
export function srpTimestamp(date: Date): string {
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

/** A random integer of `bytes` bytes. */
export function randomInteger(bytes: number): bigint {
  return BigInt(`0x${bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)))}`);
}

/** The client's secret a and public A = g^a mod N (SRP_A is A's hex). */
export interface SrpClientKeys {
  a: bigint;
  A: bigint;
}

export function srpClientKeys(): SrpClientKeys {
  // 128 random bytes, as Amplify draws them; A is never 0 mod N for a prime N and 0 < a.
  const a = randomInteger(128);
  return { a, A: modPow(g, a, N) };
}

/**
 * The client's answer to PASSWORD_VERIFIER: proves it knows the password without sending it.
 * `now` is the moment signed into TIMESTAMP.
 */
export async function answerPasswordVerifier(options: {
  userPoolId: string;
  password: string;
  keys: SrpClientKeys;
  challenge: PasswordVerifierChallenge;
  now?: Date;
}): Promise<PasswordVerifierResponses> {
  const { keys, challenge } = options;
  const poolName = srpPoolName(options.userPoolId);
  const userId = challenge.USER_ID_FOR_SRP;
  const B = BigInt(`0x${challenge.SRP_B}`);
  if (B % N === 0n) throw new RangeError('SRP_B cannot be zero mod N');
  const u = await scramblingParameter(keys.A, B);
  const x = await passwordExponent(poolName, userId, options.password, challenge.SALT);
  const k = await srpMultiplier();
  // (B - k·g^x) mod N, kept non-negative before the exponentiation.
  const base = (((B - ((k * modPow(g, x, N)) % N)) % N) + N) % N;
  const S = modPow(base, keys.a + u * x, N);
  const key = await passwordAuthenticationKey(S, u);
  const timestamp = srpTimestamp(options.now ?? new Date());
  return {
    USERNAME: userId,
    PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SIGNATURE: await passwordClaimSignature(key, poolName, userId, challenge.SECRET_BLOCK, timestamp),
  };
}
