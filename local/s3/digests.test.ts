/**
 * Body digests, as S3 checks them: through the real SDK with its default checksums (a header for a
 * buffer body, an aws-chunked trailer for a stream) and raw signed requests for what the SDK never
 * sends (malformed values, two checksums, a wrong trailer, a body cut mid-chunk). Every refusal
 * leaves the object as it was, with no event and nothing in the outbox.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAmzDate } from '../sigv4.ts';
import { EventOutbox } from './outbox.ts';
import { type LocalS3Service, startLocalS3Service } from './start.ts';

const BUCKET = 'imagegraph-local';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIALOCAL0000000TEST', secretAccessKey: 'local-secret-for-tests' };
const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

let dataDir: string;
let service: LocalS3Service;
/** The SDK as a developer's code would use it: its default checksums (`WHEN_SUPPORTED`), no retries to hide an error. */
let s3: S3Client;
const events: S3EventRecord[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-s3-digests-'));
  service = await startLocalS3Service({ dataDir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS, onEvent: (event) => void events.push(event) });
  s3 = new S3Client({ region: REGION, endpoint: service.endpoint, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  s3.destroy();
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
});

const text = async (key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ?? '';
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const digestOf = (algorithm: 'md5' | 'sha1' | 'sha256', body: string) => createHash(algorithm).update(body).digest('base64');
const sdkDigest = async (Checksum: typeof Crc32c | typeof Crc64Nvme, body: string) => {
  const checksum = new Checksum();
  checksum.update(Buffer.from(body));
  return base64(await checksum.digest());
};
/** `value` changed in its first character, still well-formed. */
const wrong = (value: string) => value.replace(/^./, (first) => (first === 'A' ? 'B' : 'A'));

/** Stores `body` at `key` and waits for its event, so that what follows starts from an empty outbox. */
async function stored(key: string, body: string): Promise<void> {
  const before = events.length;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  await expect.poll(() => events.length).toBe(before + 1);
  await expect.poll(() => outboxSize()).toBe(0);
}

function outboxSize(): number {
  const outbox = new EventOutbox(dataDir, 'delivery');
  try {
    return outbox.size();
  } finally {
    outbox.close();
  }
}

/** Expects `key` to hold `body` still, with no event since `eventsBefore` and nothing in the outbox. */
async function unchanged(key: string, body: string, eventsBefore: number): Promise<void> {
  expect(await text(key)).toBe(body);
  expect(outboxSize()).toBe(0);
  expect(events).toHaveLength(eventsBefore);
}

/** The URL and SigV4-signed headers of a request with the local credentials (`x-amz-content-sha256` as in `headers`, else UNSIGNED-PAYLOAD). */
async function signedFor(method: string, pathAndQuery: string, headers: Record<string, string>): Promise<{ url: URL; headers: Record<string, string> }> {
  const url = new URL(`${service.endpoint}${pathAndQuery}`);
  const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 's3', sha256: Sha256, uriEscapePath: false });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers },
  });
  return { url, headers: signed.headers };
}

/** A raw request signed with the local credentials, its body sent as given (`x-amz-content-sha256` as in `headers`, else UNSIGNED-PAYLOAD). */
async function signed(method: string, pathAndQuery: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const { url, headers: signedHeaders } = await signedFor(method, pathAndQuery, headers);
  const response = await fetch(url, { method, headers: signedHeaders, body });
  return { status: response.status, body: await response.text() };
}

/** A signed request that declares its headers (a Content-Length, say) and sends no body: the answer the headers alone get. */
async function declaredOnly(method: string, pathAndQuery: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { url, headers: signedHeaders } = await signedFor(method, pathAndQuery, headers);
  return new Promise((resolve, reject) => {
    const sent = request(url, { method, headers: signedHeaders }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
        sent.destroy();
      });
    });
    sent.on('error', reject);
    sent.flushHeaders();
  });
}

const refusal = (code: string, message: string) => ({ status: 400, body: expect.stringContaining(`<Code>${code}</Code><Message>${message}</Message>`) as unknown });

