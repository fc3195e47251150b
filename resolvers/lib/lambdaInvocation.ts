import { util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { LambdaResult } from '../../functions/shared/appsync-lambda.ts';
import { subOf } from './identity.ts';

/**
 * The AppSync side of the contract in functions/shared/appsync-lambda.ts: what the API functions
 * receive, and how their typed failures become GraphQL errors with the same errorType.
 */
export function invoke(ctx: Context): LambdaRequest {
  return { operation: 'Invoke', payload: { identity: { sub: subOf(ctx.identity) }, arguments: ctx.args as unknown } };
}

/** One item of a BatchInvoke: AppSync groups the field's items into one call of the function. */
export function batchInvoke(ctx: Context, key: string | null | undefined): LambdaRequest {
  return { operation: 'BatchInvoke', payload: { identity: { sub: subOf(ctx.identity) }, key: key ?? null } };
}

export function lambdaResult<T>(ctx: Context<unknown, Record<string, unknown>, undefined, undefined, LambdaResult<T>>): T {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const result = ctx.result;
  if (!result) {
    return util.error('The function returned no result', 'InternalFailure');
  }
  const failure = (result as { error?: { type: string; message: string } }).error;
  if (failure) {
    util.error(failure.message, failure.type);
  }
  return (result as { data: T }).data;
}
