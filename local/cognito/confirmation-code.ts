import { randomInt } from 'node:crypto';

/**
 * A 6-digit confirmation or reset code, as Cognito sends, drawn from the operating system's
 * CSPRNG. It replaces cognito-local's `otp` (Math.random, and a fixed code from $CODE) everywhere
 * cognito-local takes it: cognito-server.ts hands this to cognito-local's router as its `otp`
 * service, so SignUp's codes come from here too.
 */
export function confirmationCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
