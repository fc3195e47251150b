import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationRequestUploadArgs, UploadTicket } from '../schema/generated/graphql.ts';
import { refuse } from './lib/inputChecks.ts';
import { uploadInputProblem } from './lib/inputLimits.ts';
import { invoke, lambdaResult } from './lib/lambdaInvocation.ts';

/**
 * functions/request-upload validates the input and presigns the upload. Oversized strings are
 * refused here already, so they never travel to the function (which checks them again).
 */
export function request(ctx: Context<MutationRequestUploadArgs>): LambdaRequest {
  refuse(uploadInputProblem(ctx.args.input));
  return invoke(ctx);
}

export function response(ctx: Context<MutationRequestUploadArgs>): UploadTicket {
  return lambdaResult<UploadTicket>(ctx);
}
