import { describe, expect, it } from 'vitest';
import * as publish from '../Mutation.publishImageProcessed.ts';
import * as subscription from '../Subscription.onImageProcessed.ts';
import { ALICE, BOB, IAM_IDENTITY, cognitoIdentity, context, run } from './context.ts';

const IMAGE_ID = '01JD0000000000000000000000';
const image = { id: IMAGE_ID, ownerSub: ALICE, fileName: 'a.jpg', location: { lat: 1, lon: 2 }, altitude: 5, status: 'PROCESSED' };

describe('Subscription.onImageProcessed', () => {
  it('filters on the subscriber’s own sub, from the identity', () => {
    const { subscriptionFilter, result, error } = run(subscription.response, context({ args: {} }));
    expect(error).toBeUndefined();
    expect(result).toBeNull();
    expect(subscriptionFilter).toEqual({ filterGroup: [{ filters: [{ fieldName: 'ownerSub', operator: 'eq', value: ALICE }] }] });
  });

  it('narrows to one image when asked, still only the subscriber’s own', () => {
    const { subscriptionFilter } = run(subscription.response, context({ args: { imageId: IMAGE_ID }, identity: cognitoIdentity(BOB) }));
    expect(subscriptionFilter).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'ownerSub', operator: 'eq', value: BOB },
            { fieldName: 'imageId', operator: 'eq', value: IMAGE_ID },
          ],
        },
      ],
    });
  });

  it('refuses to subscribe without a user identity', () => {
    expect(run(subscription.request, context({ identity: IAM_IDENTITY })).error?.errorType).toBe('Unauthorized');
    expect(run(subscription.request, context()).result).toEqual({ payload: null });
  });
});

describe('Mutation.publishImageProcessed', () => {
  function publishRequest(input: Record<string, unknown>) {
    return run(publish.request, context({ args: { input }, identity: IAM_IDENTITY }));
  }

  it('echoes a PROCESSED event with the image mapped like a query result', () => {
    const { result, error } = publishRequest({ imageId: IMAGE_ID, ownerSub: ALICE, status: 'PROCESSED', image });
    expect(error).toBeUndefined();
    expect(result).toEqual({
      payload: {
        imageId: IMAGE_ID,
        ownerSub: ALICE,
        status: 'PROCESSED',
        reason: null,
        image: { ...image, location: { lat: 1, lon: 2, altitude: 5 } },
      },
    });
  });

  it('accepts the image as a JSON string too', () => {
    const { result } = publishRequest({ imageId: IMAGE_ID, ownerSub: ALICE, status: 'PROCESSED', image: JSON.stringify(image) });
    expect(result?.payload).toEqual(expect.objectContaining({ image: expect.objectContaining({ id: IMAGE_ID }) }));
  });

  it('echoes a FAILED event with its reason', () => {
    const { result } = publishRequest({ imageId: IMAGE_ID, ownerSub: ALICE, status: 'FAILED', reason: 'Not an image: SVG' });
    expect(result?.payload).toEqual({ imageId: IMAGE_ID, ownerSub: ALICE, status: 'FAILED', reason: 'Not an image: SVG', image: null });
    const event = run(publish.response, context({ result: result?.payload }));
    expect(event.result).toEqual(result?.payload);
  });

  it('echoes a DELETED event, which carries neither image nor reason', () => {
    const { result, error } = publishRequest({ imageId: IMAGE_ID, ownerSub: ALICE, status: 'DELETED' });
    expect(error).toBeUndefined();
    expect(result?.payload).toEqual({ imageId: IMAGE_ID, ownerSub: ALICE, status: 'DELETED', reason: null, image: null });
  });

  it.each([
    [{ status: 'PROCESSING', image }, 'status must be PROCESSED, FAILED or DELETED, got PROCESSING'],
    [{ status: 'DELETED', image }, 'A DELETED event carries no image'],
    [{ status: 'PROCESSED' }, 'A PROCESSED event needs the image'],
    [{ status: 'FAILED' }, 'A FAILED event needs a reason'],
    [{ status: 'PROCESSED', image: { ...image, ownerSub: BOB } }, 'image.id and image.ownerSub must match imageId and ownerSub'],
    [{ status: 'PROCESSED', image: { ...image, id: 'OTHER' } }, 'image.id and image.ownerSub must match imageId and ownerSub'],
  ])('refuses %j', (fields, message) => {
    const { error, result } = publishRequest({ imageId: IMAGE_ID, ownerSub: ALICE, ...fields });
    expect(result).toBeUndefined();
    expect(error).toEqual(expect.objectContaining({ errorType: 'BadRequest', message }));
  });
});
