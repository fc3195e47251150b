import { util } from '@aws-appsync/utils';
import type { Context, NONERequest } from '@aws-appsync/utils';
import type { ImageEvent, MutationPublishImageProcessedArgs } from '../schema/generated/graphql.ts';
import { toImage } from './lib/imageDocument.ts';
import type { ImageDocument } from './lib/imageDocument.ts';
import { refuse } from './lib/inputChecks.ts';
import { INPUT_LIMITS, imageIdProblem, lengthProblem, userIdProblem } from './lib/inputLimits.ts';

/**
 * The backend (IAM only, per the schema) reports an outcome; the NONE data source echoes it so
 * AppSync fans it out to `onImageProcessed` subscribers. Checked here because a malformed event
 * would reach users' screens. The bounds are those of what the processing function sends.
 */
export function request(ctx: Context<MutationPublishImageProcessedArgs>): NONERequest {
  const { imageId, ownerSub, status, reason } = ctx.args.input;
  refuse(imageIdProblem('input.imageId', imageId));
  refuse(userIdProblem('input.ownerSub', ownerSub));
  if (reason) {
    refuse(lengthProblem('input.reason', reason, INPUT_LIMITS.reason.maxLength));
  }
  // AppSync hands AWSJSON arguments to resolvers already parsed; a string is accepted too.
  const raw = ctx.args.input.image as unknown;
  if (raw !== null && raw !== undefined) {
    const json = typeof raw === 'string' ? raw : JSON.stringify(raw);
    refuse(lengthProblem('input.image', json, INPUT_LIMITS.imageJson.maxLength));
  }
  const image = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ImageDocument | null | undefined;
  if (status === 'PROCESSING') {
    util.error('status must be PROCESSED, FAILED or DELETED, got PROCESSING', 'BadRequest');
  }
  if (status === 'PROCESSED' && !image) {
    util.error('A PROCESSED event needs the image', 'BadRequest');
  }
  if (status === 'FAILED' && !reason) {
    util.error('A FAILED event needs a reason', 'BadRequest');
  }
  if (status === 'DELETED' && image) {
    util.error('A DELETED event carries no image', 'BadRequest');
  }
  if (image && (image.id !== imageId || image.ownerSub !== ownerSub)) {
    util.error('image.id and image.ownerSub must match imageId and ownerSub', 'BadRequest');
  }
  return { payload: { imageId, ownerSub, status, reason: reason ?? null, image: image ? toImage(image) : null } };
}

export function response(ctx: Context<MutationPublishImageProcessedArgs>): ImageEvent {
  return ctx.result as ImageEvent;
}
