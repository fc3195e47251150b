/**
 * The HTTP edge in lite mode (no models): Rekognition's protocol and errors through the real
 * RekognitionClient, with images from a real local S3 (s3rver) and as Bytes.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
  ImageTooLargeException,
  InvalidImageFormatException,
  InvalidParameterException,
  InvalidS3ObjectException,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../functions/shared/testing/local-s3.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { jsonProtocolRefusals, REFUSAL_CASES, type RefusalCase, sendCall, wrongClientConfigs } from '../testing/sigv4-refusals.ts';
import { MAX_BYTES_IMAGE, MAX_S3_IMAGE } from './core/limits.ts';
import { InFlight } from './in-flight.ts';
import { type LocalRekognition, startLocalRekognition } from './start.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));

const REGION = 'us-east-1';
let s3: LocalS3;
let rekognition: LocalRekognition;
let client: RekognitionClient;
const bucket = 'imagegraph-test';

beforeAll(async () => {
  s3 = await startLocalS3(bucket);
  rekognition = await startLocalRekognition({
    mode: 'lite',
    auth: { credentials: LOCAL_CREDENTIALS, region: REGION },
    s3: { endpoint: s3.config.s3Endpoint, region: s3.config.region, credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true },
  });
  client = new RekognitionClient({ endpoint: rekognition.url, region: REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'coffee.png', Body: await fixture('coffee.png') }));
});

afterAll(async () => {
  client.destroy();
  await rekognition.close();
  await s3.close();
});

const S3Object = (Name: string) => ({ S3Object: { Bucket: bucket, Name } });

describe('local Rekognition (lite mode)', () => {
  it('reads S3Object images and answers DetectLabels with image properties', async () => {
    const response = await client.send(new DetectLabelsCommand({ Image: S3Object('coffee.png'), Features: ['GENERAL_LABELS', 'IMAGE_PROPERTIES'], Settings: { ImageProperties: { MaxDominantColors: 3 } } }));
    expect(response.$metadata.httpStatusCode).toBe(200);
    expect(response.Labels).toEqual([]);
    expect(response.LabelModelVersion).toBe('3.0');
    const colors = response.ImageProperties?.DominantColors ?? [];
    expect(colors).toHaveLength(3);
    for (const color of colors) {
      expect(color.HexCode).toMatch(/^#[0-9a-f]{6}$/);
      expect(color.PixelPercent).toBeGreaterThan(0);
    }
    expect(response.ImageProperties?.Quality?.Brightness).toBeGreaterThan(0);
  });

  it('answers the other operations with their (empty) shapes from Bytes', async () => {
    const Image = { Bytes: await fixture('messi5.jpg') };
    expect((await client.send(new DetectFacesCommand({ Image, Attributes: ['EMOTIONS'] }))).FaceDetails).toEqual([]);
    expect(await client.send(new DetectModerationLabelsCommand({ Image }))).toMatchObject({ ModerationLabels: [], ModerationModelVersion: '7.0' });
    expect(await client.send(new DetectTextCommand({ Image }))).toMatchObject({ TextDetections: [], TextModelVersion: '3.0' });
  });

  it('refuses what Rekognition refuses, with its exception classes', async () => {
    const send = (Image: object) => client.send(new DetectLabelsCommand({ Image }));
    await expect(send({ Bytes: Buffer.from('GIF89a not a photo') })).rejects.toBeInstanceOf(InvalidImageFormatException);
    // A PNG header over garbage: readable signature, unreadable image.
    await expect(send({ Bytes: Buffer.concat([(await fixture('coffee.png')).subarray(0, 8), Buffer.alloc(100)]) })).rejects.toBeInstanceOf(InvalidImageFormatException);
    await expect(send(S3Object('missing.png'))).rejects.toBeInstanceOf(InvalidS3ObjectException);
    await expect(send({ S3Object: { Bucket: 'no-such-bucket', Name: 'x.png' } })).rejects.toBeInstanceOf(InvalidS3ObjectException);
    await expect(send({})).rejects.toBeInstanceOf(InvalidParameterException);
    const tiny = await sharp({ create: { width: 60, height: 200, channels: 3, background: '#fff' } }).png().toBuffer();
    await expect(send({ Bytes: tiny })).rejects.toThrow(/minimum is 80 pixels/);
    await expect(client.send(new DetectLabelsCommand({ Image: { Bytes: tiny }, MinConfidence: 150 }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('refuses images over 5 MB as Bytes and over 15 MB in S3', async () => {
    const jpegHeader = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const bytes = Buffer.concat([jpegHeader, Buffer.alloc(MAX_BYTES_IMAGE - 3)]);
    await expect(client.send(new DetectLabelsCommand({ Image: { Bytes: bytes } }))).rejects.toBeInstanceOf(ImageTooLargeException);
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'huge.jpg', Body: Buffer.concat([jpegHeader, Buffer.alloc(MAX_S3_IMAGE - 3)]) }));
    await expect(client.send(new DetectLabelsCommand({ Image: S3Object('huge.jpg') }))).rejects.toBeInstanceOf(ImageTooLargeException);
  });

  it('sends errors as AWS JSON 1.1 bodies with x-amzn-ErrorType, and refuses unknown operations', async () => {
    const post = (target: string, body: string) => sendCall(call(target, body));
    const invalid = await post('RekognitionService.DetectLabels', '{"Image":{}}');
    expect(invalid.status).toBe(400);
    expect(invalid.headers['x-amzn-errortype']).toBe('InvalidParameterException');
    expect(JSON.parse(invalid.body)).toEqual({ __type: 'InvalidParameterException', Code: 'InvalidParameterException', Message: 'Requested image should either contain bytes or s3 object.' });
    const unknown = await post('RekognitionService.IndexFaces', '{}');
    expect(unknown.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    const malformed = await post('RekognitionService.DetectText', '{not json');
    expect(JSON.parse(malformed.body)).toMatchObject({ __type: 'SerializationException' });
  });
});

/** A raw Rekognition call, for sendCall to sign (or not) with the key pair the service accepts. */
function call(target: string, body: string) {
  return {
    url: rekognition.url,
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
    service: 'rekognition',
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  };
}

