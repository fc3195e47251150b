import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationRequestUploadArgs, UploadTicket } from '../schema/generated/graphql.ts';
import { invoke, lambdaResult } from './lib/lambdaInvocation.ts';

/** functions/request-upload validates the input and presigns the upload. */
export function request(ctx: Context<MutationRequestUploadArgs>): LambdaRequest {
  return invoke(ctx);
}

export function response(ctx: Context<MutationRequestUploadArgs>): UploadTicket {
  return lambdaResult<UploadTicket>(ctx);
}
