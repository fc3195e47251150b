import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Client } from '@opensearch-project/opensearch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SearchEngine, startSearchEngine } from '../../local/opensearch/start.ts';
import { type LocalRekognition, startLocalRekognition } from '../../local/rekognition/start.ts';
import { localSqsClient } from '../../local/sqs/client.ts';
import { pollQueue } from '../../local/sqs/event-source.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start.ts';
import { IMAGES_INDEX, type ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { PROCESSING_TIMEOUT_SECONDS } from '../../infra/stack-props.ts';
import { ENV } from '../shared/config.ts';
import { thumbnailPrefix } from '../shared/storage-keys.ts';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../shared/testing/local-s3.ts';
import { lambdaContext } from '../shared/testing/lambda-context.ts';
import { createSearchClient } from './image-index.ts';
import { MAX_FRESH_POSTPONEMENTS, POSTPONED_RETRY_DELAY_SECONDS, POSTPONEMENTS_ATTRIBUTE } from './postponed-retry.ts';
import { DEADLINE_MARGIN_MS, TIME_MARGIN_MS } from './time-budget.ts';
import { startForwardingProxy, startHttpFake, type HttpFake } from './testing/http-fake.ts';
import { startStallingServer } from '../shared/testing/stalling-server.ts';

// The real handler and its real S3, Rekognition, OpenSearch, SQS and AppSync clients. S3 is
// s3rver, the search engine, the queue and vision (lite: no labels, real image checks) are the
// local cloud's, search and vision each behind a recording proxy that can inject a fault. AppSync
// is a wire-level fake that records what was published: the local AppSync needs the whole API
// (schema, Cognito) to answer one mutation.
const OWNER = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';
const REGION = 'us-east-1';
/** The deployed queue's visibility timeout (QUEUE_VISIBILITY_TIMEOUT, six function timeouts). */
const QUEUE_VISIBILITY_SECONDS = PROCESSING_TIMEOUT_SECONDS * 6;
/** Below the deployed 5, so that a few postponements outnumber it. */
const MAX_RECEIVE_COUNT = 2;
let s3: LocalS3;
let queue: LocalSqs;
let sqs: SQSClient;
let queueUrl: string;
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
  queue = await startLocalSqs({
    dataDir: ':memory:',
    region: REGION,
    credentials: LOCAL_S3_CREDENTIALS,
    queues: [
      { name: 'images-dlq' },
      { name: 'images', visibilityTimeoutSeconds: QUEUE_VISIBILITY_SECONDS, redrive: { deadLetterQueueName: 'images-dlq', maxReceiveCount: MAX_RECEIVE_COUNT } },
    ],
  });
  sqs = localSqsClient(queue.endpoint, REGION, LOCAL_S3_CREDENTIALS);
  queueUrl = queue.queueUrl('images');
  for (const [name, value] of Object.entries({
    ...s3.env,
    [ENV.searchEndpoint]: openSearch.url,
    [ENV.graphqlUrl]: `${appSync.url}/graphql`,
    [ENV.rekognitionEndpoint]: rekognition.url,
    [ENV.queueUrl]: queueUrl,
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
  sqs.destroy();
  await Promise.all([s3.close(), openSearch.close(), appSync.close(), rekognition.close(), queue.close()]);
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

const isProcessed = async (imageId: string) =>
  index.get({ index: IMAGES_INDEX, id: imageId }).then(({ body }) => (body._source as ImageDocument).status === 'PROCESSED', () => false);

/** An invocation's context with the function's whole timeout left. */
const WHOLE_TIMEOUT_MS = PROCESSING_TIMEOUT_SECONDS * 1000;
const invocation = () => lambdaContext('process-image', () => WHOLE_TIMEOUT_MS);
const jpeg = (seed: number) => sharp({ create: { width: 400, height: 300, channels: 3, background: { r: seed, g: 80, b: 160 } } }).jpeg().toBuffer();
const published = () => appSync.requests.map((request) => (JSON.parse(request.body) as { variables: { input: { imageId: string; status: string } } }).variables.input);

const imageIdOf = (body: string) => /\/(01JD\w{22})\//.exec(body)?.[1];

/** The record Lambda's event source makes of a received message (local/sqs/event-source.ts shapes the poller's). */
function recordOf(received: Message): SQSRecord {
  return {
    ...message(received.MessageId!, received.Body!),
    receiptHandle: received.ReceiptHandle!,
    messageAttributes: Object.fromEntries(
      Object.entries(received.MessageAttributes ?? {}).map(([name, value]) => [name, { dataType: value.DataType!, stringValue: value.StringValue }]),
    ),
  };
}

/** The next message of a queue, waiting up to 20 s for one to become visible. */
const nextMessage = async (url: string) =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] })))
    .Messages?.[0];

