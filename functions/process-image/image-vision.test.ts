import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VisionConfig } from '../shared/config.ts';
import { ImageRejected } from './image-rejected.ts';
import { createRekognitionClient, detectImageContent } from './image-vision.ts';
import { type FakeResponse, type HttpFake, type RecordedRequest, startHttpFake } from './testing/http-fake.ts';
import { startStallingServer } from '../shared/testing/stalling-server.ts';

/**
 * The real Rekognition client against a stand-in that speaks Rekognition's JSON 1.1 protocol:
 * POST / with X-Amz-Target naming the operation. Responses are shaped like the examples in
 * AWS's API reference and developer guide.
 */
const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };
const image = { bucket: 'imagegraph-images', key: 'thumbnails/owner/01JD0000000000000000000000/vision.jpg' };
const labelsOnly: VisionConfig = { minLabelConfidence: 70, maxLabels: 50, detectModeration: false, detectText: false, detectFaces: false };
const everything: VisionConfig = { ...labelsOnly, detectModeration: true, detectText: true, detectFaces: true };

const FAKE_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const box = (Width: number, Height: number, Left: number, Top: number) => ({ Width, Height, Left, Top });

const DETECT_LABELS = {
  Labels: [
    {
      Name: 'Mobile Phone',
      Parents: [{ Name: 'Phone' }],
      Aliases: [{ Name: 'Cell Phone' }],
      Categories: [{ Name: 'Technology and Computing' }],
      Confidence: 99.9364013671875,
      Instances: [
        {
          BoundingBox: box(0.26779675483703613, 0.8562285900115967, 0.3604024350643158, 0.09245597571134567),
          Confidence: 99.9364013671875,
          DominantColors: [{ Red: 120, Green: 137, Blue: 132, HexCode: '3A7D50', SimplifiedColor: 'red', CssColor: 'fuscia', PixelPercentage: 40.1 }],
        },
      ],
    },
    {
      Name: 'Person',
      Parents: [],
      Aliases: [{ Name: 'Human' }],
      Categories: [{ Name: 'Person Description' }],
      Confidence: 97.5,
      Instances: [
        { BoundingBox: box(0.2, 0.6, 0.1, 0.2), Confidence: 90.1 },
        { BoundingBox: box(0.3, 0.7, 0.6, 0.1), Confidence: 96.2 },
      ],
    },
    {
      Name: 'Smartphone',
      Parents: [{ Name: 'Mobile Phone' }, { Name: 'Phone' }, { Name: 'Electronics' }],
      Aliases: [],
      Categories: [{ Name: 'Technology and Computing' }],
      Confidence: 99.96,
      Instances: [],
    },
  ],
  LabelModelVersion: '3.0',
};

const DETECT_MODERATION_LABELS = {
  ModerationLabels: [
    { Confidence: 92.1, Name: 'Smoking', ParentName: 'Drugs & Tobacco Paraphernalia & Use', TaxonomyLevel: 3 },
    { Confidence: 99.44782257080078, Name: 'Drugs & Tobacco', ParentName: '', TaxonomyLevel: 1 },
  ],
  ModerationModelVersion: '7.0',
  ContentTypes: [],
};

const geometry = { BoundingBox: box(0.5, 0.1, 0.2, 0.3), Polygon: [{ X: 0.2, Y: 0.3 }] };
const DETECT_TEXT = {
  TextDetections: [
    { Geometry: geometry, Confidence: 99.35693359375, DetectedText: "IT'S", Type: 'LINE', Id: 0 },
    { Geometry: geometry, Confidence: 99.63568115234375, DetectedText: 'MONDAY', Type: 'LINE', Id: 1 },
    { Geometry: geometry, Confidence: 99.35693359375, DetectedText: "IT'S", Type: 'WORD', Id: 2, ParentId: 0 },
    { Geometry: geometry, Confidence: 99.63568115234375, DetectedText: 'MONDAY', Type: 'WORD', Id: 3, ParentId: 1 },
  ],
  TextModelVersion: '3.0',
};

