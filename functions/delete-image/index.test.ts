import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newImageId } from '../shared/image-id.ts';
import { lambdaContext } from '../shared/testing/lambda-context.ts';
import { startHandler, stopHandler } from '../shared/testing/handler-under-test.ts';
import type { LocalS3 } from '../shared/testing/local-s3.ts';
import type { handler as Handler } from './index.ts';

const USER = { sub: 'a1a1a1a1-0000-4000-8000-000000000001' };
const context = lambdaContext('delete-image');

describe('delete-image handler', () => {
  let local: LocalS3;
  let handler: typeof Handler;

  beforeAll(async () => {
    ({ local, handler } = await startHandler(() => import('./index.ts')));
  });
  afterAll(() => stopHandler(local));

  it("answers Mutation.deleteImage by deleting the caller's original from the configured S3", async () => {
    const id = newImageId();
    const prefix = `uploads/${USER.sub}/${id}/`;
    await local.s3.send(new PutObjectCommand({ Bucket: local.config.bucket, Key: `${prefix}photo.jpg`, Body: 'x' }));

    await expect(handler({ identity: USER, arguments: { id } }, context)).resolves.toEqual({ data: id });
    const { KeyCount } = await local.s3.send(new ListObjectsV2Command({ Bucket: local.config.bucket, Prefix: prefix }));
    expect(KeyCount).toBe(0);
  });

  it('reports user errors as typed results', async () => {
    const id = newImageId();
    await expect(handler({ identity: USER, arguments: { id } }, context)).resolves.toEqual({
      error: { type: 'NotFound', message: `No image ${id}` },
    });
    await expect(handler({ identity: USER, arguments: { id: 'nope' } }, context)).resolves.toEqual({
      error: { type: 'BadRequest', message: 'id is not an image id: 26 characters, as requestUpload returns it' },
    });
    await expect(handler({ identity: { sub: null }, arguments: { id } }, context)).resolves.toEqual({
      error: { type: 'Unauthorized', message: 'Only signed-in users can do this' },
    });
  });
});
