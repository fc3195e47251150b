// util's ID generators, from the packages that implement each documented format.
import { randomUUID } from 'node:crypto';
import KSUID from 'ksuid';
import { ulid } from 'ulid';

/** A random (version 4) UUID. */
export function autoId(): string {
  return randomUUID();
}

/** A ULID: 26 Crockford base32 characters, time-ordered. */
export function autoUlid(): string {
  return ulid();
}

/** A KSUID: 27 base62 characters, time-ordered. */
export function autoKsuid(): string {
  return KSUID.randomSync().string;
}
