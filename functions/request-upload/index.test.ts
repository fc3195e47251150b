import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../shared/config.ts';
import { lambdaContext } from '../shared/testing/lambda-context.ts';
import { startHandler, stopHandler } from '../shared/testing/handler-under-test.ts';
import type { LocalS3 } from '../shared/testing/local-s3.ts';
import type { handler as Handler } from './index.ts';

const USER = { sub: 'a1a1a1a1-0000-4000-8000-000000000001' };
const context = lambdaContext('request-upload');

describe('request-upload handler', () => {
  let local: LocalS3;
  let handler: typeof Handler;

  beforeAll(async () => {
    ({ local, handler } = await startHandler(() => import('./index.ts'), { [ENV.maxUploadBytes]: '1000', [ENV.uploadUrlTtlSeconds]: '60' }));
  });
  afterAll(() => stopHandler(local));

  it('answers Mutation.requestUpload with a ticket that uploads to the configured S3', async () => {
    const result = await handler(
      { identity: USER, arguments: { input: { fileName: 'cat.gif', contentType: 'image/gif', bytes: 6 } } },
      context,
    );
    if (!('data' in result)) throw new Error(JSON.stringify(result));
    const ticket = result.data;
    expect(ticket.maxBytes).toBe(1000);
    expect(Date.parse(ticket.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(ticket.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(ticket.upload.url).toBe(`${local.config.s3Endpoint}/${local.config.bucket}`);

    const form = new FormData();
    for (const { name, value } of ticket.upload.fields) form.append(name, value);
    form.append('file', new Blob(['GIF89a'], { type: 'image/gif' }), 'cat.gif');
    expect((await fetch(ticket.upload.url, { method: 'POST', body: form })).status).toBe(204);
    const stored = await local.s3.send(new GetObjectCommand({ Bucket: local.config.bucket, Key: ticket.key }));
    expect(await stored.Body?.transformToString()).toBe('GIF89a');
  });

  it('reports user errors as typed results', async () => {
    const input = { fileName: 'big.jpg', contentType: 'image/jpeg', bytes: 1001 };
    await expect(handler({ identity: USER, arguments: { input } }, context)).resolves.toEqual({
      error: { type: 'PayloadTooLarge', message: 'Uploads are limited to 0.000954 MB (1000 bytes); this file has 1001 bytes' },
    });
    await expect(handler({ identity: { sub: null }, arguments: { input } }, context)).resolves.toEqual({
      error: { type: 'Unauthorized', message: 'Only signed-in users can do this' },
    });
  });
});
