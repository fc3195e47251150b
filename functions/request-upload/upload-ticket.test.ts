import { createHmac } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../shared/appsync-lambda.ts';
import type { UploadConfig } from '../shared/config.ts';
import { imageIdProblem } from '../../resolvers/lib/inputLimits.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { type LocalS3, startLocalS3 } from '../shared/testing/local-s3.ts';
import type { UploadTicket } from '../../schema/generated/graphql.ts';
import { requestUpload } from './upload-ticket.ts';

const IMAGE_ID = '01HZX3V6Q8K2M4N5P6R7S8T9VW';
const USER = { sub: '7d2e4c1a-0b9f-4e55-9a57-3f1c2b8d6e90' };
const MAX_BYTES = 10 * 1024 * 1024;
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const config: UploadConfig = {
  bucket: 'imagegraph-images',
  region: 'eu-west-1',
  s3Endpoint: undefined,
  maxUploadBytes: MAX_BYTES,
  uploadUrlTtlSeconds: 300,
};
const s3 = createS3Client(config, CREDENTIALS);
const deps = { s3, config, newImageId: () => IMAGE_ID };
const jpeg = { fileName: 'holiday/cat photo.jpg', contentType: 'image/jpeg', bytes: 123_456 };

function fieldsOf(ticket: UploadTicket): Record<string, string> {
  return Object.fromEntries(ticket.upload.fields.map(({ name, value }) => [name, value]));
}

function decodePolicy(policy: string | undefined): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
}

