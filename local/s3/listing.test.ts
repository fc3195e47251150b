/**
 * Listings through the real SDK client against the running service (store-listing.ts): MaxKeys
 * counts common prefixes and objects together, and paging (ContinuationToken, Marker) returns
 * every key and common prefix exactly once, a page ending with a common prefix included; keys
 * holding characters XML 1.0 cannot carry, and `encoding-type=url`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsCommand, ListObjectsV2Command, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { type LocalS3Service, startLocalS3Service } from './start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
/** Under `list/`: objects and, with the delimiter `/`, the common prefixes list/d1/ … list/d4/, interleaved in order. */
const KEYS = ['list/a', 'list/d1/x', 'list/d1/y/z', 'list/d2/x', 'list/e', 'list/f', 'list/d3/x', 'list/d4/deep/er/x', 'list/g'];
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('listing pages', () => {
  let dataDir: string;
  let service: LocalS3Service;
  let s3: S3Client;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-local-s3-listing-'));
    service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: () => undefined });
    s3 = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
    for (const key of KEYS) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
  });
  afterAll(async () => {
    s3.destroy();
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ListObjectsV2 counts common prefixes toward MaxKeys and pages through every key and prefix once', async () => {
    const first = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/', MaxKeys: 2 }));
    // `list/a` and the common prefix `list/d1/`: two entries, the page ends with the prefix.
    expect(first).toMatchObject({ KeyCount: 2, IsTruncated: true, Contents: [{ Key: 'list/a' }], CommonPrefixes: [{ Prefix: 'list/d1/' }] });
    expect(first.NextContinuationToken).toEqual(expect.any(String));

    const keys: string[] = [];
    const prefixes: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' })) {
      const entries = (page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0);
      expect(entries).toBeLessThanOrEqual(2);
      expect(page.KeyCount).toBe(entries);
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      prefixes.push(...(page.CommonPrefixes ?? []).map((common) => common.Prefix ?? ''));
    }
    expect(keys).toEqual(['list/a', 'list/e', 'list/f', 'list/g']);
    expect(prefixes).toEqual(['list/d1/', 'list/d2/', 'list/d3/', 'list/d4/']);
    // A page of common prefixes only carries on too.
    const prefixesOnly = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/d', Delimiter: '/', MaxKeys: 3 }));
    expect(prefixesOnly).toMatchObject({ KeyCount: 3, IsTruncated: true, CommonPrefixes: [{ Prefix: 'list/d1/' }, { Prefix: 'list/d2/' }, { Prefix: 'list/d3/' }] });
    expect(prefixesOnly.Contents).toBeUndefined();
    const rest = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/d', Delimiter: '/', MaxKeys: 3, ContinuationToken: prefixesOnly.NextContinuationToken }));
    expect(rest).toMatchObject({ KeyCount: 1, IsTruncated: false, CommonPrefixes: [{ Prefix: 'list/d4/' }] });
    expect(rest.NextContinuationToken).toBeUndefined();
  });

  it('without a delimiter pages through every key once, in UTF-8 order', async () => {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 4 }, { Bucket: BUCKET, Prefix: 'list/' })) {
      expect(page.KeyCount).toBe(page.Contents?.length);
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    }
    expect(keys).toEqual([...KEYS].sort(byBytes));
  });

  it('ListObjects (V1) answers NextMarker with the last entry, a common prefix too, and pages by Marker', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/', MaxKeys: 2 }));
    expect(first).toMatchObject({ IsTruncated: true, NextMarker: 'list/d1/', CommonPrefixes: [{ Prefix: 'list/d1/' }] });
    const entries: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const answer = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/', MaxKeys: 2, Marker: marker }));
      entries.push(...(answer.Contents ?? []).map((object) => object.Key ?? ''), ...(answer.CommonPrefixes ?? []).map((common) => common.Prefix ?? ''));
      if (!answer.IsTruncated) break;
      marker = answer.NextMarker;
    }
    expect(entries.sort(byBytes)).toEqual(['list/a', 'list/d1/', 'list/d2/', 'list/d3/', 'list/d4/', 'list/e', 'list/f', 'list/g']);
  });

  describe('keys XML cannot carry as they are', () => {
    const KEYS_ODD = ['odd/a\u0001b', 'odd/nul\0/x', 'odd/(3) +é.png', 'odd/&<>'];
    beforeAll(async () => {
      for (const key of KEYS_ODD) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    });
    /** The answer's XML as it travels (a presigned URL of the SDK's own request). */
    const wire = async (command: ListObjectsV2Command) => (await fetch(await getSignedUrl(s3, command, { expiresIn: 60 }))).text();

    it('writes characters XML 1.0 cannot carry as character references, as S3 does, and the SDK reads the true keys back', async () => {
      const xml = await wire(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'odd/' }));
      expect(xml).toContain('<Key>odd/a&#x1;b</Key>');
      expect(xml).toContain('<Key>odd/nul&#x0;/x</Key>');
      expect(xml).not.toMatch(/[\0-\x08\v\f\x0e-\x1f]/);
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'odd/' }));
      expect(Contents.map((object) => object.Key)).toEqual([...KEYS_ODD].sort(byBytes));
    });

    it('encodes keys, prefixes, delimiters and start-after for encoding-type=url, as S3 does', async () => {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'odd/', Delimiter: '/', StartAfter: 'odd/ ', EncodingType: 'url' }));
      expect(page).toMatchObject({ EncodingType: 'url', Prefix: 'odd/', Delimiter: '/', StartAfter: 'odd/%20', CommonPrefixes: [{ Prefix: 'odd/nul%00/' }] });
      expect(page.Contents?.map((object) => object.Key)).toEqual(['odd/%26%3C%3E', 'odd/%283%29%20%2B%C3%A9.png', 'odd/a%01b']);
      const v1 = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'odd/', Delimiter: '/', MaxKeys: 1, Marker: 'odd/ ', EncodingType: 'url' }));
      expect(v1).toMatchObject({ EncodingType: 'url', Marker: 'odd/%20', NextMarker: 'odd/%26%3C%3E', Contents: [{ Key: 'odd/%26%3C%3E' }] });
      // Without it the keys are as they are.
      expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'odd/(' }))).Contents?.map((object) => object.Key)).toEqual(['odd/(3) +é.png']);
    });

    it('refuses another encoding type (InvalidArgument)', async () => {
      const refused = s3.send(new ListObjectsV2Command({ Bucket: BUCKET, EncodingType: 'base64' as 'url' }));
      await expect(refused).rejects.toMatchObject({ name: 'InvalidArgument', message: 'Invalid Encoding Method specified in Request', ArgumentName: 'encoding-type', $metadata: { httpStatusCode: 400 } });
    });
  });
});
