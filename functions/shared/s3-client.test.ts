import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { createS3Client } from './s3-client.ts';
import { type Stall, startStallingServer } from './testing/stalling-server.ts';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const get = new GetObjectCommand({ Bucket: 'imagegraph-images', Key: 'uploads/u/i/a.jpg' });

describe('createS3Client', () => {
  it('addresses AWS by virtual-hosted bucket in the configured region', async () => {
    const s3 = createS3Client({ bucket: 'imagegraph-images', region: 'eu-west-1', s3Endpoint: undefined }, credentials);
    const url = new URL(await getSignedUrl(s3, get));
    expect(`${url.origin}${url.pathname}`).toBe('https://imagegraph-images.s3.eu-west-1.amazonaws.com/uploads/u/i/a.jpg');
  });

  it('addresses a configured endpoint by path, even on a host name that could take the bucket', async () => {
    const config = { bucket: 'imagegraph-images', region: 'us-east-1', s3Endpoint: 'http://s3.imagegraph.test:4566' };
    const url = new URL(await getSignedUrl(createS3Client(config, credentials), get));
    expect(`${url.origin}${url.pathname}`).toBe('http://s3.imagegraph.test:4566/imagegraph-images/uploads/u/i/a.jpg');
  });

  it('refuses an empty endpoint rather than sending the calls to AWS', () => {
    expect(() => createS3Client({ bucket: 'b', region: 'us-east-1', s3Endpoint: '' }, credentials)).toThrow('s3Endpoint is empty');
  });

  it('adds checksums only where S3 requires them', async () => {
    const s3 = createS3Client({ bucket: 'b', region: 'us-east-1', s3Endpoint: undefined }, credentials);
    expect(await s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
  });
});

describe('createS3Client against a stalled S3', () => {
  // Short timeouts, as a config would set them; what is asserted is that the call ends, how, and
  // after how many attempts, never how long it took.
  const s3Timeouts = { connectMs: 500, requestMs: 300 };
  async function withStalledS3(stall: Stall, call: (s3: S3Client) => Promise<unknown>) {
    const server = await startStallingServer({ stall });
    const s3 = createS3Client({ bucket: 'b', region: 'us-east-1', s3Endpoint: server.url, s3Timeouts }, credentials);
    try {
      return { error: await call(s3).then(() => undefined, (error: unknown) => error), stalled: server.stalled };
    } finally {
      s3.destroy();
      await server.close();
    }
  }

  it.each<[string, (s3: S3Client) => Promise<unknown>]>([
    ['a GET', (s3) => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'uploads/u/i/a.jpg' }))],
    ['a PUT', (s3) => s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'thumbnails/u/i/160s.webp', Body: Buffer.alloc(64 * 1024) }))],
  ])('gives up on %s that is never answered with TimeoutError, after the SDK\'s three attempts', async (_, call) => {
    const { error, stalled } = await withStalledS3('before-headers', call);
    expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('requestTimeout') as string });
    expect(stalled).toHaveLength(3);
  });

  it('gives up on an object whose body stops after the headers with TimeoutError, after one attempt (the SDK had answered)', async () => {
    const { error, stalled } = await withStalledS3('in-body', async (s3) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'uploads/u/i/a.jpg' }));
      return object.Body?.transformToByteArray();
    });
    expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('inactivity') as string });
    expect(stalled).toHaveLength(1);
  });
});
