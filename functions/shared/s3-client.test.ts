import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { createS3Client } from './s3-client.ts';

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

  it('adds checksums only where S3 requires them', async () => {
    const s3 = createS3Client({ bucket: 'b', region: 'us-east-1', s3Endpoint: undefined }, credentials);
    expect(await s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
  });
});
