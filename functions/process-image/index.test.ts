import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SearchEngine, startSearchEngine } from '../../local/opensearch/start.ts';
import { type LocalRekognition, startLocalRekognition } from '../../local/rekognition/start.ts';
import { IMAGES_INDEX, type ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { PROCESSING_TIMEOUT_SECONDS } from '../../infra/stack-props.ts';
import { ENV } from '../shared/config.ts';
import { thumbnailPrefix } from '../shared/storage-keys.ts';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../shared/testing/local-s3.ts';
import { lambdaContext } from '../shared/testing/lambda-context.ts';
import { createSearchClient } from './image-index.ts';
import { TIME_MARGIN_MS } from './time-budget.ts';
import { startForwardingProxy, startHttpFake, type HttpFake } from './testing/http-fake.ts';

// The real handler and its real S3, Rekognition, OpenSearch and AppSync clients. S3 is s3rver, the
// search engine and vision (lite: no labels, real image checks) are the local cloud's, each behind
// a recording proxy that can inject a fault. AppSync is a wire-level fake that records what was
// published: the local AppSync needs the whole API (schema, Cognito) to answer one mutation.
const OWNER = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';
const REGION = 'us-east-1';
let s3: LocalS3;
let engine: SearchEngine;
let index: Client;
let vision: LocalRekognition;
let openSearch: HttpFake;
let appSync: HttpFake;
let rekognition: HttpFake;
let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let sequence = 0;
/** While set, OpenSearch answers 503 to writes of this document, as a struggling cluster would. */
let unavailableFor: string | null = null;

beforeAll(async () => {
  s3 = await startLocalS3();
  const auth = { credentials: LOCAL_S3_CREDENTIALS, region: REGION };
  engine = await startSearchEngine({ dataDir: ':memory:', auth });
  index = createSearchClient({ searchEndpoint: engine.url, region: REGION }, LOCAL_S3_CREDENTIALS);
  openSearch = await startForwardingProxy(engine.url, LOCAL_S3_CREDENTIALS, (request) =>
    unavailableFor && request.method === 'PUT' && request.url.includes(`/_doc/${unavailableFor}`)
      ? { status: 503, body: { error: { type: 'unavailable_shards_exception', reason: 'busy' }, status: 503 } }
      : undefined,
  );
  vision = await startLocalRekognition({ mode: 'lite', auth, s3: { endpoint: s3.config.s3Endpoint, region: REGION, credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true } });
  rekognition = await startForwardingProxy(vision.url, LOCAL_S3_CREDENTIALS);
  appSync = await startHttpFake(() => ({ body: { data: { publishImageProcessed: { imageId: 'x' } } } }));
  for (const [name, value] of Object.entries({
    ...s3.env,
    [ENV.searchEndpoint]: openSearch.url,
    [ENV.graphqlUrl]: `${appSync.url}/graphql`,
    [ENV.rekognitionEndpoint]: rekognition.url,
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  })) {
    vi.stubEnv(name, value);
  }
  ({ handler } = await import('./index.ts'));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await index.close();
  await Promise.all([s3.close(), openSearch.close(), appSync.close(), rekognition.close()]);
  await Promise.all([engine.close(), vision.close()]);
});

/** The image's document in the search engine, with its version. */
async function indexed(imageId: string): Promise<{ source: ImageDocument; version: number }> {
  const { body } = await index.get({ index: IMAGES_INDEX, id: imageId });
  return { source: body._source as ImageDocument, version: Number(body._version) };
}

beforeEach(() => {
  appSync.requests.length = 0;
});

async function uploadMessage(messageId: string, imageId: string, body: Buffer | string): Promise<SQSRecord> {
  const key = `uploads/${OWNER}/${imageId}/my photo.jpg`;
  const put = await s3.s3.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: key, Body: body, ContentType: 'image/jpeg' }));
  sequence += 1;
  const notification = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Post',
        eventTime: '2026-11-21T10:00:00.000Z',
        s3: {
          bucket: { name: s3.config.bucket },
          object: { key: key.replace(/ /g, '+'), size: body.length, eTag: (put.ETag ?? '').replace(/"/g, ''), sequencer: sequence.toString(16).padStart(16, '0') },
        },
      },
    ],
  };
  return message(messageId, JSON.stringify(notification));
}

function message(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'S3', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:images',
    awsRegion: 'us-east-1',
  };
}

/** An invocation's context with the function's whole timeout left. */
const WHOLE_TIMEOUT_MS = PROCESSING_TIMEOUT_SECONDS * 1000;
const invocation = () => lambdaContext('process-image', () => WHOLE_TIMEOUT_MS);
const jpeg = (seed: number) => sharp({ create: { width: 400, height: 300, channels: 3, background: { r: seed, g: 80, b: 160 } } }).jpeg().toBuffer();
const published = () => appSync.requests.map((request) => (JSON.parse(request.body) as { variables: { input: { imageId: string; status: string } } }).variables.input);

