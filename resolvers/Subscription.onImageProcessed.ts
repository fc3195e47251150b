import { extensions, util } from '@aws-appsync/utils';
import type { Context, NONERequest } from '@aws-appsync/utils';
import type { SubscriptionOnImageProcessedArgs } from '../schema/generated/graphql.ts';
import { callerSub } from './lib/identity.ts';
import { checkImageId } from './lib/inputChecks.ts';

/** Refuses callers without a user identity, and malformed ids, before the subscription is registered. */
export function request(ctx: Context<SubscriptionOnImageProcessedArgs>): NONERequest {
  callerSub(ctx.identity);
  checkImageId('imageId', ctx.args.imageId);
  return { payload: null };
}

/**
 * The owner filter comes from the verified identity, so a user can never subscribe to another
 * user's events, whatever arguments they pass.
 */
export function response(ctx: Context<SubscriptionOnImageProcessedArgs>): null {
  const filter: Record<string, { eq: string }> = { ownerSub: { eq: callerSub(ctx.identity) } };
  if (ctx.args.imageId) {
    filter.imageId = { eq: ctx.args.imageId };
  }
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));
  return null;
}
