import { createHash } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpFake, type HttpFake, type RecordedRequest } from '../../../functions/process-image/testing/http-fake.ts';
import { sqsQueue } from './message-queue.ts';

// The real SQS client against a wire-level fake of SQS's JSON protocol (the local cloud's queue
// replaces it end to end). The SDK checks the MD5 of every body, so the fake computes them.
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const QUEUE_URL = 'http://queue.local/123456789012/images';

let fake: HttpFake;
let stored: { id: string; body: string }[];
let refuseSend: boolean;
let next = 0;

function answer(request: RecordedRequest) {
  const target = String(request.headers['x-amz-target']);
  const input = JSON.parse(request.body) as Record<string, unknown>;
  if (input.QueueUrl !== QUEUE_URL) return { status: 400, body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'no queue' } };
  switch (target) {
    case 'AmazonSQS.GetQueueAttributes':
      return { body: { Attributes: { ApproximateNumberOfMessages: String(stored.length) } } };
    case 'AmazonSQS.SendMessageBatch': {
      const entries = input.Entries as { Id: string; MessageBody: string }[];
      if (refuseSend) return { body: { Successful: [], Failed: entries.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' })) } };
      return {
        body: {
          Successful: entries.map((entry) => {
            next += 1;
            stored.push({ id: `m${next}`, body: entry.MessageBody });
            return { Id: entry.Id, MessageId: `m${next}`, MD5OfMessageBody: md5(entry.MessageBody) };
          }),
          Failed: [],
        },
      };
    }
    case 'AmazonSQS.ReceiveMessage': {
      const taken = stored.splice(0, Number(input.MaxNumberOfMessages ?? 1));
      return { body: { Messages: taken.map((m) => ({ MessageId: m.id, ReceiptHandle: `receipt-${m.id}`, MD5OfBody: md5(m.body), Body: m.body })) } };
    }
    case 'AmazonSQS.DeleteMessageBatch': {
      const entries = input.Entries as { Id: string; ReceiptHandle: string }[];
      return { body: { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] } };
    }
    default:
      return { status: 400, body: { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: target } };
  }
}

beforeAll(async () => {
  fake = await startHttpFake(answer);
});
afterAll(() => fake.close());
beforeEach(() => {
  stored = [];
  refuseSend = false;
  fake.requests.length = 0;
});

const queue = () =>
  sqsQueue(new SQSClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'k', secretAccessKey: 's' } }), QUEUE_URL);

describe('sqsQueue', () => {
  it('sends in batches of 10, receives and deletes', async () => {
    const bodies = Array.from({ length: 23 }, (_, i) => `{"n":${i}}`);
    await queue().send(bodies);
    const batches = fake.requests.filter((r) => r.headers['x-amz-target'] === 'AmazonSQS.SendMessageBatch');
    expect(batches.map((r) => (JSON.parse(r.body) as { Entries: unknown[] }).Entries.length)).toEqual([10, 10, 3]);
    expect(await queue().approximateCount()).toBe(23);

    const received = await queue().receive(10);
    expect(received.map((m) => m.body)).toEqual(bodies.slice(0, 10));
    await queue().delete(received.map((m) => m.receiptHandle));
    const deletes = fake.requests.filter((r) => r.headers['x-amz-target'] === 'AmazonSQS.DeleteMessageBatch');
    expect((JSON.parse(deletes[0]?.body ?? '{}') as { Entries: { ReceiptHandle: string }[] }).Entries.map((e) => e.ReceiptHandle)).toEqual(
      received.map((m) => m.receiptHandle),
    );
  });

  it('fails loudly when SQS refuses messages, instead of losing them', async () => {
    refuseSend = true;
    await expect(queue().send(['a', 'b'])).rejects.toThrow('SQS refused 2 messages: bad; bad');
  });
});
