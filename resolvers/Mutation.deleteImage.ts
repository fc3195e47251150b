import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationDeleteImageArgs } from '../schema/generated/graphql.ts';
import { invoke, lambdaResult } from './lib/lambdaInvocation.ts';

/** functions/delete-image deletes the caller's original; derived objects follow on ObjectRemoved. */
export function request(ctx: Context<MutationDeleteImageArgs>): LambdaRequest {
  return invoke(ctx);
}

export function response(ctx: Context<MutationDeleteImageArgs>): string {
  return lambdaResult<string>(ctx);
}
