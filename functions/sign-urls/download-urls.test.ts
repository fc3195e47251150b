import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DownloadConfig } from '../shared/config.ts';
import { newImageId } from '../shared/image-id.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { type LocalS3, startLocalS3 } from '../shared/testing/local-s3.ts';
import { type DownloadUrlDeps, signDownloadUrl, signDownloadUrls } from './download-urls.ts';

const ALICE = { sub: 'a1a1a1a1-0000-4000-8000-000000000001' };
const BOB = { sub: 'b2b2b2b2-0000-4000-8000-000000000002' };
const BACKEND = { sub: null };
const TTL = 120;

const image = newImageId();
const aliceOriginal = `uploads/${ALICE.sub}/${image}/beach.jpg`;
const aliceThumbnail = `thumbnails/${ALICE.sub}/${image}/256.webp`;
const aliceMeta = `meta/${ALICE.sub}/${image}.json`;
const bobOriginal = `uploads/${BOB.sub}/${newImageId()}/bob.jpg`;
const refused = (key: string) => ({ error: { type: 'Unauthorized', message: `Not allowed to read ${key}` } });

describe('signDownloadUrl', () => {
  const config: DownloadConfig = {
    bucket: 'imagegraph-images',
    region: 'eu-west-1',
    s3Endpoint: undefined,
    downloadUrlTtlSeconds: TTL,
  };
  const deps = { s3: createS3Client(config, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' }), config };

  it('presigns a GET of the key on the bucket host, valid for the configured time', async () => {
    const url = new URL((await signDownloadUrl(deps, { identity: ALICE, key: aliceOriginal })) ?? '');

    expect(url.origin).toBe('https://imagegraph-images.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe(`/${aliceOriginal}`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': expect.stringMatching(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/),
      'X-Amz-Expires': String(TTL),
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it.each([
    ['a user, their original', ALICE, aliceOriginal],
    ['a user, their thumbnail', ALICE, aliceThumbnail],
    ['the backend, any original', BACKEND, bobOriginal],
    ['the backend, any thumbnail', BACKEND, aliceThumbnail],
  ])('signs for %s', async (_case, identity, key) => {
    await expect(signDownloadUrl(deps, { identity, key })).resolves.toMatch(/^https:\/\//);
  });

  it.each([
    ["a user, another user's original", ALICE, bobOriginal],
    ["a user, another user's thumbnail", BOB, aliceThumbnail],
    ['a user, their own metadata sidecar', ALICE, aliceMeta],
    ['the backend, a metadata sidecar', BACKEND, aliceMeta],
    ['the backend, a key outside the layout', BACKEND, 'private/config.json'],
    ['a user, a key outside the layout', ALICE, `exports/${ALICE.sub}/${image}/all.zip`],
    ['a user, an image prefix without a file', ALICE, `uploads/${ALICE.sub}/${image}/`],
    ['a user, a key climbing out of their prefix', ALICE, `uploads/${ALICE.sub}/${image}/../../${BOB.sub}/x/bob.jpg`],
    ['the backend, a key with a dot segment', BACKEND, `thumbnails/./${ALICE.sub}/${image}/256.webp`],
    ['a caller without a proper sub', { sub: '' }, aliceOriginal],
  ])('refuses %s', async (_case, identity, key) => {
    await expect(signDownloadUrl(deps, { identity, key })).rejects.toMatchObject(refused(key).error);
  });

  it('gives no URL for no key', async () => {
    await expect(signDownloadUrl(deps, { identity: ALICE, key: null })).resolves.toBeNull();
  });
});

describe('signDownloadUrls against a local S3', () => {
  let local: LocalS3;
  let deps: DownloadUrlDeps;
  const body = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

  beforeAll(async () => {
    local = await startLocalS3();
    deps = { s3: local.s3, config: { ...local.config, downloadUrlTtlSeconds: TTL } };
    await Promise.all(
      [aliceOriginal, aliceThumbnail, bobOriginal].map((Key) =>
        local.s3.send(new PutObjectCommand({ Bucket: local.config.bucket, Key, Body: body, ContentType: 'image/jpeg' })),
      ),
    );
  });
  afterAll(async () => {
    await local.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a batch element by element, in order, refusing only what the caller may not read', async () => {
    const results = await signDownloadUrls(deps, [
      { identity: ALICE, key: aliceOriginal },
      { identity: ALICE, key: null },
      { identity: ALICE, key: bobOriginal },
      { identity: ALICE, key: aliceMeta },
      { identity: ALICE, key: aliceThumbnail },
      { identity: BACKEND, key: bobOriginal },
    ]);

    expect(results).toEqual([
      { data: expect.stringContaining(`/${local.config.bucket}/${aliceOriginal}?`) },
      { data: null },
      refused(bobOriginal),
      refused(aliceMeta),
      { data: expect.stringContaining(`/${local.config.bucket}/${aliceThumbnail}?`) },
      { data: expect.stringContaining(`/${local.config.bucket}/${bobOriginal}?`) },
    ]);
  });

  it('signs a URL that downloads the bytes, from the configured endpoint', async () => {
    const [result] = await signDownloadUrls(deps, [{ identity: ALICE, key: aliceOriginal }]);
    if (!result || !('data' in result) || !result.data) throw new Error(`no URL: ${JSON.stringify(result)}`);
    const url = new URL(result.data);

    expect(url.origin).toBe(local.config.s3Endpoint);
    expect(url.pathname).toBe(`/${local.config.bucket}/${aliceOriginal}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(TTL));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(body);
  });

  it('signs URLs that stop working after the configured time', async () => {
    // Signed TTL + 1 seconds ago, so it has just expired.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - (TTL + 1) * 1000 });
    const url = await signDownloadUrl(deps, { identity: ALICE, key: aliceOriginal });
    vi.useRealTimers();

    const response = await fetch(url ?? '');
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Request has expired');
  });
});