describe('process-image handler', () => {
  it('fails only the messages that cannot be handled; rejected images are recorded, not retried', async () => {
    const batch = [
      await uploadMessage('good', '01JD0000000000000000000100', await jpeg(1)),
      await uploadMessage('not-an-image', '01JD0000000000000000000101', 'plain text'),
      message('garbage', 'this is not an S3 notification'),
      message('test-event', JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: s3.config.bucket })),
    ];
    const response = await handler({ Records: batch }, invocation());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'garbage' }]);
    expect((await indexed('01JD0000000000000000000100')).source).toEqual(
      expect.objectContaining({ status: 'PROCESSED', fileName: 'my photo.jpg', width: 400, height: 300, labelNames: [] }),
    );
    expect((await indexed('01JD0000000000000000000101')).source.status).toBe('FAILED');
    expect(published().map(({ imageId, status }) => [imageId, status])).toEqual([
      ['01JD0000000000000000000100', 'PROCESSED'],
      ['01JD0000000000000000000101', 'FAILED'],
    ]);
    expect(appSync.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/appsync\/aws4_request/);
    const thumbnails = await s3.s3.send(
      new ListObjectsV2Command({ Bucket: s3.config.bucket, Prefix: thumbnailPrefix(OWNER, '01JD0000000000000000000100') }),
    );
    expect(thumbnails.KeyCount).toBe(4);
  });

  it('retries only the message the search engine failed, and finishes it on redelivery', async () => {
    const first = await uploadMessage('first', '01JD0000000000000000000102', await jpeg(2));
    const second = await uploadMessage('second', '01JD0000000000000000000103', await jpeg(3));
    unavailableFor = '01JD0000000000000000000102';
    const response = await handler({ Records: [first, second] }, invocation());
    unavailableFor = null;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'first' }]);
    expect(published().map((event) => event.imageId)).toEqual(['01JD0000000000000000000103']);

    const analysesBefore = rekognition.requests.length;
    expect(analysesBefore).toBeGreaterThan(0);
    const retry = await handler({ Records: [first] }, invocation());
    expect(retry.batchItemFailures).toEqual([]);
    expect((await indexed('01JD0000000000000000000102')).source.status).toBe('PROCESSED');
    // Finished from the sidecar: no second Rekognition call.
    expect(rekognition.requests.length).toBe(analysesBefore);
  });

  it('reports a batch whose only message failed as a batch item failure instead of throwing', async () => {
    // At low traffic a batch is one message: a thrown FullBatchFailureError would be a Lambda error
    // (and an alarm) for one transient failure that SQS retries anyway.
    const only = await uploadMessage('only', '01JD0000000000000000000105', await jpeg(5));
    unavailableFor = '01JD0000000000000000000105';
    const response = await handler({ Records: [only] }, invocation()).finally(() => {
      unavailableFor = null;
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'only' }]);
    const everyMessageFails = [message('bad-1', 'not json'), message('bad-2', '{}')];
    expect((await handler({ Records: everyMessageFails }, invocation())).batchItemFailures).toEqual([
      { itemIdentifier: 'bad-1' },
      { itemIdentifier: 'bad-2' },
    ]);
  });

  it('leaves the messages it has no time to start to SQS, as batch item failures, and finishes them on redelivery', async () => {
    const first = await uploadMessage('in-time', '01JD0000000000000000000106', await jpeg(6));
    const second = await uploadMessage('too-late', '01JD0000000000000000000107', await jpeg(7));
    // The invocation's clock runs short once the first image is announced.
    const publishes = appSync.requests.length;
    const context = lambdaContext('process-image', () => (appSync.requests.length > publishes ? TIME_MARGIN_MS - 1 : WHOLE_TIMEOUT_MS));
    expect((await handler({ Records: [first, second] }, context)).batchItemFailures).toEqual([{ itemIdentifier: 'too-late' }]);
    expect(published().map((event) => event.imageId)).toEqual(['01JD0000000000000000000106']);
    await expect(index.get({ index: IMAGES_INDEX, id: '01JD0000000000000000000107' })).rejects.toMatchObject({ statusCode: 404 });
    expect((await handler({ Records: [second] }, invocation())).batchItemFailures).toEqual([]);
    expect((await indexed('01JD0000000000000000000107')).source.status).toBe('PROCESSED');
  });

  it('handles the same event delivered three times in one batch once', async () => {
    const event = await uploadMessage('dup-1', '01JD0000000000000000000104', await jpeg(4));
    const batch = [event, { ...event, messageId: 'dup-2' }, { ...event, messageId: 'dup-3' }];
    const response = await handler({ Records: batch }, invocation());
    expect(response.batchItemFailures).toEqual([]);
    expect(published().map((e) => [e.imageId, e.status])).toEqual([['01JD0000000000000000000104', 'PROCESSED']]);
    expect((await indexed('01JD0000000000000000000104')).version).toBe(1);
  });
});
