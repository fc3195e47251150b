// Runs resolver handler code the way AppSync evaluates it, and reports the effects that go beyond the
// handler's return value. Tests and the local AppSync server call this; resolvers never do, which is
// why it is not exported from index.ts (that module mirrors @aws-appsync/utils only).
import { begin, end, isHaltOf } from './state.ts';

export interface ResolverError {
  message: string;
  errorType?: string;
  data?: unknown;
  errorInfo?: unknown;
}

export type AuthType = 'AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM' | 'API_KEY' | 'OPENID_CONNECT' | 'AWS_LAMBDA';

export interface EvaluationOptions {
  /** The authorization mode of the request, which util.authType() reports. */
  authType?: AuthType;
  /** The field being resolved, which util.unauthorized() names in its message. */
  field?: { parentTypeName: string; fieldName: string };
}

export interface Evaluation<T> {
  /** The handler's return value, or the runtime.earlyReturn data. */
  result: T | undefined;
  /** Set when util.error or util.unauthorized stopped the evaluation. */
  error: ResolverError | undefined;
  /** util.appendError calls, in order. */
  appendedErrors: ResolverError[];
  /** True when runtime.earlyReturn ended the evaluation. */
  earlyReturn: boolean;
  /** The last extensions.setSubscriptionFilter argument, or undefined. */
  subscriptionFilter: unknown;
  /** The last extensions.setSubscriptionInvalidationFilter argument, or undefined. */
  subscriptionInvalidationFilter: unknown;
  /** extensions.invalidateSubscriptions arguments, in order. */
  invalidations: unknown[];
  /** extensions.evictFromApiCache calls as { typeName, fieldName, keyValuePair }, in order. */
  cacheEvictions: unknown[];
}

/**
 * Runs `run` (a handler call) as one resolver evaluation. Exceptions other than the runtime's own
 * stop signals propagate unchanged. Evaluations nest: the outer one resumes when the inner ends.
 */
export function evaluate<T>(run: () => T, options: EvaluationOptions = {}): Evaluation<T> {
  const state = begin(options);
  try {
    let returned: T | undefined;
    try {
      returned = run();
    } catch (thrown) {
      if (!isHaltOf(thrown, state)) throw thrown;
    }
    // A stop recorded while the handler swallowed the signal still ends the evaluation.
    const stop = state.stop;
    if (stop === undefined && isThenable(returned)) {
      throw new TypeError('APPSYNC_JS handlers are synchronous: the evaluated code returned a Promise');
    }
    let result = returned;
    if (stop?.kind === 'earlyReturn') result = stop.value as T | undefined;
    else if (stop?.kind === 'error') result = undefined;
    return {
      result,
      error: stop?.kind === 'error' ? stop.error : undefined,
      appendedErrors: state.appendedErrors,
      earlyReturn: stop?.kind === 'earlyReturn',
      subscriptionFilter: state.subscriptionFilter,
      subscriptionInvalidationFilter: state.subscriptionInvalidationFilter,
      invalidations: state.invalidations,
      cacheEvictions: state.cacheEvictions,
    };
  } finally {
    end(state);
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
