import type { Context } from '@aws-appsync/utils';
import { describe, expect, it } from 'vitest';
import * as originalUrl from '../Image.originalUrl.ts';
import * as deleteImage from '../Mutation.deleteImage.ts';
import * as requestUpload from '../Mutation.requestUpload.ts';
import * as thumbnailUrl from '../Thumbnail.url.ts';
import { ALICE, IAM_IDENTITY, context, run } from './context.ts';

const input = { fileName: 'beach.jpg', contentType: 'image/jpeg', bytes: 1234 };
const ticket = { imageId: '01JD0000000000000000000000', key: 'uploads/x/y/beach.jpg', maxBytes: 1, expiresAt: 'x', upload: { url: 'u', fields: [] } };

describe('Lambda-backed mutations', () => {
  it.each([
    ['requestUpload', requestUpload.request as (ctx: Context) => unknown, { input }],
    ['deleteImage', deleteImage.request as (ctx: Context) => unknown, { id: '01JD0000000000000000000000' }],
  ] as const)('%s invokes its function with the caller and the arguments', (_name, request, args) => {
    expect(run(request, context({ args })).result).toEqual({
      operation: 'Invoke',
      payload: { identity: { sub: ALICE }, arguments: args },
    });
  });

  it('passes a null sub for IAM callers, so the function can refuse them', () => {
    const { result } = run(requestUpload.request, context({ args: { input }, identity: IAM_IDENTITY }));
    expect(result?.payload).toEqual({ identity: { sub: null }, arguments: { input } });
  });

  it('returns the function’s data', () => {
    expect(run(requestUpload.response, context({ result: { data: ticket } })).result).toEqual(ticket);
    expect(run(deleteImage.response, context({ result: { data: 'ID1' } })).result).toBe('ID1');
  });

  it('raises a typed failure with its errorType', () => {
    const { error, result } = run(
      requestUpload.response,
      context({ result: { error: { type: 'PayloadTooLarge', message: 'Images may be at most 25 MB' } } }),
    );
    expect(result).toBeUndefined();
    expect(error).toEqual(expect.objectContaining({ errorType: 'PayloadTooLarge', message: 'Images may be at most 25 MB' }));
  });

  it('raises an invocation failure as AppSync reports it', () => {
    const { error } = run(deleteImage.response, context({ error: { message: 'Task timed out', type: 'Lambda:Unhandled' } }));
    expect(error).toEqual(expect.objectContaining({ errorType: 'Lambda:Unhandled', message: 'Task timed out' }));
  });

  it('treats an empty result as an internal failure, not as success', () => {
    expect(run(deleteImage.response, context({ result: null })).error?.errorType).toBe('InternalFailure');
  });
});

describe('Signed URL fields', () => {
  it('Image.originalUrl batches the original’s key with the caller', () => {
    const source = { id: 'A', originalKey: `uploads/${ALICE}/A/a.jpg` };
    expect(run(originalUrl.request, context({ source })).result).toEqual({
      operation: 'BatchInvoke',
      payload: { identity: { sub: ALICE }, key: `uploads/${ALICE}/A/a.jpg` },
    });
  });

  it('Thumbnail.url batches the thumbnail’s key', () => {
    const source = { size: 160, key: `thumbnails/${ALICE}/A/160.webp` };
    expect(run(thumbnailUrl.request, context({ source })).result?.payload).toEqual({
      identity: { sub: ALICE },
      key: `thumbnails/${ALICE}/A/160.webp`,
    });
  });

  it('sends a null key when the source has none', () => {
    expect(run(originalUrl.request, context({ source: { id: 'A' } })).result?.payload).toEqual({ identity: { sub: ALICE }, key: null });
  });

  it('maps the per-item result and per-item refusal', () => {
    expect(run(thumbnailUrl.response, context({ result: { data: 'https://signed' } })).result).toBe('https://signed');
    expect(run(thumbnailUrl.response, context({ result: { data: null } })).result).toBeNull();
    const refused = run(originalUrl.response, context({ result: { error: { type: 'Unauthorized', message: 'Not your image' } } }));
    expect(refused.error?.errorType).toBe('Unauthorized');
  });
});