describe('authentication, as Rekognition does it', () => {
  // What the attacker sent: DetectLabels on another user's image, with no signature.
  const detectOthersImage = () => call('RekognitionService.DetectLabels', JSON.stringify({ Image: S3Object('coffee.png') }));
  /** AWS's JSON-protocol errors; a foreign Host or Origin is refused with 403. */
  const refusals: Record<RefusalCase, readonly [number, string]> = {
    ...jsonProtocolRefusals(400),
    'foreign Host': [403, 'AccessDeniedException'],
    'foreign Origin': [403, 'AccessDeniedException'],
  };

  it.each(REFUSAL_CASES)('refuses DetectLabels with %s', async (wrong) => {
    const [status, type] = refusals[wrong];
    const reply = await sendCall(detectOthersImage(), wrong);
    expect(reply.status, reply.body).toBe(status);
    expect(reply.headers['x-amzn-errortype']).toBe(type);
    expect(JSON.parse(reply.body)).toMatchObject({ __type: type, Code: type, Message: expect.any(String) as string });
  });

  it('says why, in AWS words', async () => {
    const message = async (wrong: RefusalCase) => (JSON.parse((await sendCall(detectOthersImage(), wrong)).body) as { Message: string }).Message;
    expect(await message('unsigned')).toBe('Missing Authentication Token');
    expect(await message('unknown key')).toBe('The security token included in the request is invalid.');
    expect(await message('skewed date')).toMatch(/^Signature expired: .* - 5 min\.\)$/);
    expect(await message('wrong service')).toBe("Credential should be scoped to correct service: 'rekognition'. ");
  });

  it('serves the same request correctly signed', async () => {
    const reply = await sendCall(detectOthersImage());
    expect(reply.status, reply.body).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ LabelModelVersion: '3.0' });
  });

  it.each(Object.entries(wrongClientConfigs(LOCAL_CREDENTIALS)))('refuses the real SDK client with %s', async (wrong, config) => {
    const wrongClient = new RekognitionClient({ endpoint: rekognition.url, region: REGION, ...config });
    try {
      await expect(wrongClient.send(new DetectLabelsCommand({ Image: S3Object('coffee.png') }))).rejects.toMatchObject({
        name: refusals[wrong as RefusalCase][1],
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      wrongClient.destroy();
    }
  });
});

