import { util } from '@aws-appsync/utils';
import type { Identity } from '@aws-appsync/utils';

/** The Cognito user id of the caller, or null for IAM callers (the backend). */
export function subOf(identity: Identity): string | null {
  const sub = identity ? (identity as { sub?: string }).sub : undefined;
  return sub ?? null;
}

/**
 * The caller's user id. Every read is scoped by it, and it comes only from the verified identity,
 * never from arguments. Callers without a user pool identity are refused.
 */
export function callerSub(identity: Identity): string {
  const sub = subOf(identity);
  if (!sub) {
    util.unauthorized();
  }
  return sub;
}
