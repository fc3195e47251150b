import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSING_TIMEOUT_SECONDS } from '../../infra/stack-props.ts';
import { LOCAL_CREDENTIALS } from '../../local/config.ts';
import { localSqsClient } from '../../local/sqs/client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start.ts';
import {
  MAX_FRESH_POSTPONEMENTS,
  POSTPONED_RETRY_DELAY_SECONDS,
  POSTPONEMENTS_ATTRIBUTE,
  type Postponement,
  createQueueClient,
  planPostponement,
  postpone,
  postponementLog,
  retrySoon,
} from './postponed-retry.ts';
import { TIME_MARGIN_MS } from './time-budget.ts';

// The function's own SQS client (createQueueClient) against the local queue.
const REGION = 'us-east-1';
/** An invocation's deadline that never comes. */
const NO_DEADLINE = new AbortController().signal;
let local: LocalSqs;
let queueUrl: string;
let sqs: SQSClient;
/** The test's own client, for long polls (the function's gives up after a second). */
let patient: SQSClient;

beforeAll(async () => {
  local = await startLocalSqs({
    dataDir: ':memory:',
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
    queues: [{ name: 'images', visibilityTimeoutSeconds: 720 }, { name: 'small', visibilityTimeoutSeconds: 720 }],
  });
  queueUrl = local.queueUrl('images');
  sqs = createQueueClient({ region: REGION, queueUrl }, LOCAL_CREDENTIALS);
  patient = localSqsClient(local.endpoint, REGION, LOCAL_CREDENTIALS);
  // SQS's smallest MaximumMessageSize, so that a body can fit alone but not with the count.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: local.queueUrl('small'), Attributes: { MaximumMessageSize: '1024' } }));
});

afterAll(async () => {
  sqs.destroy();
  patient.destroy();
  await local.close();
});

const receive = async (visibilityTimeout?: number, url = queueUrl) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: visibilityTimeout, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    )
  ).Messages ?? [];

const countAttribute = (value: string, dataType = 'Number'): SQSMessageAttributes => ({
  [POSTPONEMENTS_ATTRIBUTE]: { dataType, stringValue: value, stringListValues: [], binaryListValues: [] },
});

describe('planPostponement', () => {
  it('re-queues a message S3 sent (no attributes) as its first postponement', () => {
    expect(planPostponement({})).toEqual({ path: 'requeue', postponements: 1 });
    expect(planPostponement(undefined)).toEqual({ path: 'requeue', postponements: 1 });
  });

  it('counts up from the attribute, and re-queues up to the limit', () => {
    expect(planPostponement(countAttribute('0'))).toEqual({ path: 'requeue', postponements: 1 });
    expect(planPostponement(countAttribute('3'))).toEqual({ path: 'requeue', postponements: 4 });
    expect(planPostponement(countAttribute(String(MAX_FRESH_POSTPONEMENTS - 1)))).toEqual({ path: 'requeue', postponements: MAX_FRESH_POSTPONEMENTS });
  });

  it('takes the counted path once the limit is reached, or passed', () => {
    for (const count of [MAX_FRESH_POSTPONEMENTS, MAX_FRESH_POSTPONEMENTS + 1, 10 ** 30]) {
      expect(planPostponement(countAttribute(String(count).replace(/e\+30$/, '0'.repeat(30))))).toEqual({
        path: 'counted',
        reason: 'limit reached',
        postponements: MAX_FRESH_POSTPONEMENTS,
      });
    }
  });

  it('reads a garbled or forged count as the limit, never as 0', () => {
    const garbled: SQSMessageAttributes[] = [
      countAttribute('abc'),
      countAttribute(''),
      countAttribute('-1'),
      countAttribute('1.5'),
      countAttribute('1e3'),
      countAttribute(' 3'),
      countAttribute('03'),
      countAttribute('9'.repeat(39)),
      countAttribute('3', 'String'),
      countAttribute('3', 'Number.count'),
      { [POSTPONEMENTS_ATTRIBUTE]: { dataType: 'Binary', binaryValue: 'Mw==' } },
      { [POSTPONEMENTS_ATTRIBUTE]: { dataType: 'Number' } },
    ];
    for (const attributes of garbled) {
      expect(planPostponement(attributes)).toEqual({ path: 'counted', reason: 'unreadable count', postponements: MAX_FRESH_POSTPONEMENTS });
    }
  });

  it('allows at least an hour of postponements before the counted path', () => {
    // Postponed only with less than the margin left, so at least this long after it was received.
    const leastSecondsPerPostponement = PROCESSING_TIMEOUT_SECONDS - TIME_MARGIN_MS / 1000 + POSTPONED_RETRY_DELAY_SECONDS;
    expect(MAX_FRESH_POSTPONEMENTS * leastSecondsPerPostponement).toBeGreaterThanOrEqual(3600);
  });
});

