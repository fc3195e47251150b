/**
 * Listings through the real SDK client against the running service (store-listing.ts): MaxKeys
 * counts common prefixes and objects together, and paging (ContinuationToken, Marker) returns
 * every key and common prefix exactly once, a page ending with a common prefix included.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsCommand, ListObjectsV2Command, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
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
});
