import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/config.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start.ts';
import { createQueueClient, retrySoon } from './postponed-retry.ts';

// The function's own SQS client (createQueueClient) against the local queue.
const REGION = 'us-east-1';
/** An invocation's deadline that never comes. */
const NO_DEADLINE = new AbortController().signal;
let local: LocalSqs;
let queueUrl: string;
let sqs: SQSClient;

beforeAll(async () => {
  local = await startLocalSqs({ dataDir: ':memory:', region: REGION, credentials: LOCAL_CREDENTIALS, queues: [{ name: 'images', visibilityTimeoutSeconds: 720 }] });
  queueUrl = local.queueUrl('images');
  sqs = createQueueClient({ region: REGION, queueUrl }, LOCAL_CREDENTIALS);
});

afterAll(async () => {
  sqs.destroy();
  await local.close();
});

const receive = async (visibilityTimeout?: number) =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: visibilityTimeout, MessageSystemAttributeNames: ['All'] }))).Messages ?? [];

describe('retrySoon', () => {
  it('changes the visibility of the message in flight, at the queue URL\'s origin', async () => {
    // How soon it comes back is the handler's test (index.test.ts): it takes the retry delay.
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'postponed' }));
    const [message] = await receive();
    expect(await retrySoon(sqs, queueUrl, message!.ReceiptHandle!, NO_DEADLINE)).toBeUndefined();
    // Back to the queue's visibility timeout: received again at once.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message!.ReceiptHandle, VisibilityTimeout: 0 }));
    const [again] = await receive();
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: again!.ReceiptHandle }));
  });

  it('resolves to what SQS refused instead of throwing: a handle of an earlier receive', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'received twice' }));
    const [stale] = await receive(0);
    const [current] = await receive();
    expect(current?.MessageId).toBe(stale?.MessageId);
    const refused = await retrySoon(sqs, queueUrl, stale!.ReceiptHandle!, NO_DEADLINE);
    expect(refused).toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('not available for visibility timeout change') as string });
    // The newer receive keeps the message for the queue's visibility timeout.
    expect(await receive()).toEqual([]);
  });

  it('gives up on a queue that does not answer within about a second, without retrying', async () => {
    // Each postponed message of a batch waits for its call, within the batch's 30 s margin.
    const connections: Socket[] = [];
    const silent = createServer((socket) => {
      connections.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/000000000000/images`;
    const stalled = createQueueClient({ region: REGION, queueUrl: url }, LOCAL_CREDENTIALS);
    const started = Date.now();
    try {
      expect(await retrySoon(stalled, url, 'any', NO_DEADLINE)).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(connections).toHaveLength(1);
    } finally {
      stalled.destroy();
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('resolves to the error when the queue cannot be reached', async () => {
    const unreachable = createQueueClient({ region: REGION, queueUrl: 'http://127.0.0.1:9/000000000000/images' }, LOCAL_CREDENTIALS);
    try {
      expect(await retrySoon(unreachable, 'http://127.0.0.1:9/000000000000/images', 'any', NO_DEADLINE)).toBeInstanceOf(Error);
    } finally {
      unreachable.destroy();
    }
  });
});