describe('postponementLog', () => {
  it('says whether the message was re-queued fresh or fell back, and why', () => {
    expect(postponementLog({ path: 'requeued', postponements: 2 })).toEqual({
      level: 'info',
      message: 'Postponed message re-queued as a new message, back in 10 s',
      attributes: { postponements: 2 },
    });
    const refused = new Error('throttled');
    const failed: Postponement = { path: 'counted', reason: 're-queue failed', postponements: 1, requeueError: refused };
    expect(postponementLog(failed)).toEqual({
      level: 'warn',
      message: 'Could not re-queue the postponed message as a new message. It comes back in 10 s, its deliveries counted toward maxReceiveCount',
      attributes: { postponements: 1, requeueError: refused },
    });
    expect(postponementLog({ path: 'counted', reason: 'limit reached', postponements: MAX_FRESH_POSTPONEMENTS }).message).toMatch(/^Postponed 36 times: left to the queue's receive count\. It comes back in 10 s/);
    const stale = new Error('stale');
    expect(postponementLog({ path: 'counted', reason: 'unreadable count', postponements: MAX_FRESH_POSTPONEMENTS, visibilityError: stale })).toEqual({
      level: 'warn',
      message: expect.stringMatching(/^Unreadable ImageGraph\.Postponements attribute, read as the limit.*Could not make the postponed message visible again soon; SQS delivers it after the visibility timeout/) as string,
      attributes: { postponements: MAX_FRESH_POSTPONEMENTS, visibilityError: stale },
    });
  });
});

/** The record Lambda would hand the handler for a message just received. */
function recordOf(message: { MessageId?: string; ReceiptHandle?: string; Body?: string }, messageAttributes: SQSMessageAttributes = {}): SQSRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'S3', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:images',
    awsRegion: REGION,
  };
}

const delayedCount = async (url: string) =>
  Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }))).Attributes?.ApproximateNumberOfMessagesDelayed);

/** The next message of the queue, waiting up to 20 s for one to become visible. */
const nextMessage = async (url: string) =>
  (
    await patient.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    )
  ).Messages?.[0];

/** Sends `body`, receives it, and returns its record. */
async function inFlight(body: string, url = queueUrl, messageAttributes: SQSMessageAttributes = {}): Promise<SQSRecord> {
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  const [message] = await receive(undefined, url);
  return recordOf(message!, messageAttributes);
}