describe('PutObject through the SDK, with its default checksums', () => {
  it.each(ALGORITHMS)('stores a buffer body (the checksum as a header) and a stream body (as an aws-chunked trailer) with %s, and reads back the bytes', async (algorithm) => {
    const key = `uploads/u/digests/${algorithm}.txt`;
    const before = events.length;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'a buffer body', ChecksumAlgorithm: algorithm }));
    expect(await text(key)).toBe('a buffer body');
    // A stream: the SDK sends it aws-chunked, one chunk per piece (each but the last at least 8 KiB,
    // as S3 requires), the checksum after them; the middle piece starts like framing.
    const pieces = [Buffer.alloc(70_000, 'a'), Buffer.concat([Buffer.from('\r\n0\r\n'), Buffer.alloc(9_000, 'c')]), Buffer.alloc(130_000, 'b')];
    const whole = Buffer.concat(pieces);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Readable.from(pieces), ContentLength: whole.length, ChecksumAlgorithm: algorithm }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    expect(got.ETag).toBe(`"${createHash('md5').update(whole).digest('hex')}"`);
    await expect.poll(() => events.slice(before).map((event) => [event.eventName, event.s3.object.size])).toEqual([
      ['ObjectCreated:Put', 'a buffer body'.length],
      ['ObjectCreated:Put', whole.length],
    ]);
  });

  it('refuses a stream whose pieces are under 8 KiB before the last (InvalidChunkSizeError, as S3 answers the SDK), keeping the object', async () => {
    const key = 'uploads/u/digests/small-pieces.txt';
    await stored(key, 'kept');
    const before = events.length;
    const pieces = ['small ', 'pieces'];
    await expect(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Readable.from(pieces.map((piece) => Buffer.from(piece))), ContentLength: pieces.join('').length })),
    ).rejects.toMatchObject({ name: 'InvalidChunkSizeError', Chunk: '2', BadChunkSize: '6' });
    await unchanged(key, 'kept', before);
  });

  it('refuses a checksum or Content-MD5 that does not match the body (BadDigest), keeping the object', async () => {
    const key = 'uploads/u/digests/kept.txt';
    await stored(key, 'kept');
    const before = events.length;
    const put = (input: Partial<ConstructorParameters<typeof PutObjectCommand>[0]>) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'replaced', ...input }));
    await expect(put({ ChecksumCRC32: 'AAAAAA==' })).rejects.toMatchObject({ name: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.', $metadata: { httpStatusCode: 400 } });
    await expect(put({ ChecksumCRC32C: wrong(await sdkDigest(Crc32c, 'replaced')) })).rejects.toMatchObject({ name: 'BadDigest', message: 'The CRC32C you specified did not match the calculated checksum.' });
    await expect(put({ ChecksumCRC64NVME: wrong(await sdkDigest(Crc64Nvme, 'replaced')) })).rejects.toMatchObject({ name: 'BadDigest', message: 'The CRC64NVME you specified did not match the calculated checksum.' });
    await expect(put({ ChecksumSHA1: digestOf('sha1', 'kept') })).rejects.toMatchObject({ name: 'BadDigest', message: 'The SHA1 you specified did not match the calculated checksum.' });
    await expect(put({ ChecksumSHA256: digestOf('sha256', 'kept') })).rejects.toMatchObject({ name: 'BadDigest', message: 'The SHA256 you specified did not match the calculated checksum.' });
    await expect(put({ ContentMD5: digestOf('md5', 'kept') })).rejects.toMatchObject({ name: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' });
    await unchanged(key, 'kept', before);
    // The right ones are taken, Content-MD5 and a checksum together.
    await put({ ContentMD5: digestOf('md5', 'replaced'), ChecksumCRC32C: await sdkDigest(Crc32c, 'replaced') });
    expect(await text(key)).toBe('replaced');
  });
});

