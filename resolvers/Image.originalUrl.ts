import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { ImageDocument } from './lib/imageDocument.ts';
import { batchInvoke, lambdaResult } from './lib/lambdaInvocation.ts';

/** functions/sign-urls presigns a short-lived GET; batched across all images of a page. */
export function request(ctx: Context<unknown, Record<string, unknown>, undefined, ImageDocument>): LambdaRequest {
  return batchInvoke(ctx, ctx.source ? ctx.source.originalKey : null);
}

export function response(ctx: Context): string | null {
  return lambdaResult<string | null>(ctx);
}