describe('postpone', () => {
  it('re-queues the body unchanged as a new, delayed message carrying the count, and leaves the original alone', async () => {
    const body = '{"Records":[{"eventTime":"2026-11-21T10:00:00.000Z","s3":{"object":{"key":"uploads/a+b%C3%A9.jpg","sequencer":"0A1B"}}}]} \u00e9\u{1F600}';
    const original = await inFlight(body);
    expect(await postpone(sqs, queueUrl, { ...original, messageAttributes: countAttribute('4') }, NO_DEADLINE)).toEqual({ path: 'requeued', postponements: 5 });
    // Hidden for the delay, then a message of its own, received for the first time.
    expect(await delayedCount(queueUrl)).toBe(1);
    const requeuedAt = Date.now();
    expect(await receive()).toEqual([]);
    const copy = await nextMessage(queueUrl);
    expect(Date.now() - requeuedAt).toBeGreaterThanOrEqual(POSTPONED_RETRY_DELAY_SECONDS * 1000 - 1000);
    expect(copy).toMatchObject({ Body: body, Attributes: { ApproximateReceiveCount: '1' }, MessageAttributes: { [POSTPONEMENTS_ATTRIBUTE]: { DataType: 'Number', StringValue: '5' } } });
    expect(copy!.MessageId).not.toBe(original.messageId);
    // The original is still in flight (the event source deletes it on the handler's success).
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: original.receiptHandle }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: copy!.ReceiptHandle }));
  }, 30_000);

  it('takes the counted path at the limit and on an unreadable count: no copy, the original back in the retry delay', async () => {
    const cases = [
      { body: 'at the limit', attributes: countAttribute(String(MAX_FRESH_POSTPONEMENTS)), reason: 'limit reached' },
      { body: 'unreadable', attributes: countAttribute('x'), reason: 'unreadable count' },
    ];
    const originals = new Map<string, SQSRecord>();
    for (const { body, attributes, reason } of cases) {
      const original = await inFlight(body, queueUrl, attributes);
      originals.set(original.messageId, original);
      expect(await postpone(sqs, queueUrl, original, NO_DEADLINE)).toEqual({ path: 'counted', reason, postponements: MAX_FRESH_POSTPONEMENTS });
    }
    expect(await delayedCount(queueUrl)).toBe(0);
    // Both originals come back (long before the 720 s visibility timeout), received a second time.
    for (let n = 0; n < cases.length; n += 1) {
      const again = await nextMessage(queueUrl);
      expect(originals.has(again!.MessageId!)).toBe(true);
      expect(again!.Attributes?.ApproximateReceiveCount).toBe('2');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: again!.ReceiptHandle }));
    }
  }, 30_000);

  it('falls back to the counted path when SQS refuses the copy (the body no longer fits with the count)', async () => {
    const small = local.queueUrl('small');
    const original = await inFlight('x'.repeat(1020), small);
    const postponement = await postpone(sqs, small, original, NO_DEADLINE);
    expect(postponement).toMatchObject({ path: 'counted', reason: 're-queue failed', postponements: 0, requeueError: { name: 'InvalidParameterValue' } });
    expect(postponement).not.toHaveProperty('visibilityError');
    expect(await delayedCount(small)).toBe(0);
    // Back in the retry delay, its receive count going on.
    const again = await nextMessage(small);
    expect(again).toMatchObject({ MessageId: original.messageId, Attributes: { ApproximateReceiveCount: '2' } });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: small, ReceiptHandle: again!.ReceiptHandle }));
  }, 30_000);

  it('gives up on a queue that does not answer, one attempt per call, and reports both errors', async () => {
    const silent = await silentServer();
    const url = `http://127.0.0.1:${(silent.server.address() as AddressInfo).port}/000000000000/images`;
    const stalled = createQueueClient({ region: REGION, queueUrl: url }, LOCAL_CREDENTIALS);
    try {
      const postponement = await postpone(stalled, url, recordOf({ MessageId: 'm', ReceiptHandle: 'r', Body: 'b' }), NO_DEADLINE);
      expect(postponement).toMatchObject({ path: 'counted', reason: 're-queue failed', requeueError: expect.any(Error) as Error, visibilityError: expect.any(Error) as Error });
      // SendMessage, then ChangeMessageVisibility: no retries.
      expect(silent.connections).toHaveLength(2);
    } finally {
      stalled.destroy();
      await silent.close();
    }
  });

  it('sends nothing once the invocation\'s deadline has passed', async () => {
    const silent = await silentServer();
    const url = `http://127.0.0.1:${(silent.server.address() as AddressInfo).port}/000000000000/images`;
    const client = createQueueClient({ region: REGION, queueUrl: url }, LOCAL_CREDENTIALS);
    const deadline = new AbortController();
    deadline.abort(new Error('out of time'));
    try {
      const postponement = await postpone(client, url, recordOf({ MessageId: 'm', ReceiptHandle: 'r', Body: 'b' }), deadline.signal);
      expect(postponement).toMatchObject({ path: 'counted', reason: 're-queue failed', requeueError: expect.any(Error) as Error, visibilityError: expect.any(Error) as Error });
      expect(silent.connections).toHaveLength(0);
    } finally {
      client.destroy();
      await silent.close();
    }
  });
});

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<{ server: Server; connections: Socket[]; close: () => Promise<void> }> {
  const connections: Socket[] = [];
  const server = createServer((socket) => {
    connections.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    connections,
    close: async () => {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

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
    const silent = await silentServer();
    const url = `http://127.0.0.1:${(silent.server.address() as AddressInfo).port}/000000000000/images`;
    const stalled = createQueueClient({ region: REGION, queueUrl: url }, LOCAL_CREDENTIALS);
    const started = Date.now();
    try {
      expect(await retrySoon(stalled, url, 'any', NO_DEADLINE)).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(silent.connections).toHaveLength(1);
    } finally {
      stalled.destroy();
      await silent.close();
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
