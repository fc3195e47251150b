import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../shared/config.ts';
import { newImageId } from '../shared/image-id.ts';
import { lambdaContext } from '../shared/testing/lambda-context.ts';
import { startHandler, stopHandler } from '../shared/testing/handler-under-test.ts';
import type { LocalS3 } from '../shared/testing/local-s3.ts';
import type { handler as Handler } from './index.ts';

const USER = { sub: 'a1a1a1a1-0000-4000-8000-000000000001' };
const OTHER = { sub: 'b2b2b2b2-0000-4000-8000-000000000002' };
const context = lambdaContext('sign-urls');

describe('sign-urls handler', () => {
  let local: LocalS3;
  let handler: typeof Handler;

  beforeAll(async () => {
    ({ local, handler } = await startHandler(() => import('./index.ts'), { [ENV.downloadUrlTtlSeconds]: '45' }));
  });
  afterAll(() => stopHandler(local));

  it('answers a BatchInvoke with one result per element, in order', async () => {
    const own = `thumbnails/${USER.sub}/${newImageId()}/128.webp`;
    const foreign = `uploads/${OTHER.sub}/${newImageId()}/secret.jpg`;
    await local.s3.send(new PutObjectCommand({ Bucket: local.config.bucket, Key: own, Body: 'RIFF....WEBP' }));

    const results = await handler(
      [
        { identity: USER, key: own },
        { identity: USER, key: foreign },
        { identity: USER, key: null },
      ],
      context,
    );

    expect(results).toEqual([
      { data: expect.stringMatching(/X-Amz-Expires=45&/) },
      { error: { type: 'Unauthorized', message: `Not allowed to read ${foreign}` } },
      { data: null },
    ]);
    const [first] = results;
    const response = await fetch(first && 'data' in first ? (first.data ?? '') : '');
    expect(await response.text()).toBe('RIFF....WEBP');
  });
});
