import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IMAGES_INDEX } from '../../resolvers/lib/imageDocument.ts';
import { ENV } from '../../functions/shared/config.ts';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../../functions/shared/testing/local-s3.ts';
import { createSearchClient } from '../../functions/process-image/image-index.ts';
import { PROCESSING_TIMEOUT_SECONDS } from '../../infra/stack-props.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { startHttpFake, type HttpFake } from '../../functions/process-image/testing/http-fake.ts';
import { startSearchEngine, type SearchEngine } from '../opensearch/start.ts';
import { localSqsClient } from './client.ts';
import { pollQueue } from './event-source.ts';
import { startLocalSqs, type LocalSqs } from './start.ts';

// The processing function's real handler (Powertools BatchProcessor) behind the local event source
// mapping: S3 is s3rver, the index is the local search engine; Rekognition and AppSync are
// wire-level fakes until the local cloud provides them.
const OWNER = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';
const REGION = 'us-east-1';
const searchClient = () => createSearchClient({ searchEndpoint: search.url, region: REGION }, LOCAL_S3_CREDENTIALS);
let s3: LocalS3;
let search: SearchEngine;
let appSync: HttpFake;
let rekognition: HttpFake;
let local: LocalSqs;
let sqs: SQSClient;
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  [s3, search, appSync, rekognition, local] = await Promise.all([
    startLocalS3(),
    // The function signs with the key pair in its environment: here s3rver's.
    startSearchEngine({ dataDir: ':memory:', auth: { credentials: LOCAL_S3_CREDENTIALS, region: REGION } }),
    startHttpFake(() => ({ body: { data: { publishImageProcessed: { imageId: 'x' } } } })),
    startHttpFake(() => ({ body: { Labels: [{ Name: 'Cup', Confidence: 96.5, Parents: [], Categories: [], Instances: [], Aliases: [] }] } })),
    startLocalSqs({
      dataDir: ':memory:',
      credentials: LOCAL_CREDENTIALS,
      queues: [{ name: 'images-dlq' }, { name: 'images', visibilityTimeoutSeconds: 2, redrive: { deadLetterQueueName: 'images-dlq', maxReceiveCount: 2 } }],
    }),
  ]);
  sqs = localSqsClient(local.endpoint);
  for (const [name, value] of Object.entries({
    ...s3.env,
    [ENV.searchEndpoint]: search.url,
    [ENV.graphqlUrl]: `${appSync.url}/graphql`,
    [ENV.rekognitionEndpoint]: rekognition.url,
    [ENV.queueUrl]: local.queueUrl('images'),
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  })) {
    vi.stubEnv(name, value);
  }
  ({ handler } = await import('../../functions/process-image/index.ts'));
}, 30_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  sqs.destroy();
  await Promise.all([s3.close(), search.close(), appSync.close(), rekognition.close(), local.close()]);
});

/** Uploads a photo and returns the S3 notification S3 would put on the queue for it. */
async function uploaded(imageId: string, sequencer: number): Promise<string> {
  const key = `uploads/${OWNER}/${imageId}/photo.jpg`;
  const body = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: sequencer * 20, g: 90, b: 160 } } }).jpeg().toBuffer();
  const put = await s3.s3.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: key, Body: body, ContentType: 'image/jpeg' }));
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Post',
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: s3.config.bucket },
          object: { key, size: body.length, eTag: (put.ETag ?? '').replace(/"/g, ''), sequencer: sequencer.toString(16).padStart(16, '0') },
        },
      },
    ],
  });
}

const dlqCount = async () =>
  Number(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: local.queueUrl('images-dlq'), AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes
      ?.ApproximateNumberOfMessages,
  );

describe('process-image behind the local event source mapping', () => {
  it('processes uploads, and sends a message it cannot handle to the DLQ after its retries', async () => {
    const ids = ['01JD0000000000000000000300', '01JD0000000000000000000301', '01JD0000000000000000000302'];
    for (const [n, id] of ids.entries()) {
      await sqs.send(new SendMessageCommand({ QueueUrl: local.queueUrl('images'), MessageBody: await uploaded(id, n + 1) }));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: local.queueUrl('images'), MessageBody: 'this is not an S3 notification' }));
    const invocations: SQSBatchResponse[] = [];
    const poller = pollQueue({
      sqs,
      queueUrl: local.queueUrl('images'),
      functionName: 'process-image',
      timeoutSeconds: PROCESSING_TIMEOUT_SECONDS,
      onError: () => undefined,
      handler: async (event, context) => {
        const response = await handler(event, context);
        invocations.push(response);
        return response;
      },
    });
    const client = searchClient();
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const done = await client.search({ index: IMAGES_INDEX, body: { query: { term: { status: 'PROCESSED' } } } }).catch(() => undefined);
        const processed = (done?.body.hits.hits ?? []).map((hit) => hit._id);
        if (ids.every((id) => processed.includes(id)) && (await dlqCount()) === 1) break;
        if (Date.now() > deadline) throw new Error(`not finished: processed ${processed.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await poller.stop();
      await client.close();
    }
    expect(invocations.some((response) => response.batchItemFailures.length > 0)).toBe(true);
    // Delivery is at least once (a batch slower than the visibility timeout is received again),
    // so each image is announced at least once and indexed exactly once.
    const announced = appSync.requests.map((r) => (JSON.parse(r.body) as { variables: { input: { imageId: string } } }).variables.input.imageId);
    expect([...new Set(announced)].sort()).toEqual(ids);
    const counter = searchClient();
    const { body } = await counter.count({ index: IMAGES_INDEX });
    await counter.close();
    expect(body.count).toBe(3);
  }, 30_000);
});
