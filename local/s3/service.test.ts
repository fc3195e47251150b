import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
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
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { requestUpload } from '../../functions/request-upload/upload-ticket.ts';
import { signDownloadUrl } from '../../functions/sign-urls/download-urls.ts';
import type { UploadTicket } from '../../schema/generated/graphql.ts';
import { FOREIGN_ORIGIN, rawRequest } from '../testing/sigv4-refusals.ts';
import { EventOutbox } from './outbox.ts';
import { KeyLocks } from './key-locks.ts';
import { SPOOL_MEMORY } from './spool.ts';
import { type LocalS3Service, startLocalS3Service } from './start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const USER = { sub: '7d2e4c1a-0b9f-4e55-9a57-3f1c2b8d6e90' };
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const MAX_BYTES = 1000;

describe('local S3 service', () => {
  let dataDir: string;
  let service: LocalS3Service;
  let s3: S3Client;
  let events: S3EventRecord[];
  const record = (event: S3EventRecord) => {
    events.push(event);
  };
  /** Where the service delivers events (the queue, in the local cloud). */
  let deliver: (event: S3EventRecord) => Promise<void> | void = record;
  const deliveryLog: string[] = [];

  const start = async () => {
    service = await startLocalS3Service({
      dataDir,
      bucket: BUCKET,
      region: REGION,
      credentials: CREDENTIALS,
      onEvent: (event) => deliver(event),
      log: (line) => deliveryLog.push(line),
    });
    s3 = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, CREDENTIALS);
  };
  const stop = async () => {
    s3.destroy();
    await service.close();
  };
  const config = () => ({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint, maxUploadBytes: MAX_BYTES, uploadUrlTtlSeconds: 60, downloadUrlTtlSeconds: 60 });
  const ticket = (contentType = 'image/gif', fileName = 'cat.gif') =>
    requestUpload({ s3, config: config() }, USER, { fileName, contentType, bytes: GIF.length });
  const post = (upload: UploadTicket['upload'], body: Buffer = GIF, edit: (fields: Map<string, string>) => void = () => {}) => {
    const fields = new Map(upload.fields.map(({ name, value }) => [name, value]));
    edit(fields);
    const form = new FormData();
    for (const [name, value] of fields) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(body)], { type: fields.get('Content-Type') ?? 'image/gif' }), 'cat.gif');
    return fetch(upload.url, { method: 'POST', body: form });
  };
  const errorOf = async (response: Response) => ({ status: response.status, body: await response.text() });
  const exists = async (key: string) => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound') return false;
      throw error;
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-local-s3-'));
    events = [];
    await start();
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('SDK requests (SigV4 in the Authorization header)', () => {
    it('are served when signed with the local credentials', async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'thumbnails/u/i/a b.webp', Body: 'thumb', ContentType: 'image/webp' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'thumbnails/u/i/a b.webp' }));
      expect(await got.Body?.transformToString()).toBe('thumb');
      expect(got.ContentType).toBe('image/webp');
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'thumbnails/' }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual(['thumbnails/u/i/a b.webp']);
    });

    it('are refused with a wrong secret, an unknown key id, or no signature', async () => {
      const wrongSecret = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, { ...CREDENTIALS, secretAccessKey: 'guess' });
      await expect(wrongSecret.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'thumbnails/u/i/a b.webp' }))).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
        $metadata: { httpStatusCode: 403 },
      });
      const unknownKey = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: service.endpoint }, { ...CREDENTIALS, accessKeyId: 'AKIAUNKNOWN' });
      await expect(unknownKey.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
      const wrongRegion = createS3Client({ bucket: BUCKET, region: 'eu-west-1', s3Endpoint: service.endpoint }, CREDENTIALS);
      await expect(wrongRegion.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'AuthorizationHeaderMalformed' });
      for (const client of [wrongSecret, unknownKey, wrongRegion]) client.destroy();

      const anonymous = await fetch(`${service.endpoint}/${BUCKET}/thumbnails/u/i/a%20b.webp`);
      expect(await errorOf(anonymous)).toMatchObject({ status: 403, body: expect.stringContaining('<Code>AccessDenied</Code>') });
    });

    it('are refused when the body does not match the signed payload hash, and nothing is stored', async () => {
      const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 's3', sha256: Sha256, uriEscapePath: false });
      const host = new URL(service.endpoint).host;
      const path = `/${BUCKET}/thumbnails/u/i/tampered.txt`;
      const signed = await signer.sign({
        method: 'PUT',
        protocol: 'http:',
        hostname: host.split(':')[0] ?? '',
        path,
        query: {},
        headers: { host, 'x-amz-content-sha256': createHash('sha256').update('hello').digest('hex') },
      });
      const response = await fetch(`${service.endpoint}${path}`, { method: 'PUT', headers: signed.headers, body: 'HELLO' });
      expect(await errorOf(response)).toMatchObject({ status: 400, body: expect.stringContaining('<Code>XAmzContentSHA256Mismatch</Code>') });
      expect(await exists('thumbnails/u/i/tampered.txt')).toBe(false);
    });
  });

  it("refuses a DeleteObjects past S3's limits (MalformedXML, KeyTooLongError) or without its body's digest, deleting nothing", async () => {
    const key = 'thumbnails/u/i/kept.webp';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'kept' }));
    const tooMany = [{ Key: key }, ...Array.from({ length: 1000 }, (_, i) => ({ Key: `thumbnails/u/i/${i}.webp` }))];
    await expect(s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: tooMany } }))).rejects.toMatchObject({ name: 'MalformedXML' });
    expect(await exists(key)).toBe(true);
    // An empty key names no object (forwarded, it would name the bucket: a DeleteBucket).
    const emptyKey = s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }, { Key: '' }] } }));
    await expect(emptyKey).rejects.toMatchObject({ name: 'UserKeyMustBeSpecified', $metadata: { httpStatusCode: 400 } });
    expect(await exists(key)).toBe(true);

    // Bodies the SDK would never send: a character reference beyond Unicode, and a body larger than any valid one.
    const url = new URL(`${service.endpoint}/${BUCKET}?delete`);
    const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 's3', sha256: Sha256, uriEscapePath: false });
    const md5 = (body: string) => createHash('md5').update(body).digest('base64');
    const send = async (body: string, digest: Record<string, string> = { 'content-md5': md5(body) }) => {
      const headers = { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...digest };
      const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: { delete: '' }, headers });
      return errorOf(await fetch(url, { method: 'POST', headers: signed.headers, body }));
    };
    const malformed = { status: 400, body: expect.stringContaining('<Code>MalformedXML</Code>') as unknown };
    expect(await send(`<Delete><Object><Key>${key}&#99999999;</Key></Object></Delete>`)).toMatchObject(malformed);
    expect(await send(`<Delete><Object><Key>${key}</Key></Object>${' '.repeat(4 * 1024 * 1024)}</Delete>`)).toMatchObject(malformed);
    expect(await exists(key)).toBe(true);

    // A key of more than 1,024 bytes refuses the whole request, as AWS does (no <Error> entry).
    const tooLong = s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }, { Key: `thumbnails/${'é'.repeat(510)}` }] } }));
    await expect(tooLong).rejects.toMatchObject({ name: 'KeyTooLongError', Size: '1031', MaxSizeAllowed: '1024', $metadata: { httpStatusCode: 400 } });
    expect(await exists(key)).toBe(true);

    // A character XML 1.0 cannot carry is no XML, written as the SDK writes it (raw) or as a reference:
    // such a key is deleted by DeleteObject only.
    const control = 'thumbnails/u/i/c\u0001.webp';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: control, Body: 'c' }));
    const raw = s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }, { Key: control }] } }));
    await expect(raw).rejects.toMatchObject({ name: 'MalformedXML', $metadata: { httpStatusCode: 400 } });
    expect(await send(`<Delete><Object><Key>thumbnails/u/i/c&#x1;.webp</Key></Object></Delete>`)).toMatchObject(malformed);
    expect(await exists(control)).toBe(true);
    expect(await exists(key)).toBe(true);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: control }));

    // The body's digest is required (Content-MD5 or x-amz-checksum-*) and checked.
    const body = `<Delete><Object><Key>${key}</Key></Object></Delete>`;
    expect(await send(body, {})).toMatchObject({
      status: 400,
      body: expect.stringContaining('<Code>InvalidRequest</Code><Message>Missing required header for this request: Content-MD5 OR x-amz-checksum-*</Message>'),
    });
    expect(await send(body, { 'content-md5': md5(`${body} `) })).toMatchObject({ status: 400, body: expect.stringContaining('<Code>BadDigest</Code>') });
    expect(await send(body, { 'content-md5': 'not-a-digest' })).toMatchObject({ status: 400, body: expect.stringContaining('<Code>InvalidDigest</Code>') });
    expect(await send(body, { 'x-amz-checksum-crc32': 'AAAAAA==' })).toMatchObject({
      status: 400,
      body: expect.stringContaining('<Code>BadDigest</Code><Message>The CRC32 you specified did not match the calculated checksum.</Message>'),
    });
    const sha256 = createHash('sha256').update(body).digest('base64');
    expect(await send(body, { 'x-amz-checksum-sha256': sha256.replace(/^./, (first) => (first === 'A' ? 'B' : 'A')) })).toMatchObject({ status: 400, body: expect.stringContaining('<Code>BadDigest</Code>') });
    expect(await exists(key)).toBe(true);
    // Who is asking is checked first, as S3 does: an unsigned request learns nothing of its body.
    const unsigned = await fetch(url, { method: 'POST', body: `<Delete><Object><Key>${key}&#x1;</Key></Object></Delete>` });
    expect(await errorOf(unsigned)).toMatchObject({ status: 403, body: expect.stringContaining('<Code>AccessDenied</Code>') });
    expect(await exists(key)).toBe(true);
    expect(await send(body, { 'x-amz-checksum-sha256': sha256 })).toMatchObject({ status: 200 });
    expect(await exists(key)).toBe(false);
  });

  describe('conditional writes and reads (If-Match, If-None-Match), decided as AWS decides them', () => {
    const text = async (key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ?? '';
    const put = (key: string, body: string, condition: { IfMatch?: string; IfNoneMatch?: string } = {}) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'application/json', ...condition }));
    const refusal = (status: number, name: string) => ({ name, $metadata: expect.objectContaining({ httpStatusCode: status }) as unknown });

    it('If-None-Match: * creates a new key and refuses an existing one with 412, changing nothing', async () => {
      const key = 'meta/cond/create.json';
      const created = await put(key, '{"v":1}', { IfNoneMatch: '*' });
      await expect(put(key, '{"v":2}', { IfNoneMatch: '*' })).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await text(key)).toBe('{"v":1}');
      expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ETag).toBe(created.ETag);
    });

    it('If-Match writes over the object with that ETag only; a missing key is 404 NoSuchKey and stays missing', async () => {
      const key = 'meta/cond/update.json';
      const first = await put(key, '{"v":1}');
      const second = await put(key, '{"v":2}', { IfMatch: first.ETag });
      expect(await text(key)).toBe('{"v":2}');
      // The first ETag is stale now.
      await expect(put(key, '{"v":3}', { IfMatch: first.ETag })).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await text(key)).toBe('{"v":2}');
      await put(key, '{"v":3}', { IfMatch: second.ETag?.replace(/"/g, '') });
      expect(await text(key)).toBe('{"v":3}');

      await expect(put('meta/cond/missing.json', '{}', { IfMatch: first.ETag })).rejects.toMatchObject(refusal(404, 'NoSuchKey'));
      expect(await exists('meta/cond/missing.json')).toBe(false);
    });

    it('answers the refusals with S3’s XML: the failed Condition, and 501 for an If-None-Match other than *', async () => {
      const key = 'meta/cond/xml.json';
      const { ETag } = await put(key, '{}');
      const failed = await put(key, '{}', { IfMatch: '"0123"' }).catch((error: unknown) => error);
      expect(failed).toMatchObject({ name: 'PreconditionFailed', Condition: 'If-Match', message: 'At least one of the pre-conditions you specified did not hold' });
      await expect(put(key, '{}', { IfNoneMatch: ETag })).rejects.toMatchObject({ ...refusal(501, 'NotImplemented'), Header: 'If-None-Match' });
      await expect(put(key, '{}', { IfNoneMatch: '*', IfMatch: ETag })).rejects.toMatchObject({ ...refusal(501, 'NotImplemented'), Header: 'If-Match,If-None-Match' });
      expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ETag).toBe(ETag);
    });

    it('lets exactly one of concurrent writes with the same If-Match (or If-None-Match: *) through', async () => {
      const key = 'meta/cond/race.json';
      const { ETag } = await put(key, '{"v":0}');
      const writers = Array.from({ length: 6 }, (_, n) => `{"writer":${n}}`);
      const outcomes = await Promise.allSettled(writers.map((body) => put(key, body, { IfMatch: ETag })));
      const won = outcomes.flatMap((outcome, n) => (outcome.status === 'fulfilled' ? [writers[n]] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await text(key)).toBe(won[0]);

      const fresh = 'meta/cond/race-create.json';
      const creations = await Promise.allSettled(writers.map((body) => put(fresh, body, { IfNoneMatch: '*' })));
      expect(creations.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    });

    it('does not let an unconditional write slip between a conditional write’s check and its write', async () => {
      const key = 'meta/cond/mixed.json';
      const { ETag } = await put(key, '{"v":0}');
      // Whatever the interleaving, the result is one of S3's: the conditional write lands first and
      // the plain one overwrites it, or the plain one lands first and the conditional one is refused.
      const [conditional, plain] = await Promise.allSettled([put(key, '{"conditional":true}', { IfMatch: ETag }), put(key, '{"plain":true}')]);
      expect(plain.status).toBe('fulfilled');
      if (conditional.status === 'rejected') expect(conditional.reason).toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await text(key)).toBe('{"plain":true}');
    });

    it.each(['DeleteObject', 'DeleteObjects'])('fails a conditional write with 409 ConditionalRequestConflict when a %s of its key succeeds during its upload', async (how) => {
      const key = `meta/cond/conflict & ${how}.json`;
      const { ETag } = await put(key, '{"v":1}');
      const watching = vi.spyOn(KeyLocks.prototype, 'watch');
      const body = new PassThrough();
      body.write('{"v":');
      const conditional = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: 7, IfMatch: ETag }));
      conditional.catch(() => undefined);
      // The front has the request (and watches its key) before the delete is sent.
      await expect.poll(() => watching).toHaveBeenCalledWith(key);
      watching.mockRestore();
      if (how === 'DeleteObject') await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
      else await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }] } }));
      body.end('2}');
      await expect(conditional).rejects.toMatchObject(refusal(409, 'ConditionalRequestConflict'));
      expect(await exists(key)).toBe(false);
    });

    it.each(['DeleteObject', 'DeleteObjects'])('lets a conditional write through when a %s of its key removed nothing during its upload', async (how) => {
      // AWS's 409 is for "a delete request to an object" that succeeds meanwhile; a key that holds
      // no object has nothing to conflict with (S3's conditional-writes guide).
      const key = `meta/cond/no conflict & ${how}.json`;
      const watching = vi.spyOn(KeyLocks.prototype, 'watch');
      const body = new PassThrough();
      body.write('{"v":');
      const conditional = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: 7, IfNoneMatch: '*' }));
      await expect.poll(() => watching).toHaveBeenCalledWith(key);
      watching.mockRestore();
      if (how === 'DeleteObject') await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
      else await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }, { Key: 'meta/cond/never.json' }] } }));
      body.end('1}');
      await conditional;
      expect(await text(key)).toBe('{"v":1}');
    });

    describe('conditional deletes (If-Match on DeleteObject)', () => {
      const del = (key: string, condition: { IfMatch?: string; IfMatchSize?: number; IfMatchLastModifiedTime?: Date }) =>
        s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, ...condition }));

      it('deletes only the object with that ETag (quoted or not) or, with *, any object; 412 otherwise, changing nothing', async () => {
        const key = 'meta/cond/delete.json';
        const { ETag } = await put(key, '{"v":1}');
        const failed = await del(key, { IfMatch: '"0123"' }).catch((error: unknown) => error);
        expect(failed).toMatchObject({ ...refusal(412, 'PreconditionFailed'), Condition: 'If-Match', message: 'At least one of the pre-conditions you specified did not hold' });
        expect(await text(key)).toBe('{"v":1}');
        await del(key, { IfMatch: ETag });
        expect(await exists(key)).toBe(false);

        const second = await put(key, '{"v":2}');
        await del(key, { IfMatch: second.ETag?.replace(/"/g, '') });
        expect(await exists(key)).toBe(false);
        await put(key, '{"v":3}');
        await del(key, { IfMatch: '*' });
        expect(await exists(key)).toBe(false);
      });

      it('answers 404 NoSuchKey for a missing key, with an ETag or with *', async () => {
        for (const IfMatch of ['"0123"', '*']) {
          await expect(del('meta/cond/never-there.json', { IfMatch })).rejects.toMatchObject({ ...refusal(404, 'NoSuchKey'), Key: 'meta/cond/never-there.json' });
        }
        // Without a condition a delete of a missing key stays a success, as on S3.
        await del('meta/cond/never-there.json', {});
      });

      it('refuses the directory-bucket-only size and last-modified conditions with 501, deleting nothing', async () => {
        const key = 'meta/cond/directory-only.json';
        const { ETag } = await put(key, '{}');
        const { LastModified, ContentLength } = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        await expect(del(key, { IfMatchSize: ContentLength })).rejects.toMatchObject({ ...refusal(501, 'NotImplemented'), Header: 'x-amz-if-match-size' });
        await expect(del(key, { IfMatchLastModifiedTime: LastModified })).rejects.toMatchObject({
          ...refusal(501, 'NotImplemented'),
          Header: 'x-amz-if-match-last-modified-time',
        });
        await expect(del(key, { IfMatch: ETag, IfMatchSize: ContentLength, IfMatchLastModifiedTime: LastModified })).rejects.toMatchObject({
          Header: 'x-amz-if-match-last-modified-time',
        });
        expect(await exists(key)).toBe(true);
        // A conditional delete of a version is refused too (AWS: 501), not run unconditionally.
        await expect(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, VersionId: 'null', IfMatch: ETag }))).rejects.toMatchObject(refusal(501, 'NotImplemented'));
        expect(await exists(key)).toBe(true);
      });

      it('DeleteObjects conditions each object on its ETag: Deleted or an Error entry per object, Quiet reporting only errors', async () => {
        const [matching, stale, plain] = ['meta/cond/many-a.json', 'meta/cond/many-b.json', 'meta/cond/many-c.json'];
        const { ETag } = await put(matching, '{"a":1}');
        await put(stale, '{"b":1}');
        await put(plain, '{"c":1}');
        const missing = 'meta/cond/many-missing.json';
        const objects = [{ Key: matching, ETag }, { Key: stale, ETag: '"0123"' }, { Key: missing, ETag }, { Key: plain }];
        const result = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: objects } }));
        expect(result.Deleted?.map((deleted) => deleted.Key)).toEqual([matching, plain]);
        expect(result.Errors).toEqual([
          { Key: stale, Code: 'PreconditionFailed', Message: 'At least one of the pre-conditions you specified did not hold' },
          { Key: missing, Code: 'NoSuchKey', Message: 'The specified key does not exist.' },
        ]);
        expect([await exists(matching), await exists(stale), await exists(plain)]).toEqual([false, true, false]);

        const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Quiet: true, Objects: [{ Key: stale, ETag: '"0123"' }] } }));
        expect([quiet.Deleted, quiet.Errors?.map((error) => error.Code)]).toEqual([undefined, ['PreconditionFailed']]);
        const { LastModified } = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: stale }));
        await expect(
          s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: stale, LastModifiedTime: LastModified }] } })),
        ).rejects.toMatchObject(refusal(501, 'NotImplemented'));
        expect(await exists(stale)).toBe(true);
      });

      it('of concurrent deletes with the same If-Match, one deletes and the others find no key; a write between check and delete is never lost', async () => {
        const key = 'meta/cond/delete-race.json';
        const { ETag } = await put(key, '{"v":0}');
        const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => del(key, { IfMatch: ETag })));
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject(refusal(404, 'NoSuchKey'));

        const again = await put(key, '{"v":1}');
        // Either the delete runs first and the plain write recreates the key, or the write lands first and the delete is refused.
        const [conditional, plain] = await Promise.allSettled([del(key, { IfMatch: again.ETag }), put(key, '{"plain":true}')]);
        expect(plain.status).toBe('fulfilled');
        if (conditional.status === 'rejected') expect(conditional.reason).toMatchObject(refusal(412, 'PreconditionFailed'));
        expect(await text(key)).toBe('{"plain":true}');
      });
    });

    it('conditions a multipart completion and a copy too', async () => {
      const key = 'meta/cond/multipart.json';
      await put(key, '{"v":1}');
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: '{"v":2}' }));
      const complete = (condition: { IfNoneMatch?: string; IfMatch?: string }) =>
        s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] }, ...condition }));
      await expect(complete({ IfNoneMatch: '*' })).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
      expect(await text(key)).toBe('{"v":1}');

      const copy = (condition: { IfNoneMatch?: string }) =>
        s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'meta/cond/copy.json', CopySource: `${BUCKET}/${key}`, ...condition }));
      await copy({ IfNoneMatch: '*' });
      await expect(copy({ IfNoneMatch: '*' })).rejects.toMatchObject(refusal(412, 'PreconditionFailed'));
    });

    it('GetObject and HeadObject honour If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since', async () => {
      const key = 'meta/cond/read.json';
      const { ETag } = await put(key, '{"read":true}');
      const { LastModified } = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      const get = (condition: Partial<Record<'IfMatch' | 'IfNoneMatch', string> & Record<'IfModifiedSince' | 'IfUnmodifiedSince', Date>>) =>
        s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ...condition }));
      const earlier = new Date(LastModified!.getTime() - 60_000);
      expect(await (await get({ IfMatch: ETag })).Body?.transformToString()).toBe('{"read":true}');
      await expect(get({ IfMatch: '"0123"' })).rejects.toMatchObject({ ...refusal(412, 'PreconditionFailed'), Condition: 'If-Match' });
      await expect(get({ IfUnmodifiedSince: earlier })).rejects.toMatchObject({ ...refusal(412, 'PreconditionFailed'), Condition: 'If-Unmodified-Since' });
      await expect(get({ IfNoneMatch: ETag })).rejects.toMatchObject({ $metadata: expect.objectContaining({ httpStatusCode: 304 }) as unknown });
      await expect(get({ IfModifiedSince: LastModified! })).rejects.toMatchObject({ $metadata: expect.objectContaining({ httpStatusCode: 304 }) as unknown });
      expect((await get({ IfModifiedSince: earlier, IfNoneMatch: '"0123"' })).ETag).toBe(ETag);
      // A missing key is still 404, whatever the condition.
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta/cond/none.json', IfMatch: ETag }))).rejects.toMatchObject(refusal(404, 'NoSuchKey'));

      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, IfMatch: '"0123"' }))).rejects.toMatchObject({ $metadata: expect.objectContaining({ httpStatusCode: 412 }) as unknown });
      expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, IfMatch: ETag }))).ETag).toBe(ETag);
    });
  });

  describe('presigned POST uploads (functions/request-upload)', () => {
    it('store a valid upload with its content type and notify ObjectCreated:Post', async () => {
      const { key, upload } = await ticket();
      const response = await post(upload);
      expect(response.status).toBe(204);
      expect(response.headers.get('etag')).toBe(`"${createHash('md5').update(GIF).digest('hex')}"`);
      const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(stored.ContentType).toBe('image/gif');
      expect(Buffer.from((await stored.Body?.transformToByteArray()) ?? [])).toEqual(GIF);
      await expect.poll(() => events.map((event) => event.s3.object.key)).toContain(key);
      expect(events.find((event) => event.s3.object.key === key)).toMatchObject({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventName: 'ObjectCreated:Post',
        s3: { bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }, object: { key, size: GIF.length, eTag: createHash('md5').update(GIF).digest('hex') } },
      });
    });

    it('refuse a tampered signature', async () => {
      const { key, upload } = await ticket();
      const response = await post(upload, GIF, (fields) => fields.set('X-Amz-Signature', '0'.repeat(64)));
      expect(await errorOf(response)).toMatchObject({ status: 403, body: expect.stringContaining('<Code>SignatureDoesNotMatch</Code>') });
      expect(await exists(key)).toBe(false);
    });

    it('refuse a changed key', async () => {
      const { key, upload } = await ticket();
      const other = key.replace(USER.sub, 'someone-else');
      const response = await post(upload, GIF, (fields) => fields.set('key', other));
      const error = await errorOf(response);
      expect(error.status).toBe(403);
      expect(error.body).toContain('<Code>AccessDenied</Code>');
      expect(error.body).toContain(`Invalid according to Policy: Policy Condition failed: [&#34;eq&#34;, &#34;$key&#34;, &#34;${key}&#34;]`);
      expect(await exists(other)).toBe(false);
    });

    it('refuse a different Content-Type', async () => {
      const { key, upload } = await ticket();
      const error = await errorOf(await post(upload, GIF, (fields) => fields.set('Content-Type', 'text/html')));
      expect(error.status).toBe(403);
      expect(error.body).toContain('Policy Condition failed: [&#34;eq&#34;, &#34;$Content-Type&#34;, &#34;image/gif&#34;]');
      expect(await exists(key)).toBe(false);
    });

    it('refuse fields the policy does not cover', async () => {
      const { upload } = await ticket();
      const error = await errorOf(await post(upload, GIF, (fields) => fields.set('x-amz-meta-owner', 'mallory')));
      expect(error).toMatchObject({ status: 403, body: expect.stringContaining('Invalid according to Policy: Extra input fields: x-amz-meta-owner') });
    });

    it('refuse files over and under the content-length-range', async () => {
      const { key, upload } = await ticket();
      const large = await errorOf(await post(upload, Buffer.alloc(MAX_BYTES + 1)));
      expect(large.status).toBe(400);
      expect(large.body).toContain('<Code>EntityTooLarge</Code>');
      expect(large.body).toContain(`<ProposedSize>${MAX_BYTES + 1}</ProposedSize><MaxSizeAllowed>${MAX_BYTES}</MaxSizeAllowed>`);
      const empty = await errorOf(await post(upload, Buffer.alloc(0)));
      expect(empty).toMatchObject({ status: 400, body: expect.stringContaining('<Code>EntityTooSmall</Code>') });
      expect(await exists(key)).toBe(false);
      expect(await post(upload, Buffer.alloc(MAX_BYTES, 1))).toMatchObject({ status: 204 });
    });

    it('refuse an expired policy', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 120_000);
      const { key, upload } = await ticket();
      vi.useRealTimers();
      const error = await errorOf(await post(upload));
      expect(error).toMatchObject({ status: 403, body: expect.stringContaining('Invalid according to Policy: Policy expired.') });
      expect(await exists(key)).toBe(false);
    });

    it('refuse a form without a file or without a policy', async () => {
      const { upload } = await ticket();
      const form = new FormData();
      for (const { name, value } of upload.fields) form.append(name, value);
      const noFile = await errorOf(await fetch(upload.url, { method: 'POST', body: form }));
      expect(noFile).toMatchObject({ status: 400, body: expect.stringContaining('POST requires exactly one file upload per request.') });
      const anonymous = await errorOf(await post(upload, GIF, (fields) => fields.delete('Policy')));
      expect(anonymous).toMatchObject({ status: 403, body: expect.stringContaining('<Code>AccessDenied</Code>') });
    });
  });

  it('refuses a form that breaks off after its file, storing nothing and keeping nothing of it', async () => {
    const { key, upload } = await ticket();
    const form = new FormData();
    for (const { name, value } of upload.fields) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(GIF)], { type: 'image/gif' }), 'cat.gif');
    const whole = new Response(form);
    const serialized = Buffer.from(await whole.arrayBuffer()).toString('latin1');
    // The file part ends at its boundary; the next part's header is cut off mid-line.
    const broken = `${serialized.slice(0, serialized.lastIndexOf('--\r\n'))}\r\nContent-Dispo`;
    const response = await fetch(upload.url, {
      method: 'POST',
      headers: { 'content-type': whole.headers.get('content-type') ?? '' },
      body: Buffer.from(broken, 'latin1'),
    });
    expect(await errorOf(response)).toMatchObject({ status: 400, body: expect.stringContaining('<Code>MalformedPOSTRequest</Code>') });
    expect(await exists(key)).toBe(false);
    expect(SPOOL_MEMORY.inUse).toBe(0);
  });

  describe('presigned GET URLs (functions/sign-urls)', () => {
    const key = `uploads/${USER.sub}/01HZX3V6Q8K2M4N5P6R7S8T9VW/photo.gif`;
    const sign = () => signDownloadUrl({ s3, config: config() }, { identity: USER, key });

    beforeAll(async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: GIF, ContentType: 'image/gif' }));
    });

    it('serve the object', async () => {
      const response = await fetch((await sign()) ?? '');
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(GIF);
    });

    it('refuse a tampered signature or a changed key', async () => {
      const url = new URL((await sign()) ?? '');
      const signature = url.searchParams.get('X-Amz-Signature') ?? '';
      url.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
      expect(await errorOf(await fetch(url))).toMatchObject({ status: 403, body: expect.stringContaining('<Code>SignatureDoesNotMatch</Code>') });
      const otherKey = new URL((await sign()) ?? '');
      otherKey.pathname = otherKey.pathname.replace('photo.gif', 'other.gif');
      expect(await errorOf(await fetch(otherKey))).toMatchObject({ status: 403, body: expect.stringContaining('<Code>SignatureDoesNotMatch</Code>') });
    });

    it('refuse an expired URL', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 120_000);
      const url = (await sign()) ?? '';
      vi.useRealTimers();
      const error = await errorOf(await fetch(url));
      expect(error).toMatchObject({ status: 403, body: expect.stringContaining('<Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>') });
    });
  });

  describe('CORS as deployed', () => {
    const origin = 'http://localhost:5173';
    const preflight = (method: string, headers = 'content-type') =>
      fetch(`${service.endpoint}/${BUCKET}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
      });

    it('allows preflights for POST, PUT and GET from a page on this machine', async () => {
      const response = await preflight('POST', 'Content-Type, X-Requested-With');
      expect(response.status).toBe(200);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      expect(headers).toMatchObject({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'POST, PUT, GET',
        'access-control-allow-headers': 'content-type, x-requested-with',
        'access-control-expose-headers': 'ETag',
        'access-control-max-age': '3000',
      });
      expect((await preflight('GET')).status).toBe(200);
    });

    it('refuses other methods and preflights without an origin', async () => {
      expect(await errorOf(await preflight('DELETE'))).toMatchObject({ status: 403, body: expect.stringContaining('CORSResponse: This CORS request is not allowed') });
      const noOrigin = await fetch(`${service.endpoint}/${BUCKET}`, { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST' } });
      expect(await errorOf(noOrigin)).toMatchObject({ status: 400, body: expect.stringContaining('Origin request header needed') });
    });

    it('adds the headers to actual responses, refusals included', async () => {
      const { upload } = await ticket();
      const ok = await fetch(upload.url, { method: 'POST', headers: { origin }, body: formOf(upload) });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
      expect(ok.headers.get('access-control-expose-headers')).toBe('ETag');
      const refused = await fetch(`${service.endpoint}/${BUCKET}/x`, { headers: { origin } });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    });
  });

  describe('reachable only through the front, from loopback names and allowed origins', () => {
    /** A script that lists the bucket straight from the store's socket and prints the status or the error code. */
    const anonymousListing = () =>
      `require('node:http').get({ socketPath: ${JSON.stringify(join(dataDir, 'store', 's3rver.sock'))}, path: '/${BUCKET}' }, (r) => console.log(r.statusCode)).on('error', (e) => console.log(e.code))`;

    it('the store (s3rver, which checks nothing) listens on no TCP port, only on a socket only its owner can reach', async () => {
      const listening = listeningTcpInodes();
      const [store, ...others] = descendants(process.pid).filter((pid) => commandLine(pid).includes('store-process.ts'));
      expect(store, 'the store child process').toBeDefined();
      expect(others).toEqual([]);
      expect(socketInodes(store!).filter((inode) => listening.has(inode))).toEqual([]);
      // The same check sees the front's port, in this process.
      expect(socketInodes(process.pid).some((inode) => listening.has(inode))).toBe(true);
      expect((await stat(join(dataDir, 'store'))).mode & 0o777).toBe(0o700);
    });

    it('refuses another user an anonymous listing straight from the store', async () => {
      // Only the store's own directory may stand in the way: the data directory is opened up.
      await chmod(dataDir, 0o755);
      const storeDir = join(dataDir, 'store');
      const asRoot = process.getuid?.() === 0;
      // As root the other user is real (nobody). Otherwise this process cannot become another user,
      // so it meets the directory with the permissions every other user has (its "other" bits).
      const mode = (await stat(storeDir)).mode & 0o777;
      if (!asRoot) await chmod(storeDir, mode & 0o007);
      const other = spawn(process.execPath, ['-e', anonymousListing()], { ...(asRoot ? { uid: 65534, gid: 65534 } : {}), cwd: '/', env: {} });
      const output: string[] = [];
      for (const stream of [other.stdout, other.stderr]) stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      await new Promise((resolve) => other.once('exit', resolve));
      await chmod(storeDir, mode);
      expect(output.join('').trim()).toBe('EACCES');
      // The owner still reaches it: the refusal is the directory's, not a broken socket.
      const asOwner = spawn(process.execPath, ['-e', anonymousListing()], { cwd: '/', env: {} });
      const owned: string[] = [];
      asOwner.stdout.on('data', (chunk: Buffer) => owned.push(chunk.toString()));
      await new Promise((resolve) => asOwner.once('exit', resolve));
      expect(owned.join('').trim()).toBe('200');
    });

    it('refuses a presigned URL sent with a foreign Host (DNS rebinding)', async () => {
      const key = `thumbnails/${USER.sub}/i/host.webp`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
      const url = new URL((await signDownloadUrl({ s3, config: config() }, { identity: USER, key })) ?? '');
      const reply = await rawRequest(url, { method: 'GET', headers: { host: `attacker.example:${url.port}` }, body: '' });
      expect(reply.status).toBe(403);
      expect(reply.body).toContain('<Code>AccessDenied</Code>');
      expect(reply.body).toContain('is not this local service&#39;s address');
      expect((await rawRequest(url, { method: 'GET', headers: { host: `localhost:${url.port}` }, body: '' })).status).toBe(403);
      expect((await rawRequest(url, { method: 'GET', headers: {}, body: '' })).status).toBe(200);
    });

    it('refuses browser requests the CORS rules do not allow, even when signed', async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'thumbnails/u/i/cors.webp', Body: 'x' }));
      const signed = async (method: string, origin: string) => {
        const url = new URL(`${service.endpoint}/${BUCKET}/thumbnails/u/i/cors.webp`);
        const signer = new SignatureV4({ service: 's3', region: REGION, credentials: CREDENTIALS, sha256: Sha256, uriEscapePath: false });
        const request = await signer.sign({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host, origin, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
        return rawRequest(url, { method, headers: request.headers, body: '' });
      };
      // Locally the rule allows GET, PUT and POST from pages on this machine (any port), not DELETE.
      const local = 'http://127.0.0.1:5173';
      const deleted = await signed('DELETE', local);
      expect(deleted.status).toBe(403);
      expect(deleted.body).toContain('<Code>AccessForbidden</Code>');
      expect(await exists('thumbnails/u/i/cors.webp')).toBe(true);
      const foreign = await signed('GET', FOREIGN_ORIGIN);
      expect(foreign.status).toBe(403);
      expect(foreign.body).toContain('<Code>AccessForbidden</Code>');
      expect((await signed('GET', local)).status).toBe(200);
    });

    it('with origins narrowed, refuses an upload from any other origin', async () => {
      const narrowDir = await mkdtemp(join(tmpdir(), 'imagegraph-local-s3-cors-'));
      const narrowed = await startLocalS3Service({ dataDir: narrowDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: () => undefined, corsOrigins: ['http://localhost:5173'] });
      const client = createS3Client({ bucket: BUCKET, region: REGION, s3Endpoint: narrowed.endpoint }, CREDENTIALS);
      try {
        const { upload } = await requestUpload({ s3: client, config: { ...config(), s3Endpoint: narrowed.endpoint } }, USER, { fileName: 'cat.gif', contentType: 'image/gif', bytes: GIF.length });
        const refused = await fetch(upload.url, { method: 'POST', headers: { origin: FOREIGN_ORIGIN }, body: formOf(upload) });
        expect(await errorOf(refused)).toMatchObject({ status: 403, body: expect.stringContaining('<Code>AccessForbidden</Code>') });
        expect((await fetch(upload.url, { method: 'POST', headers: { origin: 'http://localhost:5173' }, body: formOf(upload) })).status).toBe(204);
      } finally {
        client.destroy();
        await narrowed.close();
        await rm(narrowDir, { recursive: true, force: true });
      }
    });
  });

  describe('event notifications', () => {
    it('are sent only for uploads/, with keys encoded as S3 encodes them and growing sequencers', async () => {
      events.length = 0;
      const key = `uploads/${USER.sub}/01HZX3V6Q8K2M4N5P6R7S8T9VX/my photo (1)+é.jpg`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'thumbnails/x/y/z.webp', Body: 'x' }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'jpeg' }));
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
      await expect.poll(() => events).toHaveLength(2);
      expect(events.map((event) => [event.eventName, event.s3.object.key])).toEqual([
        ['ObjectCreated:Put', `uploads/${USER.sub}/01HZX3V6Q8K2M4N5P6R7S8T9VX/my+photo+%281%29%2B%C3%A9.jpg`],
        ['ObjectRemoved:Delete', `uploads/${USER.sub}/01HZX3V6Q8K2M4N5P6R7S8T9VX/my+photo+%281%29%2B%C3%A9.jpg`],
      ]);
      expect(events[1]?.s3.object).not.toHaveProperty('size');
      const [first, second] = events.map((event) => event.s3.object.sequencer);
      expect(first! < second!).toBe(true);
    });

    it('name multipart completions and report each key of a multi-object delete', async () => {
      events.length = 0;
      const key = `uploads/${USER.sub}/01HZX3V6Q8K2M4N5P6R7S8T9VY/big.jpg`;
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: 'part' }));
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
      await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }, { Key: 'thumbnails/x/y/z.webp' }] } }));
      await expect.poll(() => events).toHaveLength(2);
      expect(events.map((event) => event.eventName)).toEqual(['ObjectCreated:CompleteMultipartUpload', 'ObjectRemoved:Delete']);
      expect(await exists('thumbnails/x/y/z.webp')).toBe(false);
    });
  });

  it('keeps an event on disk before the upload is acknowledged, and delivers it after a restart if its delivery failed', async () => {
    events.length = 0;
    deliver = () => Promise.reject(new Error('queue unavailable'));
    const { key, upload } = await ticket();
    expect((await post(upload)).status).toBe(204);
    // Read as soon as the upload is acknowledged: the event is already there.
    const outbox = new EventOutbox(dataDir);
    try {
      expect(outbox.pending(100).map((entry) => entry.record.s3.object.key)).toContain(key);
    } finally {
      outbox.close();
    }
    await expect.poll(() => deliveryLog.join('\n')).toContain(`S3 notification for ${key} not delivered, retrying: Error: queue unavailable`);
    await stop();

    deliver = record;
    await start();
    await expect.poll(() => events.map((event) => [event.eventName, event.s3.object.key])).toEqual([['ObjectCreated:Post', key]]);
  });

  it('keeps objects across restarts, but not the bytes of a write a crash cut short, nor its temporary files', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'meta/u/kept.json', Body: '{}' }));
    await stop();
    // What s3rver leaves when it stops while receiving a body: the bytes, no metadata after them.
    const halfWritten = join(dataDir, 'objects', BUCKET, 'uploads', 'u', 'i', 'half.jpg._S3rver_object');
    await mkdir(dirname(halfWritten), { recursive: true });
    await writeFile(halfWritten, 'half a jpeg');
    // What this store leaves: an overwrite's files beside the object's (store-writes.ts), not yet renamed.
    const kept = join(dataDir, 'objects', BUCKET, 'meta', 'u', 'kept.json');
    await writeFile(`${kept}._S3rver_9.o.tmp`, '{"half":');
    await writeFile(`${kept}._S3rver_9.e.tmp`, 'ffff');
    await start();
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta/u/kept.json' }));
    expect(await got.Body?.transformToString()).toBe('{}');
    expect((await readdir(join(dataDir, 'objects'), { recursive: true })).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const uploads = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/u/' }));
    expect(uploads.Contents ?? []).toEqual([]);
  });

  // S3 allows any key; these make directories named like the files the start-up clean-up looks for.
  it('restarts with keys whose directories are named like an object file or a temporary one', async () => {
    const keys = ['backup.tmp/photo.jpg', 'x._S3rver_object/y', 'x._S3rver_1.m.tmp/y'];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    await stop();
    await start();
    for (const key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await got.Body?.transformToString()).toBe(key);
    }
  });
});

function formOf(upload: UploadTicket['upload']): FormData {
  const form = new FormData();
  for (const { name, value } of upload.fields) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(GIF)], { type: 'image/gif' }), 'cat.gif');
  return form;
}

/** Process ids under `root` (children, grandchildren, ...), from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        visit(pid);
      }
    }
  };
  visit(root);
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The inodes of the sockets a process holds open. */
function socketInodes(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.slice(1) ?? [];
    } catch {
      return [];
    }
  });
}

/** The inodes of every listening TCP socket (state 0A) on the machine. */
function listeningTcpInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}