const deadLetterQueueUrl = () => queue.queueUrl('images-dlq');

/** Every message of a queue: visible, in flight or delayed. */
async function queueDepth(url: string): Promise<number> {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }));
  return names.reduce((sum, name) => sum + Number(Attributes[name]), 0);
}

/**
 * An S3 notification for a fresh upload, padded so that the body fits the local queue's 262,144
 * bytes (SQS's MaximumMessageSize; the body and every attribute's name, type and value count) on
 * its own but not with the postponement count added.
 */
async function oversizeCopyBody(imageId: string, seed: number): Promise<string> {
  const { body } = await uploadMessage(`oversize-${imageId}`, imageId, await jpeg(seed));
  const padded = (padding: string) => JSON.stringify({ ...(JSON.parse(body) as object), padding });
  const room = 262_144 - Buffer.byteLength(padded('')) - (POSTPONEMENTS_ATTRIBUTE.length + 'Number'.length + '1'.length) + 1;
  return padded('x'.repeat(room));
}

interface Delivery {
  imageId: string | undefined;
  messageId: string;
  receiveCount: string;
  postponements: string | undefined;
  body: string;
  at: number;
}

/**
 * The real handler behind the local event source mapping (one poller), with each invocation's
 * clock chosen by `clockFor` from its event and the deliveries so far; records every delivery.
 */