describe('PutObject refusals the SDK never sends (raw signed requests)', () => {
  const key = 'uploads/u/digests/raw.txt';
  const path = `/${BUCKET}/${key}`;
  const body = 'replaced';

  it.each([
    ['a malformed Content-MD5', { 'content-md5': 'not-a-digest' }, refusal('InvalidDigest', 'The Content-MD5 you specified was invalid.')],
    ['a Content-MD5 of another size', { 'content-md5': digestOf('sha1', body) }, refusal('InvalidDigest', 'The Content-MD5 you specified was invalid.')],
    ['a checksum that is not base64', { 'x-amz-checksum-crc32': 'not base64!' }, refusal('InvalidRequest', 'Value for x-amz-checksum-crc32 header is invalid.')],
    ['a checksum of another size', { 'x-amz-checksum-crc64nvme': 'AAAAAA==' }, refusal('InvalidRequest', 'Value for x-amz-checksum-crc64nvme header is invalid.')],
    [
      'two checksums, both right',
      { 'x-amz-checksum-sha1': digestOf('sha1', body), 'x-amz-checksum-sha256': digestOf('sha256', body) },
      refusal('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.'),
    ],
    [
      'an x-amz-sdk-checksum-algorithm naming another algorithm',
      { 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-checksum-sha256': digestOf('sha256', body) },
      refusal('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.'),
    ],
    ['an x-amz-sdk-checksum-algorithm S3 does not know', { 'x-amz-sdk-checksum-algorithm': 'MD5' }, refusal('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.')],
    [
      'an x-amz-sdk-checksum-algorithm with no checksum header or trailer',
      { 'x-amz-sdk-checksum-algorithm': 'CRC32' },
      refusal('InvalidRequest', 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.'),
    ],
    ['a wrong SHA-256 checksum', { 'x-amz-checksum-sha256': digestOf('sha256', 'other') }, refusal('BadDigest', 'The SHA256 you specified did not match the calculated checksum.')],
  ] as const)('refuses %s, keeping the object and notifying nothing', async (_, headers, expected) => {
    await stored(key, 'kept');
    const before = events.length;
    expect(await signed('PUT', path, headers, body)).toMatchObject(expected);
    await unchanged(key, 'kept', before);
  });

  /** An aws-chunked body as the SDK frames it (STREAMING-UNSIGNED-PAYLOAD-TRAILER), with `trailer` lines after the last chunk. */
  const chunked = (pieces: string[], trailer: string[]) => `${pieces.map((piece) => `${piece.length.toString(16)}\r\n${piece}\r\n`).join('')}0\r\n${trailer.map((line) => `${line}\r\n`).join('')}\r\n`;
  const streaming = (trailer: string, decodedLength = body.length) => ({
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': String(decodedLength),
    'x-amz-trailer': trailer,
    'x-amz-sdk-checksum-algorithm': 'SHA256',
  });

  /** `body` framed in one chunk with its right SHA-256 trailer: what a header-level refusal is tried on. */
  const wellFramed = () => chunked(['replaced'], [`x-amz-checksum-sha256:${digestOf('sha256', body)}`]);

  it('stores an aws-chunked body whose trailer matches, decoded', async () => {
    await stored(key, 'kept');
    const pieces = ['r'.repeat(8192), 'eplaced'];
    const whole = pieces.join('');
    const framed = chunked(pieces, [`x-amz-checksum-sha256:${digestOf('sha256', whole)}`]);
    expect(await signed('PUT', path, streaming('x-amz-checksum-sha256', whole.length), framed)).toMatchObject({ status: 200 });
    expect(await text(key)).toBe(whole);
  });

  it('leaves no spooled file behind a large body refused at its trailer or cut off mid-framing', async () => {
    await stored(key, 'kept');
    const before = events.length;
    // Past the 8 MiB a body may hold in memory: spooled to a file in `incoming`.
    const large = 'a'.repeat(9 * 1024 * 1024);
    const pieces = [large.slice(0, 5_000_000), large.slice(5_000_000)];
    const wrongTrailer = chunked(pieces, [`x-amz-checksum-sha256:${digestOf('sha256', 'other')}`]);
    expect(await signed('PUT', path, streaming('x-amz-checksum-sha256', large.length), wrongTrailer)).toMatchObject(refusal('BadDigest', 'The SHA256 you specified did not match the calculated checksum.'));
    const brokenFraming = `${chunked(pieces, []).slice(0, -5)}zz\r\n\r\n`;
    expect(await signed('PUT', path, streaming('x-amz-checksum-sha256', large.length), brokenFraming)).toMatchObject(refusal('IncompleteBody', 'The request body terminated unexpectedly'));
    expect(await readdir(join(dataDir, 'incoming'))).toEqual([]);
    await unchanged(key, 'kept', before);
  });

  it('refuses a PUT declaring more than 5 GiB, plain or aws-chunked, before reading its body (EntityTooLarge)', async () => {
    await stored(key, 'kept');
    const before = events.length;
    const tooLarge = 5 * 1024 ** 3 + 1;
    const sizes = `<ProposedSize>${tooLarge}</ProposedSize><MaxSizeAllowed>${5 * 1024 ** 3}</MaxSizeAllowed>`;
    // Declared, never sent: the answer must come from the header alone.
    const plain = await declaredOnly('PUT', path, { 'content-length': String(tooLarge) });
    expect(plain).toMatchObject(refusal('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
    expect(plain.body).toContain(sizes);
    const framed = await signed('PUT', path, { ...streaming('x-amz-checksum-sha256'), 'x-amz-decoded-content-length': String(tooLarge) }, wellFramed());
    expect(framed).toMatchObject(refusal('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
    expect(framed.body).toContain(sizes);
    expect(await readdir(join(dataDir, 'incoming'))).toEqual([]);
    await unchanged(key, 'kept', before);
  });

  it('refuses a plain body sent with HTTP chunked transfer (501 NotImplemented naming Transfer-Encoding), keeping the object', async () => {
    await stored(key, 'kept');
    const before = events.length;
    const { url, headers } = await signedFor('PUT', path, {});
    // Written in pieces with no Content-Length: Node sends the body chunked.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sent = request(url, { method: 'PUT', headers }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      sent.on('error', reject);
      sent.write('repl');
      sent.end('aced');
    });
    expect(answer.status).toBe(501);
    expect(answer.body).toContain(
      '<Code>NotImplemented</Code><Message>A header you provided implies functionality that is not implemented</Message><Header>Transfer-Encoding</Header>',
    );
    await unchanged(key, 'kept', before);
  });

  it('stores a plain body sent with Content-Encoding: aws-chunked as it came (only a streaming payload is framed)', async () => {
    await stored(key, 'kept');
    expect(await signed('PUT', path, { 'content-encoding': 'aws-chunked' }, '3\r\nabc\r\n0\r\n\r\n')).toMatchObject({ status: 200 });
    expect(await text(key)).toBe('3\r\nabc\r\n0\r\n\r\n');
  });

  it.each([
    ['a wrong trailer', chunked(['replaced'], [`x-amz-checksum-sha256:${digestOf('sha256', 'other')}`]), {}, refusal('BadDigest', 'The SHA256 you specified did not match the calculated checksum.')],
    [
      'a chunk under 8 KiB before the last',
      chunked(['repl', 'aced'], [`x-amz-checksum-sha256:${digestOf('sha256', body)}`]),
      {},
      refusal('InvalidChunkSizeError', 'Only the last chunk is allowed to have a size less than 8192 bytes'),
    ],
    ['a malformed trailer value', chunked(['replaced'], ['x-amz-checksum-sha256:AAAA']), {}, refusal('InvalidRequest', 'Value for x-amz-checksum-sha256 trailing header is invalid.')],
    [
      'no trailer where x-amz-trailer declared one',
      chunked(['replaced'], []),
      {},
      refusal('MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.'),
    ],
    ['a trailer naming no checksum', chunked(['replaced'], ['x-amz-checksum-sha256']), {}, refusal('MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.')],
    ['a body cut mid-chunk', `8\r\n${body.slice(0, 5)}`, {}, refusal('IncompleteBody', 'The request body terminated unexpectedly')],
    ['a chunk size that is not hex', chunked(['replaced'], []).replace(/^8/, 'x'), {}, refusal('IncompleteBody', 'The request body terminated unexpectedly')],
    [
      'a chunk larger than x-amz-decoded-content-length',
      wellFramed(),
      { 'x-amz-decoded-content-length': '7' },
      refusal('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'),
    ],
    [
      'an x-amz-decoded-content-length that is no number',
      wellFramed(),
      { 'x-amz-decoded-content-length': 'abc' },
      { ...refusal('MissingContentLength', 'You must provide the Content-Length HTTP header.'), status: 411 },
    ],
    [
      'fewer bytes than x-amz-decoded-content-length',
      wellFramed(),
      { 'x-amz-decoded-content-length': '9' },
      refusal('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'),
    ],
    [
      'a trailer and a checksum header',
      wellFramed(),
      { 'x-amz-checksum-sha256': digestOf('sha256', body) },
      refusal('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.'),
    ],
    ['an x-amz-trailer naming no checksum', chunked(['replaced'], []), { 'x-amz-trailer': 'x-amz-meta-color' }, refusal('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported')],
  ] as const)('refuses an aws-chunked body with %s, keeping the object and notifying nothing', async (_, framed, headers, expected) => {
    await stored(key, 'kept');
    const before = events.length;
    expect(await signed('PUT', path, { ...streaming('x-amz-checksum-sha256'), ...headers }, framed)).toMatchObject(expected);
    await unchanged(key, 'kept', before);
  });
});

describe('signed streaming uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], raw signed requests)', () => {
  const key = 'uploads/u/digests/signed-stream.txt';
  const path = `/${BUCKET}/${key}`;
  /** Two chunks, the first of the 8 KiB S3 wants of every chunk but the last. */
  const chunks = [Buffer.alloc(8192, 'r'), Buffer.from('eplaced')];
  const whole = Buffer.concat(chunks).toString();
  const sha256Hex = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
  const checksumLine = `x-amz-checksum-sha256:${digestOf('sha256', whole)}`;

  interface StreamRequest {
    url: URL;
    headers: Record<string, string>;
    seed: string;
    amzDate: string;
  }

  /** A signed stream's headers, signed with the local credentials: the seed signature is the Authorization's. */
  async function streamRequest(trailer: boolean, decodedLength = whole.length): Promise<StreamRequest> {
    const { url, headers } = await signedFor('PUT', path, {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-decoded-content-length': String(decodedLength),
      ...(trailer ? { 'x-amz-trailer': 'x-amz-checksum-sha256' } : {}),
    });
    return { url, headers, seed: /Signature=([0-9a-f]{64})/.exec(headers.authorization ?? '')?.[1] ?? '', amzDate: headers['x-amz-date'] ?? '' };
  }

  /**
   * The signatures of `signed` (each chunk's, then the final empty chunk's, then the trailer lines'
   * if any), chained from the seed as the streaming pages specify, each computed by the SDK's
   * signer (`sign` of a string: HMAC with its derived key) with `credentials`.
   */
  async function chain(request: StreamRequest, signed: Buffer[], trailer: string[] | null, credentials = CREDENTIALS): Promise<string[]> {
    const signer = new SignatureV4({ credentials, region: REGION, service: 's3', sha256: Sha256 });
    const signingDate = parseAmzDate(request.amzDate) ?? new Date();
    const scope = `${request.amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`;
    const signatures: string[] = [];
    let previous = request.seed;
    for (const chunk of [...signed, Buffer.alloc(0)]) {
      previous = await signer.sign(['AWS4-HMAC-SHA256-PAYLOAD', request.amzDate, scope, previous, sha256Hex(''), sha256Hex(chunk)].join('\n'), { signingDate });
      signatures.push(previous);
    }
    if (trailer) {
      const lines = trailer.map((line) => `${line}\n`).join('');
      signatures.push(await signer.sign(['AWS4-HMAC-SHA256-TRAILER', request.amzDate, scope, previous, sha256Hex(lines)].join('\n'), { signingDate }));
    }
    return signatures;
  }

  /** `sent` framed, chunk i with `signatures[i]` (none if null), then the final chunk's and the trailer lines. */
  const frame = (sent: Buffer[], signatures: Array<string | null>, trailer: string[] = []) =>
    Buffer.concat([
      ...sent.map((chunk, i) => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}${signatures[i] ? `;chunk-signature=${signatures[i]}` : ''}\r\n`), chunk, Buffer.from('\r\n')])),
      Buffer.from(`0;chunk-signature=${signatures[sent.length]}\r\n${trailer.map((line) => `${line}\r\n`).join('')}\r\n`),
    ]);

  async function send(request: StreamRequest, body: Buffer): Promise<{ status: number; body: string }> {
    const response = await fetch(request.url, { method: 'PUT', headers: request.headers, body: new Uint8Array(body) });
    return { status: response.status, body: await response.text() };
  }

  it('stores a correctly signed stream decoded, with and without a signed trailer', async () => {
    await stored(key, 'kept');
    const plain = await streamRequest(false);
    expect(await send(plain, frame(chunks, await chain(plain, chunks, null)))).toMatchObject({ status: 200 });
    expect(await text(key)).toBe(whole);
    await stored(key, 'kept');
    const trailed = await streamRequest(true);
    const signatures = await chain(trailed, chunks, [checksumLine]);
    expect(await send(trailed, frame(chunks, signatures, [checksumLine, `x-amz-trailer-signature:${signatures.at(-1)}`]))).toMatchObject({ status: 200 });
    expect(await text(key)).toBe(whole);
  });

  const signatureMismatch = {
    status: 403,
    body: expect.stringContaining(
      '<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>',
    ) as unknown,
  };
  const swapped = [Buffer.alloc(8192, 'a'), Buffer.alloc(8192, 'b')];

  it('refuses a 9 MiB signed stream (spooled to a file) at a wrong chunk signature, leaving no file', async () => {
    await stored(key, 'kept');
    const before = events.length;
    const large = [Buffer.alloc(5_000_000, 'a'), Buffer.alloc(9 * 1024 * 1024 - 5_000_000, 'a')];
    const request = await streamRequest(false, 9 * 1024 * 1024);
    const [first = '', , end = ''] = await chain(request, large, null);
    expect(await send(request, frame(large, [first, '0'.repeat(64), end]))).toMatchObject(signatureMismatch);
    expect(await readdir(join(dataDir, 'incoming'))).toEqual([]);
    await unchanged(key, 'kept', before);
  });


  it.each([
    ['a chunk byte altered', false, async (request: StreamRequest) => frame([Buffer.concat([chunks[0]!.subarray(1), Buffer.from('x')]), chunks[1]!], await chain(request, chunks, null)), signatureMismatch],
    ['a wrong chunk signature', false, async (request: StreamRequest) => frame(chunks, ['0'.repeat(64), ...(await chain(request, chunks, null)).slice(1)]), signatureMismatch],
    [
      'its chunks swapped, each with its signature',
      false,
      async (request: StreamRequest) => {
        const [a = '', b = '', end = ''] = await chain(request, swapped, null);
        return frame([swapped[1]!, swapped[0]!], [b, a, end]);
      },
      signatureMismatch,
    ],
    ['chunks signed with another secret', false, async (request: StreamRequest) => frame(chunks, await chain(request, chunks, null, { ...CREDENTIALS, secretAccessKey: 'another-secret' })), signatureMismatch],
    [
      'a wrong trailer signature',
      true,
      async (request: StreamRequest) => {
        const signatures = await chain(request, chunks, [checksumLine]);
        return frame(chunks, signatures, [checksumLine, `x-amz-trailer-signature:${signatures[0]}`]);
      },
      signatureMismatch,
    ],
    [
      'a chunk without its signature',
      false,
      async (request: StreamRequest) => frame(chunks, [null, ...(await chain(request, chunks, null)).slice(1)]),
      refusal('IncompleteBody', 'The request body terminated unexpectedly'),
    ],
  ] as const)('refuses a signed stream with %s, keeping the object, notifying nothing and leaving no spooled file', async (_, trailer, body, expected) => {
    await stored(key, 'kept');
    const before = events.length;
    const request = await streamRequest(trailer);
    expect(await send(request, await body(request))).toMatchObject(expected);
    expect(await readdir(join(dataDir, 'incoming'))).toEqual([]);
    await unchanged(key, 'kept', before);
  });
});

it('checks UploadPart bodies the same way: a wrong checksum keeps the part uploaded before', async () => {
  const key = 'uploads/u/digests/multipart.bin';
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  const part = (Body: string | Readable, input: Partial<ConstructorParameters<typeof UploadPartCommand>[0]> = {}) =>
    s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body, ...input }));
  const first = await part(Readable.from([Buffer.from('first part')]), { ContentLength: 'first part'.length });
  expect(first.ETag).toBe(`"${createHash('md5').update('first part').digest('hex')}"`);
  await expect(part('second part', { ChecksumSHA256: digestOf('sha256', 'first part') })).rejects.toMatchObject({ name: 'BadDigest', message: 'The SHA256 you specified did not match the calculated checksum.' });
  await expect(part('second part', { ContentMD5: digestOf('md5', 'first part') })).rejects.toMatchObject({ name: 'BadDigest' });
  // s3rver has no ListParts: completed, the upload holds the first part.
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: first.ETag }] } }));
  expect(await text(key)).toBe('first part');
});

it('checks a DeleteObjects body against the CRC32C or CRC64NVME the SDK computes, and refuses a wrong one', async () => {
  const key = 'uploads/u/digests/deleted.txt';
  for (const algorithm of ['CRC32C', 'CRC64NVME'] as const) {
    await stored(key, 'to delete');
    await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }] }, ChecksumAlgorithm: algorithm }));
    await expect(text(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
  }
  await stored(key, 'kept');
  const before = events.length;
  const xml = `<Delete><Object><Key>${key}</Key></Object></Delete>`;
  expect(await signed('POST', `/${BUCKET}?delete`, { 'x-amz-checksum-crc32c': wrong(await sdkDigest(Crc32c, xml)) }, xml)).toMatchObject(
    refusal('BadDigest', 'The CRC32C you specified did not match the calculated checksum.'),
  );
  expect(await signed('POST', `/${BUCKET}?delete`, { 'x-amz-checksum-crc64nvme': wrong(await sdkDigest(Crc64Nvme, xml)) }, xml)).toMatchObject(
    refusal('BadDigest', 'The CRC64NVME you specified did not match the calculated checksum.'),
  );
  await unchanged(key, 'kept', before);
  expect(await signed('POST', `/${BUCKET}?delete`, { 'x-amz-checksum-crc64nvme': await sdkDigest(Crc64Nvme, xml) }, xml)).toMatchObject({ status: 200 });
  await expect(text(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
});

it('checks a presigned POST upload against its Content-MD5 field (POST Object reference), keeping the object on a refusal', async () => {
  const key = 'uploads/u/digests/posted.txt';
  await stored(key, 'kept');
  const before = events.length;
  // The field, in the policy as createPresignedPost puts every field there, as a browser page would get it.
  const post = async (contentMd5: string, body: string) => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: BUCKET, Key: key, Fields: { 'Content-MD5': contentMd5 } });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([body]), 'posted.txt');
    const response = await fetch(url, { method: 'POST', body: form });
    return { status: response.status, body: await response.text() };
  };
  expect(await post(digestOf('md5', 'kept'), 'replaced')).toMatchObject(refusal('BadDigest', 'The Content-MD5 you specified did not match what we received.'));
  expect(await post('not-a-digest', 'replaced')).toMatchObject(refusal('InvalidDigest', 'The Content-MD5 you specified was invalid.'));
  await unchanged(key, 'kept', before);
  expect(await post(digestOf('md5', 'replaced'), 'replaced')).toMatchObject({ status: 204 });
  expect(await text(key)).toBe('replaced');
});
