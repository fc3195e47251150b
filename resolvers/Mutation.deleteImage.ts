import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationDeleteImageArgs } from '../schema/generated/graphql.ts';
import { checkImageId } from './lib/inputChecks.ts';
import { invoke, lambdaResult } from './lib/lambdaInvocation.ts';

/**
 * functions/delete-image deletes the caller's original; derived objects follow on ObjectRemoved.
 * The id is checked here too, so a malformed one costs no invocation (the function checks it again).
 */
export function request(ctx: Context<MutationDeleteImageArgs>): LambdaRequest {
  checkImageId('id', ctx.args.id);
  return invoke(ctx);
}

export function response(ctx: Context<MutationDeleteImageArgs>): string {
  return lambdaResult<string>(ctx);
}