const DETECT_FACES = {
  FaceDetails: [
    {
      // Partly outside the frame: Rekognition reports a negative Left.
      BoundingBox: box(0.2, 0.3, -0.05, 0.6),
      Emotions: [
        { Type: 'CALM', Confidence: 12.5 },
        { Type: 'HAPPY', Confidence: 80.25 },
      ],
      Landmarks: [{ Type: 'eyeLeft', X: 0.1, Y: 0.7 }],
      Pose: { Roll: -5.1, Yaw: 10.2, Pitch: 3.4 },
      Quality: { Brightness: 83.4, Sharpness: 67.2 },
      Confidence: 97.5,
    },
    {
      BoundingBox: box(0.7919622659683228, 0.7510867118835449, 0.08881539851427078, 0.151064932346344),
      Emotions: [
        { Type: 'SURPRISED', Confidence: 6.25 },
        { Type: 'SAD', Confidence: 0.5 },
        { Type: 'CONFUSED', Confidence: 90.5 },
      ],
      Landmarks: [],
      Pose: { Roll: 0, Yaw: 0, Pitch: 0 },
      Quality: { Brightness: 50, Sharpness: 50 },
      Confidence: 99.99968719482422,
    },
  ],
};

const CANNED: Record<string, unknown> = {
  DetectLabels: DETECT_LABELS,
  DetectModerationLabels: DETECT_MODERATION_LABELS,
  DetectText: DETECT_TEXT,
  DetectFaces: DETECT_FACES,
};

function operationOf(request: RecordedRequest): string {
  return String(request.headers['x-amz-target']).replace(/^RekognitionService\./, '');
}

let fake: HttpFake;
let rekognition: RekognitionClient;
/** Per-test answers by operation; the canned success otherwise. */
let answers: Record<string, FakeResponse | ((request: RecordedRequest) => Promise<FakeResponse>)>;

beforeAll(async () => {
  fake = await startHttpFake((request) => {
    const operation = operationOf(request);
    const answer = answers[operation];
    if (typeof answer === 'function') return answer(request);
    return answer ?? { headers: JSON_11, body: CANNED[operation] ?? { __type: 'UnknownOperationException' } };
  });
  rekognition = createRekognitionClient(
    { region: 'eu-west-1', rekognitionEndpoint: fake.url },
    { credentials: FAKE_CREDENTIALS },
  );
});

beforeEach(() => {
  fake.requests.length = 0;
  answers = {};
});

afterAll(async () => {
  rekognition.destroy();
  await fake.close();
});

function error(type: string, status = 400): FakeResponse {
  return { status, headers: JSON_11, body: { __type: type, Message: `${type} raised by the test` } };
}

function bodiesByOperation(): Record<string, unknown> {
  return Object.fromEntries(fake.requests.map((request) => [operationOf(request), JSON.parse(request.body)]));
}

