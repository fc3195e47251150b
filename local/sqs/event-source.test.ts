import { createHash } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { localSqsClient } from './client.ts';
import { failedIds, pollQueue } from './event-source.ts';
import { startLocalSqs, type LocalSqs } from './start.ts';

// The event source mapping against the real local server, through the real SDK client.
let local: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  local = await startLocalSqs({
    dataDir: ':memory:',
    credentials: LOCAL_CREDENTIALS,
    queues: [
      { name: 'dlq' },
      { name: 'work', visibilityTimeoutSeconds: 1, redrive: { deadLetterQueueName: 'dlq', maxReceiveCount: 2 } },
      { name: 'busy' },
      { name: 'slow', visibilityTimeoutSeconds: 30 },
      { name: 'batched' },
    ],
  });
  sqs = localSqsClient(local.endpoint);
});
afterAll(() => local.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = () => undefined;
async function sendAll(queue: string, bodies: string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const Entries = bodies.slice(start, start + 10).map((MessageBody, i) => ({ Id: String(i), MessageBody }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: local.queueUrl(queue), Entries }));
  }
}
async function counts(queue: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: local.queueUrl(queue), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}
/** Resolves once `condition` holds, within expect.poll's budget (vitest.config.ts). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  await expect.poll(condition).toBe(true);
}

describe('pollQueue', () => {
  it("invokes with Lambda's SQS event; only reported failures stay, and go to the DLQ after maxReceiveCount", async () => {
    const events: SQSEvent[] = [];
    const remaining: number[] = [];
    const poller = pollQueue({
      sqs,
      queueUrl: local.queueUrl('work'),
      timeoutSeconds: 30,
      functionName: 'process-image',
      onError: silent,
      handler: (event, context) => {
        events.push(event);
        remaining.push(context.getRemainingTimeInMillis());
        return Promise.resolve({ batchItemFailures: event.Records.filter((r) => r.body.startsWith('bad')).map((r) => ({ itemIdentifier: r.messageId })) });
      },
    });
    try {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: local.queueUrl('work'), MessageBody: 'good 1', MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } } }),
      );
      await sendAll('work', ['good 2', 'bad 1', 'good 3']);
      await until(async () => (await counts('dlq')).visible === 1 && (await counts('work')).visible + (await counts('work')).inFlight === 0);
    } finally {
      await poller.stop();
    }
    // The context counts down from the configured timeout, from the invocation on.
    expect(remaining.every((ms) => ms > 25_000 && ms <= 30_000)).toBe(true);
    const records = events.flatMap((event) => event.Records);
    expect(records.filter((r) => r.body.startsWith('good')).length).toBe(3);
    expect(records.filter((r) => r.body === 'bad 1').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    const first = records.find((r) => r.body === 'good 1');
    expect(first).toEqual({
      messageId: expect.any(String) as string,
      receiptHandle: expect.any(String) as string,
      body: 'good 1',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/) as string,
        SenderId: LOCAL_CREDENTIALS.accessKeyId,
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/) as string,
      },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'test', stringListValues: [], binaryListValues: [] } },
      md5OfBody: createHash('md5').update('good 1').digest('hex'),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:work',
      awsRegion: 'us-east-1',
    });
  });

  it('a thrown error leaves the whole batch for redelivery', async () => {
    let calls = 0;
    const seen: string[] = [];
    const poller = pollQueue({
      sqs,
      queueUrl: local.queueUrl('busy'),
      timeoutSeconds: 30,
      onError: silent,
      handler: (event) => {
        calls += 1;
        seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      maxConcurrency: 1,
    });
    try {
      await sendAll('busy', ['a', 'b']);
      // The queue's visibility timeout is 30 s: the failed batch is invisible, not deleted.
      await until(() => calls === 1);
      await sleep(200);
      expect(await counts('busy')).toEqual({ visible: 0, inFlight: 2 });
    } finally {
      await poller.stop();
    }
    expect(seen.sort()).toEqual(['a#1', 'b#1']);
  });

  it('never runs more than maxConcurrency invocations at once, and stop waits for them', async () => {
    let running = 0;
    let peak = 0;
    let done = 0;
    // The first invocations wait until three run at once, however slowly a busy machine starts
    // them (a fourth would push the peak over); later ones overlap for 100 ms each.
    let allRunning: () => void = () => undefined;
    const threeRunning = new Promise<void>((resolve) => (allRunning = resolve));
    const poller = pollQueue({
      sqs,
      queueUrl: local.queueUrl('slow'),
      timeoutSeconds: 30,
      batchSize: 2,
      maxConcurrency: 3,
      onError: silent,
      handler: async (event) => {
        running += 1;
        peak = Math.max(peak, running);
        if (running === 3) allRunning();
        await threeRunning;
        await sleep(100);
        running -= 1;
        done += event.Records.length;
      },
    });
    await sendAll('slow', Array.from({ length: 30 }, (_, i) => `m${i}`));
    await until(() => done >= 10);
    await poller.stop();
    expect(running).toBe(0);
    expect(peak).toBe(3);
    // Everything handled was deleted; the rest is still there, nothing is hidden by a stopped poller.
    const left = await counts('slow');
    expect(left.inFlight).toBe(0);
    expect(left.visible).toBe(30 - done);
  });

  it('gathers batches larger than 10 within the batching window', async () => {
    await sendAll('batched', Array.from({ length: 40 }, (_, i) => `b${i}`));
    const sizes: number[] = [];
    // No client given: the poller makes its own for the queue URL.
    const poller = pollQueue({
      queueUrl: local.queueUrl('batched'),
      timeoutSeconds: 30,
      batchSize: 20,
      maxConcurrency: 1,
      // Long enough that a busy machine fills each batch within it; a full batch ends it at once.
      maximumBatchingWindowMs: 30_000,
      onError: silent,
      handler: (event) => {
        sizes.push(event.Records.length);
        return Promise.resolve();
      },
    });
    await until(() => sizes.reduce((sum, size) => sum + size, 0) === 40);
    await poller.stop();
    expect(sizes).toEqual([20, 20]);
  });
});

describe('pollQueue options', () => {
  it('refuses what Lambda refuses', () => {
    const options = { queueUrl: 'http://127.0.0.1:1/000000000000/q', timeoutSeconds: 30, handler: () => Promise.resolve() };
    expect(() => pollQueue({ ...options, batchSize: 0 })).toThrow('batchSize');
    expect(() => pollQueue({ ...options, batchSize: 20 })).toThrow('maximumBatchingWindowMs of at least 1000');
    expect(() => pollQueue({ ...options, maxConcurrency: 0 })).toThrow('maxConcurrency');
  });
});

describe('failedIds', () => {
  const batch = [{ messageId: 'a' }, { messageId: 'b' }] as SQSEvent['Records'];
  it('reads the response as Lambda does', () => {
    expect(failedIds(undefined, batch)).toEqual(new Set());
    expect(failedIds({ batchItemFailures: [] }, batch)).toEqual(new Set());
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch)).toEqual(new Set(['b']));
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: '' }] }, batch)).toBe('all');
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, batch)).toBe('all');
    expect(failedIds({ batchItemFailures: [{ id: 'a' }] }, batch)).toBe('all');
    expect(failedIds('nonsense', batch)).toBe('all');
  });
});