describe('requestUpload', () => {
  beforeEach(() => {
    // Presigning reads the system clock; freeze it to know the exact expiry and signing date.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-05-06T07:08:09.123Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns an UploadTicket for the sanitized key under the caller prefix', async () => {
    const ticket = await requestUpload(deps, USER, jpeg);

    expect(ticket).toEqual({
      imageId: IMAGE_ID,
      key: `uploads/${USER.sub}/${IMAGE_ID}/cat-photo.jpg`,
      upload: { url: 'https://imagegraph-images.s3.eu-west-1.amazonaws.com/', fields: expect.any(Array) },
      maxBytes: MAX_BYTES,
      expiresAt: '2030-05-06T07:13:09Z',
    });
    expect(ticket.upload.fields.map(({ name }) => name)).toEqual([
      'Content-Type',
      'bucket',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'key',
      'Policy',
      'X-Amz-Signature',
    ]);
    expect(fieldsOf(ticket)).toMatchObject({
      'Content-Type': 'image/jpeg',
      bucket: 'imagegraph-images',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${CREDENTIALS.accessKeyId}/20300506/eu-west-1/s3/aws4_request`,
      'X-Amz-Date': '20300506T070809Z',
      key: ticket.key,
    });
  });

  it('signs a policy that pins bucket, key, size range and content type until expiry', async () => {
    const ticket = await requestUpload(deps, USER, jpeg);
    const fields = fieldsOf(ticket);
    const policy = decodePolicy(fields.Policy);

    expect(policy.expiration).toBe('2030-05-06T07:13:09Z');
    expect(policy.expiration).toBe(ticket.expiresAt);
    // Ours, then the ones SigV4 POST needs; S3 rejects a form that breaks any of them.
    expect(policy.conditions).toHaveLength(7);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'imagegraph-images' },
        { key: ticket.key },
        ['content-length-range', 1, MAX_BYTES],
        { 'Content-Type': 'image/jpeg' },
        { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
        { 'X-Amz-Credential': fields['X-Amz-Credential'] },
        { 'X-Amz-Date': '20300506T070809Z' },
      ]),
    );
  });

  it('signs the policy with SigV4 for the configured credentials and region', async () => {
    const { Policy, 'X-Amz-Signature': signature } = fieldsOf(await requestUpload(deps, USER, jpeg));
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const signingKey = ['20300506', 'eu-west-1', 's3', 'aws4_request'].reduce<Buffer | string>(
      (key, part) => hmac(key, part),
      `AWS4${CREDENTIALS.secretAccessKey}`,
    );
    expect(signature).toBe(hmac(signingKey, Policy ?? '').toString('hex'));
  });

  it('accepts the largest allowed size and canonicalizes the content type', async () => {
    const ticket = await requestUpload(deps, USER, { fileName: '', contentType: ' Image/PNG ', bytes: MAX_BYTES });
    expect(ticket.key).toBe(`uploads/${USER.sub}/${IMAGE_ID}/image.png`);
    expect(fieldsOf(ticket)['Content-Type']).toBe('image/png');
    expect(decodePolicy(fieldsOf(ticket).Policy).conditions).toContainEqual({ 'Content-Type': 'image/png' });
  });

  it('issues a fresh ULID per ticket by default', async () => {
    const [first, second] = await Promise.all([
      requestUpload({ s3, config }, USER, jpeg),
      requestUpload({ s3, config }, USER, jpeg),
    ]);
    expect(imageIdProblem('imageId', first.imageId)).toBeNull();
    expect(imageIdProblem('imageId', second.imageId)).toBeNull();
    expect(first.imageId).not.toBe(second.imageId);
    expect(first.key).toBe(`uploads/${USER.sub}/${first.imageId}/cat-photo.jpg`);
  });

  it.each([
    ['an IAM caller', { sub: null }, jpeg, 'Unauthorized', 'Only signed-in users can do this'],
    [
      'a PDF',
      USER,
      { ...jpeg, contentType: 'application/pdf' },
      'UnsupportedMediaType',
      'Content type "application/pdf" is not accepted; use one of image/jpeg, image/png, image/webp, image/gif, image/avif, image/tiff, image/heic, image/heif',
    ],
    ['SVG (scriptable)', USER, { ...jpeg, contentType: 'image/svg+xml' }, 'UnsupportedMediaType', /"image\/svg\+xml" is not accepted/],
    ['a parameterized type', USER, { ...jpeg, contentType: 'image/jpeg; q=1' }, 'UnsupportedMediaType', /is not accepted/],
    [
      'one byte too many',
      USER,
      { ...jpeg, bytes: MAX_BYTES + 1 },
      'PayloadTooLarge',
      'Uploads are limited to 10 MB (10485760 bytes); this file has 10485761 bytes',
    ],
    ['zero bytes', USER, { ...jpeg, bytes: 0 }, 'BadRequest', 'bytes must be a whole number of at least 1, got 0'],
    ['negative bytes', USER, { ...jpeg, bytes: -1 }, 'BadRequest', 'bytes must be a whole number of at least 1, got -1'],
    ['fractional bytes', USER, { ...jpeg, bytes: 1.5 }, 'BadRequest', 'bytes must be a whole number of at least 1, got 1.5'],
    ['NaN bytes', USER, { ...jpeg, bytes: Number.NaN }, 'BadRequest', 'bytes must be a whole number of at least 1, got NaN'],
    ['a 256-character file name', USER, { ...jpeg, fileName: `${'a'.repeat(252)}.jpg` }, 'BadRequest', 'input.fileName is longer than 255 characters'],
    ['a 200 KB file name', USER, { ...jpeg, fileName: 'dog '.repeat(51200) }, 'BadRequest', 'input.fileName is longer than 255 characters'],
    [
      'a 256-character content type, without quoting it',
      USER,
      { ...jpeg, contentType: `image/${'x'.repeat(250)}` },
      'BadRequest',
      'input.contentType is longer than 255 characters',
    ],
  ])('refuses %s', async (_case, identity, input, type, message) => {
    const newImageId = vi.fn(() => IMAGE_ID);
    const failure = requestUpload({ ...deps, newImageId }, identity, input);
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toMatchObject({ type, message });
    expect(newImageId).not.toHaveBeenCalled();
  });

  it('accepts a 255-character file name, stored shortened', async () => {
    const ticket = await requestUpload(deps, USER, { ...jpeg, fileName: `${'a'.repeat(251)}.jpg` });
    expect(ticket.key).toBe(`uploads/${USER.sub}/${IMAGE_ID}/${'a'.repeat(124)}.jpg`);
  });

  it('judges a 255-character content type by its value, not its length', async () => {
    const contentType = `image/${'x'.repeat(249)}`;
    await expect(requestUpload(deps, USER, { ...jpeg, contentType })).rejects.toMatchObject({
      type: 'UnsupportedMediaType',
      message: expect.stringContaining(`"${contentType}" is not accepted`),
    });
  });

  it('states a fractional limit in MB', async () => {
    const failure = requestUpload({ ...deps, config: { ...config, maxUploadBytes: 1_500_000 } }, USER, {
      ...jpeg,
      bytes: 2_000_000,
    });
    await expect(failure).rejects.toMatchObject({
      type: 'PayloadTooLarge',
      message: 'Uploads are limited to 1.43 MB (1500000 bytes); this file has 2000000 bytes',
    });
  });
});

describe('requestUpload against a local S3', () => {
  let local: LocalS3;
  beforeAll(async () => {
    local = await startLocalS3();
  });
  afterAll(async () => {
    await local.close();
  });

  it('lets the client POST the file with the ticket, to the ticket key', async () => {
    const localConfig = { ...local.config, maxUploadBytes: MAX_BYTES, uploadUrlTtlSeconds: 60 };
    const ticket = await requestUpload({ s3: local.s3, config: localConfig }, USER, {
      fileName: 'C:\\fakepath\\Sunset at the beach.PNG',
      contentType: 'image/png',
      bytes: 4,
    });
    expect(ticket.upload.url).toBe(`${local.config.s3Endpoint}/${local.config.bucket}`);

    const form = new FormData();
    for (const { name, value } of ticket.upload.fields) form.append(name, value);
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'Sunset at the beach.PNG');
    const response = await fetch(ticket.upload.url, { method: 'POST', body: form });
    expect(response.status, await response.text()).toBe(204);

    const stored = await local.s3.send(new GetObjectCommand({ Bucket: local.config.bucket, Key: ticket.key }));
    expect(ticket.key).toBe(`uploads/${USER.sub}/${ticket.imageId}/Sunset-at-the-beach.PNG`);
    expect(stored.ContentType).toBe('image/png');
    expect(await stored.Body?.transformToByteArray()).toEqual(bytes);
  });
});
