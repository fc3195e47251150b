// The util object, as documented in "Built-in utilities" and the util.* helper pages.
import type { Util } from '@aws-appsync/utils';
import type { AuthType, ResolverError } from './evaluation.ts';
import { base64Decode, base64Encode, escapeJavaScript, urlDecode, urlEncode } from './encoding.ts';
import { autoId, autoKsuid, autoUlid } from './ids.ts';
import { javaFullMatch } from './java-regex.ts';
import { math } from './math.ts';
import { currentEvaluation, halt } from './state.ts';
import { str } from './str.ts';
import { time } from './time.ts';
import { transform } from './transform.ts';
import { withUnavailable } from './unavailable.ts';

/** The strings util.authType() documents for each authorization mode. */
const AUTH_TYPE_NAMES: Record<AuthType, string> = {
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  API_KEY: 'API Key Authorization',
  // Not in the documented list; it is what AppSync answers for a Lambda-authorized request.
  AWS_LAMBDA: 'Lambda Authorization',
};

/** The error as AppSync reports it: only the parts the handler gave. */
function resolverError(
  message: string,
  errorType: string | undefined,
  data: unknown,
  errorInfo: unknown,
): ResolverError {
  return {
    message,
    ...(errorType !== undefined && { errorType }),
    ...(data !== undefined && { data }),
    ...(errorInfo !== undefined && { errorInfo }),
  };
}

const available = {
  escapeJavaScript,
  urlEncode,
  urlDecode,
  base64Encode,
  base64Decode,
  autoId,
  autoUlid,
  autoKsuid,

  unauthorized(): never {
    const state = currentEvaluation('util.unauthorized');
    const field = state.options.field;
    const message =
      field === undefined
        ? 'Not Authorized'
        : `Not Authorized to access ${field.fieldName} on type ${field.parentTypeName}`;
    return halt(state, { kind: 'error', error: { message, errorType: 'Unauthorized' } });
  },

  error(msg: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
    const state = currentEvaluation('util.error');
    return halt(state, { kind: 'error', error: resolverError(msg, errorType, data, errorInfo) });
  },

  appendError(msg: string, errorType?: string, data?: unknown, errorInfo?: unknown): void {
    currentEvaluation('util.appendError').appendedErrors.push(resolverError(msg, errorType, data, errorInfo));
  },

  matches(pattern: string, value: string): boolean {
    return javaFullMatch(pattern).test(value);
  },

  authType(): string {
    const { authType } = currentEvaluation('util.authType').options;
    if (authType === undefined) {
      throw new Error('util.authType(): the evaluation has no authorization mode: pass options.authType to evaluate()');
    }
    return AUTH_TYPE_NAMES[authType];
  },

  time,
  transform,
  math,
  str,
};

export const util: Util = withUnavailable(available, 'util', ['dynamodb', 'rds', 'http', 'xml']);