describe('detectImageContent', () => {
  it('by default calls DetectLabels alone, on the S3 object, with the configured confidence and count', async () => {
    const findings = await detectImageContent(rekognition, image, labelsOnly);

    expect(bodiesByOperation()).toEqual({
      DetectLabels: { Image: { S3Object: { Bucket: image.bucket, Name: image.key } }, MinConfidence: 70, MaxLabels: 50 },
    });
    expect(fake.requests[0]?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(findings.moderationLabels).toEqual([]);
    expect(findings.detectedText).toEqual([]);
    expect(findings.faces).toBeNull();
  });

  it('maps labels most confident first, with parents, categories and located instances', async () => {
    const { labels } = await detectImageContent(rekognition, image, labelsOnly);

    expect(labels).toEqual([
      {
        name: 'Smartphone',
        confidence: 99.96,
        parents: ['Mobile Phone', 'Phone', 'Electronics'],
        categories: ['Technology and Computing'],
        instances: [],
      },
      {
        name: 'Mobile Phone',
        confidence: 99.9364013671875,
        parents: ['Phone'],
        categories: ['Technology and Computing'],
        instances: [
          {
            boundingBox: { left: 0.3604024350643158, top: 0.09245597571134567, width: 0.26779675483703613, height: 0.8562285900115967 },
            confidence: 99.9364013671875,
          },
        ],
      },
      {
        name: 'Person',
        confidence: 97.5,
        parents: [],
        categories: ['Person Description'],
        instances: [
          { boundingBox: { left: 0.1, top: 0.2, width: 0.2, height: 0.6 }, confidence: 90.1 },
          { boundingBox: { left: 0.6, top: 0.1, width: 0.3, height: 0.7 }, confidence: 96.2 },
        ],
      },
    ]);
  });

  it('runs every enabled detection, concurrently, and maps each', async () => {
    // Answer nothing until all four requests are in: only concurrent calls get past this.
    let release: () => void = () => undefined;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    const held = async (request: RecordedRequest): Promise<FakeResponse> => {
      if (fake.requests.length === 4) release();
      await allArrived;
      return { headers: JSON_11, body: CANNED[operationOf(request)] };
    };
    answers = { DetectLabels: held, DetectModerationLabels: held, DetectText: held, DetectFaces: held };

    const findings = await detectImageContent(rekognition, image, everything);

    const Image = { S3Object: { Bucket: image.bucket, Name: image.key } };
    expect(bodiesByOperation()).toEqual({
      DetectLabels: { Image, MinConfidence: 70, MaxLabels: 50 },
      DetectModerationLabels: { Image },
      DetectText: { Image },
      DetectFaces: { Image, Attributes: ['EMOTIONS'] },
    });
    expect(findings.labels.map((label) => label.name)).toEqual(['Smartphone', 'Mobile Phone', 'Person']);
    expect(findings.moderationLabels).toEqual([
      { name: 'Drugs & Tobacco', parentName: '', confidence: 99.44782257080078 },
      { name: 'Smoking', parentName: 'Drugs & Tobacco Paraphernalia & Use', confidence: 92.1 },
    ]);
    expect(findings.detectedText).toEqual(["IT'S", 'MONDAY']);
    expect(findings.faces).toEqual({
      count: 2,
      details: [
        {
          boundingBox: { left: 0.08881539851427078, top: 0.151064932346344, width: 0.7919622659683228, height: 0.7510867118835449 },
          confidence: 99.99968719482422,
          emotions: [
            { type: 'CONFUSED', confidence: 90.5 },
            { type: 'SURPRISED', confidence: 6.25 },
            { type: 'SAD', confidence: 0.5 },
          ],
        },
        {
          // Cut to the image: the 0.05 left of the frame is gone.
          boundingBox: { left: 0, top: 0.6, width: expect.closeTo(0.15, 10), height: expect.closeTo(0.3, 10) },
          confidence: 97.5,
          emotions: [
            { type: 'HAPPY', confidence: 80.25 },
            { type: 'CALM', confidence: 12.5 },
          ],
        },
      ],
    });
  });

  it.each([
    ['moderation', { detectModeration: true }, 'DetectModerationLabels'],
    ['text', { detectText: true }, 'DetectText'],
    ['faces', { detectFaces: true }, 'DetectFaces'],
  ])('calls only DetectLabels and the %s detection when only that is on', async (_name, flags, operation) => {
    await detectImageContent(rekognition, image, { ...labelsOnly, ...flags });
    expect(fake.requests.map(operationOf).sort()).toEqual(['DetectLabels', operation].sort());
  });

  it('treats nothing found as a normal result', async () => {
    answers = {
      DetectLabels: { headers: JSON_11, body: { Labels: [], LabelModelVersion: '3.0' } },
      DetectModerationLabels: { headers: JSON_11, body: { ModerationLabels: [], ModerationModelVersion: '7.0' } },
      DetectText: { headers: JSON_11, body: { TextDetections: [], TextModelVersion: '3.0' } },
      DetectFaces: { headers: JSON_11, body: { FaceDetails: [] } },
    };
    await expect(detectImageContent(rekognition, image, everything)).resolves.toEqual({
      labels: [],
      moderationLabels: [],
      detectedText: [],
      faces: { count: 0, details: [] },
    });
  });

  it.each([
    ['InvalidImageFormatException', 'Image analysis supports only JPEG and PNG images'],
    ['ImageTooLargeException', 'The image is too large for image analysis'],
    ['InvalidParameterException', 'Image analysis could not use this image; it may be too small or damaged'],
  ])('rejects the image on %s, without retrying', async (type, reason) => {
    answers = { DetectLabels: error(type) };

    const failure = await detectImageContent(rekognition, image, labelsOnly).catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(ImageRejected);
    expect(failure).toMatchObject({ code: 'VISION_REJECTED', reason, cause: { name: type } });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['InternalServerError', 500],
  ])('retries %s, then rethrows it unchanged as transient', async (type, status) => {
    answers = { DetectLabels: error(type, status) };

    const failure = await detectImageContent(rekognition, image, labelsOnly).catch((caught: unknown) => caught);

    expect(failure).not.toBeInstanceOf(ImageRejected);
    expect(failure).toMatchObject({ name: type, $metadata: { httpStatusCode: status, attempts: 3 } });
    expect(fake.requests).toHaveLength(3);
  });

  it('succeeds when a throttled call goes through on a retry', async () => {
    let throttled = false;
    answers = {
      DetectText: (request) => {
        if (throttled) return Promise.resolve({ headers: JSON_11, body: CANNED[operationOf(request)] });
        throttled = true;
        return Promise.resolve(error('ThrottlingException'));
      },
    };
    await expect(detectImageContent(rekognition, image, { ...labelsOnly, detectText: true })).resolves.toMatchObject({
      detectedText: ["IT'S", 'MONDAY'],
    });
  });

  it('rejects the image when one call refuses it, even if another failed transiently', async () => {
    answers = { DetectText: error('InternalServerError', 500), DetectFaces: error('InvalidImageFormatException') };
    await expect(detectImageContent(rekognition, image, everything)).rejects.toBeInstanceOf(ImageRejected);
  });

  it('rethrows other service errors unchanged, such as an unreadable S3 object', async () => {
    answers = { DetectLabels: error('InvalidS3ObjectException') };
    await expect(detectImageContent(rekognition, image, labelsOnly)).rejects.toMatchObject({ name: 'InvalidS3ObjectException' });
  });
});

describe('createRekognitionClient', () => {
  it('uses the endpoint only when one is set, and retries up to three attempts', async () => {
    const aws = createRekognitionClient({ region: 'eu-west-1' });
    const local = createRekognitionClient({ region: 'eu-west-1', rekognitionEndpoint: 'http://127.0.0.1:4566' });

    expect(aws.config.isCustomEndpoint).toBe(false);
    expect(local.config.isCustomEndpoint).toBe(true);
    expect(await aws.config.maxAttempts()).toBe(3);
    expect(await aws.config.retryStrategy()).toMatchObject({ mode: 'standard' });
    aws.destroy();
    local.destroy();
  });

  it('refuses an empty endpoint rather than sending the calls to AWS', () => {
    expect(() => createRekognitionClient({ region: 'eu-west-1', rekognitionEndpoint: ' ' })).toThrow('rekognitionEndpoint is empty');
  });

  it('gives up on a call that never answers after its request timeout, every attempt, instead of waiting for the Lambda timeout', async () => {
    answers = { DetectLabels: () => new Promise<FakeResponse>(() => undefined) };
    const impatient = createRekognitionClient(
      { region: 'eu-west-1', rekognitionEndpoint: fake.url, rekognitionTimeouts: { connectMs: 500, requestMs: 200 } },
      { credentials: FAKE_CREDENTIALS },
    );
    try {
      await expect(detectImageContent(impatient, image, labelsOnly)).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(fake.requests.filter((request) => operationOf(request) === 'DetectLabels')).toHaveLength(3);
    } finally {
      impatient.destroy();
    }
  });

  it('aborts its calls when the signal does (the invocation\'s deadline), closing their connections, and the SDK does not retry them', async () => {
    const server = await startStallingServer({ stall: 'before-headers' });
    const patient = createRekognitionClient({ region: 'eu-west-1', rekognitionEndpoint: server.url }, { credentials: FAKE_CREDENTIALS });
    const deadline = new AbortController();
    try {
      const detecting = detectImageContent(patient, image, { ...labelsOnly, detectText: true }, deadline.signal);
      await expect.poll(() => server.stalled).toHaveLength(2);
      deadline.abort(new Error('out of time'));
      await expect(detecting).rejects.toMatchObject({ name: 'AbortError', $metadata: { attempts: 1 } });
      await expect.poll(() => server.abandoned).toEqual(['POST /', 'POST /']);
      expect(server.stalled).toHaveLength(2);
    } finally {
      patient.destroy();
      await server.close();
    }
  });

  it('gives up on an answer whose body stops after the headers, every attempt: the SDK reads it before answering', async () => {
    const server = await startStallingServer({ stall: 'in-body' });
    const impatient = createRekognitionClient(
      { region: 'eu-west-1', rekognitionEndpoint: server.url, rekognitionTimeouts: { connectMs: 500, requestMs: 200 } },
      { credentials: FAKE_CREDENTIALS },
    );
    try {
      await expect(detectImageContent(impatient, image, labelsOnly)).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(server.stalled).toEqual(['POST /', 'POST /', 'POST /']);
    } finally {
      impatient.destroy();
      await server.close();
    }
  });
});
