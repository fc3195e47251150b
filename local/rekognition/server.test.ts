/**
 * The HTTP edge in lite mode (no models): Rekognition's protocol and errors through the real
 * RekognitionClient, with images from a real local S3 (s3rver) and as Bytes.
 */
import { readFile } from 'node:fs/promises';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../functions/shared/testing/local-s3.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { jsonProtocolRefusals, REFUSAL_CASES, type RefusalCase, sendCall, wrongClientConfigs } from '../testing/sigv4-refusals.ts';
import { MAX_BYTES_IMAGE, MAX_S3_IMAGE } from './core/limits.ts';
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
