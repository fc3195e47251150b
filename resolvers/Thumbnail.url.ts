import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { StoredThumbnail } from './lib/imageDocument.ts';
import { batchInvoke, lambdaResult } from './lib/lambdaInvocation.ts';

/** functions/sign-urls presigns a short-lived GET; batched across all thumbnails of a response. */
export function request(ctx: Context<unknown, Record<string, unknown>, undefined, StoredThumbnail>): LambdaRequest {
  return batchInvoke(ctx, ctx.source ? ctx.source.key : null);
}

export function response(ctx: Context): string | null {
  return lambdaResult<string | null>(ctx);
}