/**
 * A real HTTP hop between the vision service and S3 that counts the GETs of each key and can
 * hold their answers back, so that calls are sure to overlap.
 */
async function countingS3Proxy(upstream: string) {
  const gets = new Map<string, number>();
  let held: Promise<void> | undefined;
  const target = new URL(upstream);
  const server: Server = createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? '/', upstream).pathname;
    if (incoming.method === 'GET') gets.set(path, (gets.get(path) ?? 0) + 1);
    const forwarded = httpRequest({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      void (held ?? Promise.resolve()).then(() => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
    });
    forwarded.once('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    getsOf: (key: string) => gets.get(`/${bucket}/${key}`) ?? 0,
    /** Holds S3's answers until the returned function is called. */
    hold(): () => void {
      let release = () => undefined as void;
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('one S3 read for the calls made on one object at once', () => {
  let proxy: Awaited<ReturnType<typeof countingS3Proxy>>;
  let proxied: LocalRekognition;
  let proxiedClient: RekognitionClient;

  beforeAll(async () => {
    proxy = await countingS3Proxy(s3.config.s3Endpoint);
    proxied = await startLocalRekognition({
      mode: 'lite',
      auth: { credentials: LOCAL_CREDENTIALS, region: REGION },
      s3: { endpoint: proxy.endpoint, region: s3.config.region, credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true },
    });
    proxiedClient = new RekognitionClient({ endpoint: proxied.url, region: REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });

  afterAll(async () => {
    proxiedClient.destroy();
    await proxied.close();
    await proxy.close();
  });

  /** The pipeline's three calls for one photo, sent together; S3 answers once all three wait for the image. */
  async function pipelineCalls(key: string) {
    const joined = vi.spyOn(InFlight.prototype, 'run');
    const release = proxy.hold();
    try {
      const Image = S3Object(key);
      const calls = [
        proxiedClient.send(new DetectLabelsCommand({ Image, Features: ['GENERAL_LABELS', 'IMAGE_PROPERTIES'] })),
        proxiedClient.send(new DetectFacesCommand({ Image })),
        proxiedClient.send(new DetectTextCommand({ Image })),
      ];
      await expect.poll(() => joined).toHaveBeenCalledTimes(3);
      release();
      return await Promise.allSettled(calls);
    } finally {
      release();
      joined.mockRestore();
    }
  }

  it('reads the object once for three concurrent calls, and again for a later call, which sees a replaced object', async () => {
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared.png', Body: await fixture('coffee.png') }));
    const answers = await pipelineCalls('shared.png');
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(proxy.getsOf('shared.png')).toBe(1);

    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared.png', Body: Buffer.from('GIF89a not a photo any more') }));
    await expect(proxiedClient.send(new DetectTextCommand({ Image: S3Object('shared.png') }))).rejects.toBeInstanceOf(InvalidImageFormatException);
    expect(proxy.getsOf('shared.png')).toBe(2);
  });

  it('gives every caller of a failed shared read its Rekognition error, and does not remember the failure', async () => {
    const missing = await pipelineCalls('later.png');
    for (const answer of missing) expect(answer.status === 'rejected' && answer.reason).toBeInstanceOf(InvalidS3ObjectException);
    expect(proxy.getsOf('later.png')).toBe(1);

    const tiny = await sharp({ create: { width: 60, height: 200, channels: 3, background: '#fff' } }).png().toBuffer();
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'later.png', Body: tiny }));
    const tooSmall = await pipelineCalls('later.png');
    for (const answer of tooSmall) expect(answer.status === 'rejected' && answer.reason).toBeInstanceOf(InvalidParameterException);
    expect(proxy.getsOf('later.png')).toBe(2);

    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'later.png', Body: await fixture('coffee.png') }));
    const labels = await proxiedClient.send(new DetectLabelsCommand({ Image: S3Object('later.png'), Features: ['IMAGE_PROPERTIES'] }));
    expect(labels.ImageProperties?.DominantColors?.length).toBeGreaterThan(0);
    expect(proxy.getsOf('later.png')).toBe(3);
  });
});
