import { timingSafeEqual } from 'node:crypto';

/**
 * What every local service that verifies SigV4 (S3, AppSync's IAM mode) needs besides
 * @smithy/signature-v4, which recomputes the signatures; each service words its own errors.
 */

/** `yyyymmddThhmmssZ` (X-Amz-Date) as a Date, or null. */
export function parseAmzDate(value: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return null;
  const [year = 0, month = 0, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Compares two hex signatures in constant time. */
export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
