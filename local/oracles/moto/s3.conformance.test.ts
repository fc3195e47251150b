/**
 * Client-level conformance of the storage front (local/s3) for browser uploads, judged by moto:
 * a POST policy presigned by the real SDK (@aws-sdk/s3-presigned-post), posted as a browser posts
 * it; conditional writes, reads and deletes (If-Match, If-None-Match, DeleteObject(s) If-Match /
 * ETag) and keys with segments longer than a file name through the SDK client; only the endpoint
 * differs. moto's departures from S3's documentation are asserted as they
 * are and listed in docs/ORACLES.md (Mn).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../functions/shared/s3-client.ts';
import { LOCAL_CREDENTIALS } from '../../config.ts';
import { startLocalS3Service } from '../../s3/start.ts';
import { motoForConformance, motoTarget, type ServiceTarget } from './oracle.ts';

const REGION = 'us-east-1';
const BUCKET = 'imagegraph-conformance';
const PREFIX = 'uploads/7d2e4c1a/';
const MAX_BYTES = 1000;
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

const moto = await motoForConformance('the S3 presigned POST conformance cases (local/oracles/moto/s3.conformance.test.ts)');
afterAll(() => moto?.stop());

async function localTarget(): Promise<ServiceTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-conformance-'));
  const service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: LOCAL_CREDENTIALS, onEvent: () => undefined });
  return {
    name: 'local',
    endpoint: service.endpoint,
    close: async () => {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const targets: Array<[string, () => Promise<ServiceTarget>]> = [['local', localTarget]];
if (moto) targets.push(['moto', () => Promise.resolve(motoTarget(moto))]);

describe.each(targets)('S3 presigned POST conformance: %s', (_name, open) => {
  let target: ServiceTarget;
  let s3: S3Client;
  let uploads = 0;
  beforeAll(async () => {
    target = await open();
    s3 = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: target.endpoint }, LOCAL_CREDENTIALS);
    if (target.name === 'moto') await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    s3.destroy();
    await target.close();
  });

  /** The conditions request-upload signs (size range, Content-Type), with the key as a prefix. */
  const presign = async (expiresSeconds = 60) => {
    uploads += 1;
    const key = `${PREFIX}image-${uploads}.gif`;
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: BUCKET,
      Key: key,
      Conditions: [{ bucket: BUCKET }, ['starts-with', '$key', PREFIX], ['content-length-range', 1, MAX_BYTES], { 'Content-Type': 'image/gif' }],
      Fields: { 'Content-Type': 'image/gif' },
      Expires: expiresSeconds,
    });
    return { key, url, fields };
  };
  const post = async (upload: Awaited<ReturnType<typeof presign>>, body: Buffer = GIF, changes: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...upload.fields, ...changes })) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(body)], { type: 'image/gif' }), 'cat.gif');
    const response = await fetch(upload.url, { method: 'POST', body: form });
    return { status: response.status, body: await response.text() };
  };
  const stored = async (key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
      (head) => head.ContentLength,
      (error: { name?: string }) => {
        if (error.name === 'NotFound') return undefined;
        throw error;
      },
    );

  describe('conditional writes and reads', () => {
    const put = (key: string, body: string, condition: { IfMatch?: string; IfNoneMatch?: string } = {}) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ...condition }));
    const text = async (key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ?? '';
    const refusal = (status: number, name: string) => ({ name, $metadata: expect.objectContaining({ httpStatusCode: status }) as unknown });

    it('If-None-Match: * creates a new key and refuses an existing one (412)', async () => {
      await put('meta/create.json', '1', { IfNoneMatch: '*' });
      await expect(put('meta/create.json', '2', { IfNoneMatch: '*' })).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await text('meta/create.json')).toBe('1');
    });

    it('If-Match writes over the matching ETag only: a stale one is 412, a missing key 404 NoSuchKey', async () => {
      const first = await put('meta/update.json', '1');
      await put('meta/update.json', '2', { IfMatch: first.ETag });
      await expect(put('meta/update.json', '3', { IfMatch: first.ETag })).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await text('meta/update.json')).toBe('2');
      await expect(put('meta/missing.json', '1', { IfMatch: first.ETag })).rejects.toMatchObject(refusal(404, 'NoSuchKey'));
    });

    it('GetObject: 412 for a stale If-Match, 304 for a matching If-None-Match', async () => {
      const { ETag } = await put('meta/read.json', '1');
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta/read.json', IfMatch: '"0123"' }))).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta/read.json', IfNoneMatch: ETag }))).rejects.toMatchObject({
        $metadata: expect.objectContaining({ httpStatusCode: 304 }) as unknown,
      });
    });
  });

  describe('conditional deletes', () => {
    const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    const del = (key: string, IfMatch: string) => s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, IfMatch }));
    const refusal = (status: number, name: string) => ({ name, $metadata: expect.objectContaining({ httpStatusCode: status }) as unknown });

    it('DeleteObject If-Match: a stale ETag is 412 and deletes nothing, the matching one deletes, a missing key is 404 NoSuchKey', async () => {
      const { ETag = '' } = await put('meta/delete.json');
      await expect(del('meta/delete.json', '"0123"')).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await stored('meta/delete.json')).toBeDefined();
      await del('meta/delete.json', ETag);
      expect(await stored('meta/delete.json')).toBeUndefined();
      await expect(del('meta/delete.json', ETag)).rejects.toMatchObject(refusal(404, 'NoSuchKey'));
    });

    it('DeleteObject If-Match: * deletes an object, and on a missing key is 404 NoSuchKey', async () => {
      await put('meta/delete-any.json');
      await del('meta/delete-any.json', '*');
      expect(await stored('meta/delete-any.json')).toBeUndefined();
      const missing = del('meta/delete-any.json', '*');
      // M8: moto does not check `*` at all; a missing key is a plain delete (204).
      if (target.name === 'moto') await missing;
      else await expect(missing).rejects.toMatchObject(refusal(404, 'NoSuchKey'));
    });

    it('DeleteObjects conditions each object on its ETag: PreconditionFailed and NoSuchKey entries, the rest deleted', async () => {
      const { ETag } = await put('meta/many-a.json');
      await put('meta/many-b.json');
      await put('meta/many-c.json');
      const objects = [{ Key: 'meta/many-a.json', ETag }, { Key: 'meta/many-b.json', ETag: '"0123"' }, { Key: 'meta/many-none.json', ETag }, { Key: 'meta/many-c.json' }];
      const { Deleted = [], Errors = [] } = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: objects } }));
      expect(Deleted.map((deleted) => deleted.Key).sort()).toEqual(['meta/many-a.json', 'meta/many-c.json']);
      expect(Errors.map(({ Key, Code }) => ({ Key, Code }))).toEqual([
        { Key: 'meta/many-b.json', Code: 'PreconditionFailed' },
        { Key: 'meta/many-none.json', Code: 'NoSuchKey' },
      ]);
      expect(await stored('meta/many-b.json')).toBeDefined();
    });
  });

  describe('keys with segments longer than a file name', () => {
    /** 600 bytes in one segment (ASCII, two- and four-byte characters). */
    const LONG = `${'n'.repeat(200)}${'é'.repeat(100)}${'😀'.repeat(50)}`;

    it('stores, reads and lists them with their true key, in UTF-8 byte order', async () => {
      // In UTF-8 byte order: '-' < '/', U+FFFD < U+1F600 (in UTF-16 code units it is the other way), 'b' < 'n'.
      const keys = ['long/a', 'long/a-c', `long/a/${LONG}`, 'long/b\uFFFD', 'long/b😀', `long/${LONG}/x`];
      for (const key of [...keys].reverse()) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
      expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `long/${LONG}/x` }))).Body?.transformToString()).toBe(`long/${LONG}/x`);
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'long/' }));
      expect(Contents.map((object) => object.Key)).toEqual(keys);
    });

    it('refuses a key over 1,024 bytes of UTF-8 with KeyTooLongError', async () => {
      const over = `long/${'é'.repeat(510)}`; // 1,025 bytes
      const put = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: over, Body: 'x' }));
      // M9: moto stores any key length.
      if (target.name === 'moto') await put;
      else await expect(put).rejects.toMatchObject({ name: 'KeyTooLongError', $metadata: expect.objectContaining({ httpStatusCode: 400 }) as unknown });
    });
  });

  describe('listing', () => {
    it('counts common prefixes toward MaxKeys (ListObjectsV2) and pages through every key and prefix once', async () => {
      const keys = ['pages/a', 'pages/d1/x', 'pages/d1/y/z', 'pages/d2/x', 'pages/e', 'pages/d3/deep/x', 'pages/f'];
      for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
      const entries: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'pages/', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
        const listed = [...(page.Contents ?? []).map((object) => object.Key), ...(page.CommonPrefixes ?? []).map((common) => common.Prefix)];
        expect(listed.length).toBeLessThanOrEqual(2);
        expect(page.KeyCount).toBe(listed.length);
        entries.push(...listed.map(String));
        token = page.NextContinuationToken;
      } while (token);
      expect(entries.sort()).toEqual(['pages/a', 'pages/d1/', 'pages/d2/', 'pages/d3/', 'pages/e', 'pages/f']);
    });
  });

  it('stores a file that meets every condition (204, as success_action_status defaults)', async () => {
    const upload = await presign();
    expect(await post(upload)).toMatchObject({ status: 204 });
    expect(await stored(upload.key)).toBe(GIF.length);
  });

  it('refuses files over and under the content-length-range, and stores neither', async () => {
    const upload = await presign();
    const large = await post(upload, Buffer.alloc(MAX_BYTES + 1, 1));
    const empty = await post(upload, Buffer.alloc(0));
    if (target.name === 'moto') {
      // M6: moto checks no POST policy condition; both are stored.
      expect([large.status, empty.status]).toEqual([204, 204]);
      return;
    }
    expect(large).toMatchObject({ status: 400, body: expect.stringContaining('<Code>EntityTooLarge</Code>') });
    expect(empty).toMatchObject({ status: 400, body: expect.stringContaining('<Code>EntityTooSmall</Code>') });
    expect(await stored(upload.key)).toBeUndefined();
  });

  it('refuses another Content-Type and a key outside the prefix', async () => {
    const upload = await presign();
    const outside = 'thumbnails/elsewhere.gif';
    const wrongType = await post(upload, GIF, { 'Content-Type': 'text/html' });
    const wrongKey = await post(upload, GIF, { key: outside });
    if (target.name === 'moto') {
      // M6: moto checks no POST policy condition.
      expect([wrongType.status, wrongKey.status]).toEqual([204, 204]);
      return;
    }
    expect(wrongType).toMatchObject({ status: 403, body: expect.stringContaining('Invalid according to Policy: Policy Condition failed') });
    expect(wrongKey).toMatchObject({ status: 403, body: expect.stringContaining('Invalid according to Policy: Policy Condition failed') });
    expect(await stored(upload.key)).toBeUndefined();
    expect(await stored(outside)).toBeUndefined();
  });

  it('refuses an expired policy and a tampered signature', async () => {
    // Expires: 0 signs a policy whose expiration is the signing second, past by the time it arrives.
    const expiredUpload = await presign(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await post(expiredUpload);
    const tamperedUpload = await presign();
    const tampered = await post(tamperedUpload, GIF, { 'X-Amz-Signature': '0'.repeat(64) });
    if (target.name === 'moto') {
      // M6, M7: moto checks neither the policy's expiration nor its signature.
      expect([expired.status, tampered.status]).toEqual([204, 204]);
      return;
    }
    expect(expired).toMatchObject({ status: 403, body: expect.stringContaining('Invalid according to Policy: Policy expired.') });
    expect(tampered).toMatchObject({ status: 403, body: expect.stringContaining('<Code>SignatureDoesNotMatch</Code>') });
    expect(await stored(expiredUpload.key)).toBeUndefined();
    expect(await stored(tamperedUpload.key)).toBeUndefined();
  });
});