function pollThrough(options: { batchSize?: number }, clockFor: (event: SQSEvent, deliveries: Delivery[]) => () => number) {
  const deliveries: Delivery[] = [];
  const poller = pollQueue({
    sqs,
    queueUrl,
    region: REGION,
    functionName: 'process-image',
    timeoutSeconds: PROCESSING_TIMEOUT_SECONDS,
    maxConcurrency: 1,
    ...options,
    onError: () => undefined,
    handler: (event) => {
      const clock = clockFor(event, deliveries);
      const at = Date.now();
      for (const record of event.Records) {
        deliveries.push({
          imageId: imageIdOf(record.body),
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          postponements: record.messageAttributes[POSTPONEMENTS_ATTRIBUTE]?.stringValue,
          body: record.body,
          at,
        });
      }
      return handler(event, lambdaContext('process-image', clock));
    },
  });
  return {
    deliveries,
    stop: () => poller.stop(),
    /** Resolves once `done` holds, checked every 200 ms; fails after 100 s. */
    until: async (done: (deliveries: Delivery[]) => Promise<boolean>) => {
      const deadline = Date.now() + 100_000;
      while (!(await done(deliveries))) {
        if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(deliveries.map(({ body: _, ...d }) => d))}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

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

  it('re-queues the messages it has no time to start as new messages, reports them done, and finishes them on redelivery', async () => {
    const first = await uploadMessage('in-time', '01JD0000000000000000000106', await jpeg(6));
    const second = await uploadMessage('too-late', '01JD0000000000000000000107', await jpeg(7));
    // The invocation's clock runs short once the first image is announced.
    const publishes = appSync.requests.length;
    const context = lambdaContext('process-image', () => (appSync.requests.length > publishes ? TIME_MARGIN_MS - 1 : WHOLE_TIMEOUT_MS));
    expect((await handler({ Records: [first, second] }, context)).batchItemFailures).toEqual([]);
    expect(published().map((event) => event.imageId)).toEqual(['01JD0000000000000000000106']);
    await expect(index.get({ index: IMAGES_INDEX, id: '01JD0000000000000000000107' })).rejects.toMatchObject({ statusCode: 404 });
    // Its copy, on the function's queue: the same body, its first postponement counted.
    const copy = await nextMessage(queueUrl);
    expect(copy).toMatchObject({ Body: second.body, Attributes: { ApproximateReceiveCount: '1' }, MessageAttributes: { [POSTPONEMENTS_ATTRIBUTE]: { StringValue: '1' } } });
    expect((await handler({ Records: [recordOf(copy!)] }, invocation())).batchItemFailures).toEqual([]);
    expect((await indexed('01JD0000000000000000000107')).source.status).toBe('PROCESSED');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: copy!.ReceiptHandle }));
  }, 60_000);

  it('brings a postponed message back after the short retry delay as a new message, not after the queue\'s visibility timeout', async () => {
    // Lambda's side is the local event source mapping; the first invocation's clock runs short
    // once its first image is announced, so the second message of the batch is postponed.
    const bodies: string[] = [];
    for (const [n, imageId] of ['01JD0000000000000000000108', '01JD0000000000000000000109'].entries()) {
      const { body } = await uploadMessage(`postponed-${n}`, imageId, await jpeg(8 + n));
      bodies.push(body);
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    }
    let firstInvocationAt: number | undefined;
    const poller = pollThrough({}, () => {
      if (firstInvocationAt !== undefined) return () => WHOLE_TIMEOUT_MS;
      firstInvocationAt = Date.now();
      const publishes = appSync.requests.length;
      return () => (appSync.requests.length > publishes ? TIME_MARGIN_MS - 1 : WHOLE_TIMEOUT_MS);
    });
    try {
      await poller.until(async (deliveries) => deliveries.filter((d) => d.imageId === '01JD0000000000000000000109').length >= 2 && (await isProcessed('01JD0000000000000000000109')));
    } finally {
      await poller.stop();
    }
    const { deliveries } = poller;
    const [first, again] = deliveries.filter((d) => d.imageId === '01JD0000000000000000000109');
    expect(deliveries[0]).toMatchObject({ imageId: '01JD0000000000000000000108', at: first?.at });
    // A new message, the body unchanged, received for the first time.
    expect(again).toMatchObject({ receiveCount: '1', postponements: '1', body: bodies[1] });
    expect(again!.messageId).not.toBe(first!.messageId);
    // Delayed for the retry delay from the send (made during the first invocation), and back
    // long before the queue's visibility timeout, which the 60 s deadline is far below.
    expect(again!.at - firstInvocationAt!).toBeGreaterThanOrEqual(POSTPONED_RETRY_DELAY_SECONDS * 1000);
    expect(deliveries.filter((d) => d.imageId === '01JD0000000000000000000108')).toHaveLength(1);
    expect(await queueDepth(queueUrl)).toBe(0);
  }, 90_000);

  it('postpones a message more often than maxReceiveCount without dead-lettering it; one at the limit takes the counted path to the DLQ', async () => {
    // Through the local event source, one message per invocation: `often` is postponed in its
    // first MAX_RECEIVE_COUNT + 1 deliveries and then processed; `stuck`, already postponed
    // MAX_FRESH_POSTPONEMENTS - 1 times, is postponed in every delivery.
    const [often, stuck] = ['01JD0000000000000000000115', '01JD0000000000000000000116'];
    const oftenBody = (await uploadMessage('often', often, await jpeg(15))).body;
    const stuckBody = (await uploadMessage('stuck', stuck, await jpeg(16))).body;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: oftenBody }));
    const almost = String(MAX_FRESH_POSTPONEMENTS - 1);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: stuckBody, MessageAttributes: { [POSTPONEMENTS_ATTRIBUTE]: { DataType: 'Number', StringValue: almost } } }));
    const poller = pollThrough({ batchSize: 1 }, (event, deliveries) => {
      const imageId = imageIdOf(event.Records[0]!.body);
      const postponed = imageId === stuck || deliveries.filter((d) => d.imageId === often).length < MAX_RECEIVE_COUNT + 1;
      return () => (postponed ? TIME_MARGIN_MS - 1 : WHOLE_TIMEOUT_MS);
    });
    try {
      await poller.until(async () => (await isProcessed(often)) && (await queueDepth(deadLetterQueueUrl())) === 1);
    } finally {
      await poller.stop();
    }
    const of = (imageId: string) => poller.deliveries.filter((d) => d.imageId === imageId).map(({ messageId, receiveCount, postponements, body }) => ({ messageId, receiveCount, postponements, body }));
    // Each postponement a new message received once: never near maxReceiveCount.
    const oftenDeliveries = of(often);
    expect(oftenDeliveries.map(({ receiveCount, postponements }) => [receiveCount, postponements])).toEqual([
      ['1', undefined],
      ['1', '1'],
      ['1', '2'],
      ['1', '3'],
    ]);
    expect(new Set(oftenDeliveries.map((d) => d.messageId)).size).toBe(4);
    expect(oftenDeliveries.every((d) => d.body === oftenBody)).toBe(true);
    // At the limit: the same message delivered again, its receives counted, then dead-lettered.
    const stuckDeliveries = of(stuck);
    expect(stuckDeliveries.map(({ receiveCount, postponements }) => [receiveCount, postponements])).toEqual([
      ['1', almost],
      ['1', String(MAX_FRESH_POSTPONEMENTS)],
      ['2', String(MAX_FRESH_POSTPONEMENTS)],
    ]);
    expect(stuckDeliveries[2]!.messageId).toBe(stuckDeliveries[1]!.messageId);
    const deadLetters = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl(), MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }))).Messages ?? [];
    expect(deadLetters).toEqual([
      expect.objectContaining({ MessageId: stuckDeliveries[2]!.messageId, Body: stuckBody, MessageAttributes: { [POSTPONEMENTS_ATTRIBUTE]: expect.objectContaining({ StringValue: String(MAX_FRESH_POSTPONEMENTS) }) as unknown } }),
    ]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl(), ReceiptHandle: deadLetters[0]!.ReceiptHandle }));
    expect(await queueDepth(queueUrl)).toBe(0);
  }, 120_000);

  it('falls back to the counted path when SQS refuses the copy: a batch item failure, back after the retry delay', async () => {
    // A body that fits the queue's 256 KiB alone but not with the count attribute.
    const body = await oversizeCopyBody('01JD0000000000000000000117', 17);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const [received] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageSystemAttributeNames: ['All'] }))).Messages ?? [];
    const outOfTime = lambdaContext('process-image', () => TIME_MARGIN_MS - 1);
    expect((await handler({ Records: [recordOf(received!)] }, outOfTime)).batchItemFailures).toEqual([{ itemIdentifier: received!.MessageId }]);
    expect(await queueDepth(queueUrl)).toBe(1);
    const again = await nextMessage(queueUrl);
    expect(again).toMatchObject({ MessageId: received!.MessageId, Attributes: { ApproximateReceiveCount: '2' } });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: again!.ReceiptHandle }));
  }, 60_000);

  it('still reports a postponed message as a batch item failure when SQS refuses both the copy and the visibility change', async () => {
    const body = await oversizeCopyBody('01JD0000000000000000000110', 10);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const receive = async () =>
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageSystemAttributeNames: ['All'] }))).Messages ?? [];
    // Received, visible again at once, received again: the first handle is stale, as when a
    // batch ran past a short visibility timeout and another poller took the message meanwhile.
    const [stale] = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 })).then((r) => r.Messages ?? []);
    const [current] = await receive();
    expect(current?.MessageId).toBe(stale?.MessageId);

    const outOfTime = lambdaContext('process-image', () => TIME_MARGIN_MS - 1);
    expect((await handler({ Records: [recordOf(stale!)] }, outOfTime)).batchItemFailures).toEqual([{ itemIdentifier: stale!.MessageId }]);
    // SQS refuses the stale handle, so the message is left to the newer receive and its timeout.
    await expect(
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: stale!.ReceiptHandle, VisibilityTimeout: 10 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    expect(await receive()).toEqual([]);
    expect(await queueDepth(queueUrl)).toBe(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: current!.ReceiptHandle }));
  });

  it('fails only the message whose S3 calls stall, after their timeouts, and finishes the rest of the batch', async () => {
    // A handler of its own, configured (as its module loads) with a short S3 timeout and an S3
    // that never answers a request about the stalled image; the others reach s3rver.
    const stalledImage = '01JD0000000000000000000111';
    const stallingS3 = await startStallingServer({ stall: 'before-headers', forwardTo: s3.config.s3Endpoint, stalls: (path) => path.includes(stalledImage) });
    vi.stubEnv(ENV.s3Endpoint, stallingS3.url);
    vi.stubEnv(ENV.s3TimeoutMs, '2000');
    vi.resetModules();
    const { handler: impatient } = await import('./index.ts');
    vi.stubEnv(ENV.s3Endpoint, s3.config.s3Endpoint);
    vi.stubEnv(ENV.s3TimeoutMs, undefined);
    try {
      const batch = [await uploadMessage('stalled', stalledImage, await jpeg(11)), await uploadMessage('after-it', '01JD0000000000000000000112', await jpeg(12))];
      expect((await impatient({ Records: batch }, invocation())).batchItemFailures).toEqual([{ itemIdentifier: 'stalled' }]);
      expect((await indexed('01JD0000000000000000000112')).source.status).toBe('PROCESSED');
      // Its first S3 call, given up after the SDK's three attempts.
      expect(stallingS3.stalled).toHaveLength(3);
      expect(published().map((event) => event.imageId)).toEqual(['01JD0000000000000000000112']);
    } finally {
      await stallingS3.close();
    }
  }, 60_000);

  it('abandons a message still running at the invocation\'s deadline, aborting its calls, and returns in time with the rest of the batch done', async () => {
    // A handler of its own whose Rekognition stalls every call once the batch's first image is
    // announced, and whose invocation then has a few seconds left, counting down: the second
    // message, started with the whole timeout left, is still waiting for Rekognition at the
    // deadline (its calls would otherwise take 3 attempts of 15 s each).
    const [done, late] = ['01JD0000000000000000000113', '01JD0000000000000000000114'];
    const publishes = appSync.requests.length;
    const stallingVision = await startStallingServer({ stall: 'before-headers', forwardTo: rekognition.url, stalls: () => appSync.requests.length > publishes });
    vi.stubEnv(ENV.rekognitionEndpoint, stallingVision.url);
    vi.resetModules();
    const { handler: stalling } = await import('./index.ts');
    vi.stubEnv(ENV.rekognitionEndpoint, rekognition.url);
    let stalledAt: number | undefined;
    const timeLeft = () => {
      if (stallingVision.stalled.length === 0) return WHOLE_TIMEOUT_MS;
      stalledAt ??= Date.now();
      return DEADLINE_MARGIN_MS + 2_000 - (Date.now() - stalledAt);
    };
    try {
      const batch = [await uploadMessage('in-time', done, await jpeg(13)), await uploadMessage('stalled', late, await jpeg(14))];
      const response = await stalling({ Records: batch }, lambdaContext('process-image', timeLeft));
      expect(timeLeft()).toBeGreaterThan(0);
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'stalled' }]);
      expect((await indexed(done)).source.status).toBe('PROCESSED');
      expect(published().map((event) => event.imageId)).toEqual([done]);
      // Every stalled call was aborted (its connection closed), none retried.
      expect(stallingVision.stalled.length).toBeGreaterThan(0);
      await expect.poll(() => stallingVision.abandoned).toEqual(stallingVision.stalled);
      await expect(index.get({ index: IMAGES_INDEX, id: late })).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await stallingVision.close();
    }
    // The redelivery, with Rekognition answering, finishes it.
    expect((await handler({ Records: [await uploadMessage('again', late, await jpeg(14))] }, invocation())).batchItemFailures).toEqual([]);
    expect((await indexed(late)).source.status).toBe('PROCESSED');
  }, 60_000);

  it('handles the same event delivered three times in one batch once', async () => {
    const event = await uploadMessage('dup-1', '01JD0000000000000000000104', await jpeg(4));
    const batch = [event, { ...event, messageId: 'dup-2' }, { ...event, messageId: 'dup-3' }];
    const response = await handler({ Records: batch }, invocation());
    expect(response.batchItemFailures).toEqual([]);
    expect(published().map((e) => [e.imageId, e.status])).toEqual([['01JD0000000000000000000104', 'PROCESSED']]);
    expect((await indexed('01JD0000000000000000000104')).version).toBe(1);
  });
});
