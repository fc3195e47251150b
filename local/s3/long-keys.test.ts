/**
 * Keys S3 accepts that a file system does not hold as they are (store-keys.ts): a '/'-separated
 * segment longer than a file name may be, `.`, `..` and empty segments, a NUL, a directory named
 * like one of s3rver's files; and the 1,024-byte limit. Through the real SDK client, presigned POST
 * and the running service.
 */
import { readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { type LocalS3Service, startLocalS3Service } from './start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
/** 600 bytes in one segment: 200 ASCII, 100 two-byte and 50 four-byte characters. */
const LONG = `${'n'.repeat(200)}${'é'.repeat(100)}${'😀'.repeat(50)}`;

describe('keys a file system cannot hold as they are', () => {
  let dataDir: string;
  let service: LocalS3Service;
  let s3: S3Client;
  const events: S3EventRecord[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-local-s3-keys-'));
    service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: (event) => void events.push(event) });
    s3 = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
  });
  afterAll(async () => {
    s3.destroy();
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const text = async (key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ?? '';
  const list = async (options: { Prefix?: string; Delimiter?: string; MaxKeys?: number; StartAfter?: string } = {}) => {
    const { Contents = [], CommonPrefixes = [], IsTruncated } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ...options }));
    return { keys: Contents.map((object) => object.Key), prefixes: CommonPrefixes.map((common) => common.Prefix), truncated: IsTruncated };
  };
  const exists = (key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
      () => true,
      (error: { name?: string }) => {
        if (error.name === 'NotFound') return false;
        throw error;
      },
    );
  /** The event keys delivered, decoded as S3 form-encodes them. */
  const eventKeys = () => events.map((event) => decodeURIComponent(event.s3.object.key.replace(/\+/g, ' ')));

  it('stores, reads, heads, lists (the true key) and deletes a key with segments longer than a file name', async () => {
    const key = `long/${LONG}/${LONG.slice(0, 260)}.json`;
    await put(key, 'long');
    expect(await text(key)).toBe('long');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength).toBe(4);
    expect((await list({ Prefix: 'long/' })).keys).toEqual([key]);
    // A prefix ending inside the long segment, and a delimiter after it.
    expect((await list({ Prefix: `long/${LONG.slice(0, 250)}` })).keys).toEqual([key]);
    expect(await list({ Prefix: 'long/', Delimiter: '/' })).toMatchObject({ keys: [], prefixes: [`long/${LONG}/`] });

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await exists(key)).toBe(false);
    expect((await list({ Prefix: 'long/' })).keys).toEqual([]);
    // Its directories went with it, as s3rver removes emptied ones.
    expect(await readdir(join(dataDir, 'objects', BUCKET))).not.toContain('long');
  });

  it('copies, completes multipart uploads and deletes in bulk under such keys', async () => {
    const source = `copy/${LONG}/source`;
    const target = `copy/${LONG}/${LONG.slice(0, 300)}`;
    await put(source, 'copied');
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: target, CopySource: `${BUCKET}/${encodeURIComponent(source)}` }));
    expect(await text(target)).toBe('copied');

    const multipart = `copy/${LONG}/m-${'é'.repeat(150)}`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: multipart }));
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: multipart, UploadId, PartNumber: 1, Body: 'parts' }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: multipart, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect(await text(multipart)).toBe('parts');
    expect((await list({ Prefix: 'copy/' })).keys).toEqual([multipart, source, target].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));

    const { Deleted = [] } = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [source, target, multipart].map((Key) => ({ Key })) } }));
    expect(Deleted.map((deleted) => deleted.Key).sort()).toEqual([multipart, source, target].sort());
    expect((await list({ Prefix: 'copy/' })).keys).toEqual([]);
  });

  it('takes a browser upload (presigned POST) under such a key, and its event carries the true key', async () => {
    const key = `uploads/${LONG}/cat.gif`;
    const { url, fields } = await createPresignedPost(s3, { Bucket: BUCKET, Key: key, Conditions: [['content-length-range', 1, 100]], Expires: 60 });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob(['GIF89a']), 'cat.gif');
    expect((await fetch(url, { method: 'POST', body: form })).status).toBe(204);
    expect(await text(key)).toBe('GIF89a');
    await expect.poll(() => eventKeys()).toContain(key);

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    await expect.poll(() => events.filter((event) => event.eventName === 'ObjectRemoved:Delete').map((event) => decodeURIComponent(event.s3.object.key))).toContain(key);
  });

  it('lists in UTF-8 byte order and pages through it, whatever the file system walk finds first', async () => {
    const keys = ['order/a', 'order/a-c', 'order/a/b', `order/a/${LONG}`, 'order/b\uFFFD', 'order/b😀'];
    for (const key of [...keys].reverse()) await put(key, key);
    expect((await list({ Prefix: 'order/' })).keys).toEqual(keys);
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'order/', MaxKeys: 2, ContinuationToken: token }));
      paged.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    expect(paged).toEqual(keys);
    expect((await list({ Prefix: 'order/', StartAfter: 'order/b\uFFFD' })).keys).toEqual(['order/b😀']);
  });

  it('keeps ., .. and empty segments as parts of the key: distinct objects, none outside the bucket', async () => {
    const keys = ['dots/a/../b', 'dots/b', 'dots/a/./b', 'dots/a/b', 'dots/a//b', 'dots/../../escape'];
    for (const key of keys) await put(key, key);
    for (const key of keys) expect(await text(key)).toBe(key);
    expect(new Set((await list({ Prefix: 'dots/' })).keys)).toEqual(new Set(keys));
    expect(await readdir(join(dataDir, 'objects'))).toEqual([BUCKET]);
  });

  it('stores, reads, lists, copies and deletes keys holding a NUL or other control characters, as S3 takes any Unicode character', async () => {
    const keys = ['ctl/a\0b', 'ctl/\0/\0', 'ctl/tab\there', 'ctl/x\u0001\u001f\u007f', `ctl/%00\0%25/${'\0'.repeat(300)}`];
    for (const key of keys) await put(key, JSON.stringify(key));
    for (const key of keys) expect(await text(key)).toBe(JSON.stringify(key));
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: keys[0] }))).ContentLength).toBe(JSON.stringify(keys[0]).length);
    // Listed as the true keys (S3 writes the characters XML 1.0 cannot carry as character references).
    expect(new Set((await list({ Prefix: 'ctl/' })).keys)).toEqual(new Set(keys));
    expect(await list({ Prefix: 'ctl/\0', Delimiter: '/' })).toMatchObject({ keys: [], prefixes: ['ctl/\0/'] });
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'ctl/copy\0', CopySource: `${BUCKET}/${encodeURIComponent(keys[0] ?? '')}` }));
    expect(await text('ctl/copy\0')).toBe(JSON.stringify(keys[0]));

    const post = await createPresignedPost(s3, { Bucket: BUCKET, Key: 'uploads/\0.gif', Expires: 60 });
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('file', new Blob(['GIF89a']), 'cat.gif');
    expect((await fetch(post.url, { method: 'POST', body: form })).status).toBe(204);
    expect(await text('uploads/\0.gif')).toBe('GIF89a');
    await expect.poll(() => eventKeys()).toContain('uploads/\0.gif');

    for (const key of [...keys, 'ctl/copy\0', 'uploads/\0.gif']) await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect((await list({ Prefix: 'ctl/' })).keys).toEqual([]);
    expect(await exists('uploads/\0.gif')).toBe(false);
  });

  it("keeps a key and a key whose directory is named like the first's file (`foo`, `foo._S3rver_object/x`) apart, in either order", async () => {
    const pairs = [
      ['pair1/foo', 'pair1/foo._S3rver_object/x'],
      ['pair2/foo._S3rver_object/x', 'pair2/foo'],
      ['pair3/k', 'pair3/k._S3rver_1.o.tmp/y'],
    ];
    for (const pair of pairs) {
      for (const key of pair) await put(key, key);
      for (const key of pair) expect(await text(key)).toBe(key);
      expect(new Set((await list({ Prefix: pair[0]?.split('/')[0] })).keys)).toEqual(new Set(pair));
      // Overwriting the first and deleting one leaves the other whole.
      await put(pair[0] ?? '', 'again');
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: pair[0] }));
      expect(await text(pair[1] ?? '')).toBe(pair[1]);
    }
  });

  it('takes a key of 1,024 bytes of UTF-8 and refuses a longer one with KeyTooLongError, storing nothing', async () => {
    const longest = `max/${'é'.repeat(510)}`; // 4 + 1,020 bytes, 514 characters
    await put(longest, 'max');
    expect(await text(longest)).toBe('max');
    const over = `${longest}x`;
    const refused = await put(over, 'over').catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'KeyTooLongError', message: 'Your key is too long', Size: '1025', MaxSizeAllowed: '1024', $metadata: { httpStatusCode: 400 } });
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: over }))).rejects.toMatchObject({ name: 'KeyTooLongError' });
    expect((await list({ Prefix: 'max/' })).keys).toEqual([longest]);

    const post = await createPresignedPost(s3, { Bucket: BUCKET, Key: `uploads/${'é'.repeat(510)}`, Expires: 60 });
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('file', new Blob(['GIF89a']), 'cat.gif');
    const answer = await fetch(post.url, { method: 'POST', body: form });
    expect({ status: answer.status, body: await answer.text() }).toMatchObject({ status: 400, body: expect.stringContaining('<Code>KeyTooLongError</Code>') });
  });
});
