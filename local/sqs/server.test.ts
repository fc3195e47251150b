import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsQueue } from '../../client/cli/operations/message-queue.ts';
import { redrive } from '../../client/cli/operations/redrive.ts';
import { silentProgress } from '../../client/cli/progress.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { REFUSAL_CASES, type RefusalCase, sendCall, wrongClientConfigs } from '../testing/sigv4-refusals.ts';
import { localSqsClient } from './client.ts';
import { startLocalSqs, type LocalSqs } from './start.ts';

// The real SDK client and the operations CLI's real queue functions against the local server.
let local: LocalSqs;
let sqs: SQSClient;
let count = 0;

beforeAll(async () => {
  local = await startLocalSqs({
    dataDir: ':memory:',
    credentials: LOCAL_CREDENTIALS,
    queues: [
      { name: 'dead-letters' },
      { name: 'images', visibilityTimeoutSeconds: 30, redrive: { deadLetterQueueName: 'dead-letters', maxReceiveCount: 2 } },
    ],
  });
  sqs = localSqsClient(local.endpoint);
});
afterAll(() => local.close());

/** A fresh queue per test, so tests do not see each other's messages. */
async function freshQueue(attributes: Record<string, string> = {}): Promise<string> {
  count += 1;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `q${count}`, Attributes: attributes }));
  return QueueUrl ?? '';
}

const receive = (QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], ...extra })).then((r) => r.Messages ?? []);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const approximate = async (QueueUrl: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};

describe('the operations CLI queue functions', () => {
  it('send in batches, count, receive and delete through message-queue.ts', async () => {
    const queue = sqsQueue(sqs, await freshQueue());
    const bodies = Array.from({ length: 23 }, (_, i) => `{"n":${i}}`);
    await queue.send(bodies);
    expect(await queue.approximateCount()).toBe(23);
    const received = await queue.receive(10);
    expect(received.map((m) => m.body)).toEqual(bodies.slice(0, 10));
    expect(await queue.approximateCount()).toBe(13);
    await queue.delete(received.map((m) => m.receiptHandle));
    const rest = [...(await queue.receive(10)), ...(await queue.receive(10))];
    expect(rest.map((m) => m.body)).toEqual(bodies.slice(10));
  });

  it('`imagegraph redrive` moves every dead letter back', async () => {
    const deadLetters = sqsQueue(sqs, await freshQueue());
    const target = sqsQueue(sqs, await freshQueue());
    await deadLetters.send(Array.from({ length: 25 }, (_, i) => `dead ${i}`));
    expect(await redrive(deadLetters, target, silentProgress)).toEqual({ moved: 25 });
    expect(await deadLetters.approximateCount()).toBe(0);
    expect(await target.approximateCount()).toBe(25);
  });
});

describe('SQS semantics over the wire', () => {
  it('hides a received message for the visibility timeout, then redelivers it with a new handle', async () => {
    const url = await freshQueue({ VisibilityTimeout: '1' });
    const { MessageId, MD5OfMessageBody } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo' }));
    expect(MD5OfMessageBody).toBe(createHash('md5').update('héllo').digest('hex'));
    const [first] = await receive(url);
    expect(first?.MessageId).toBe(MessageId);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await receive(url)).toEqual([]);
    expect((await approximate(url)).ApproximateNumberOfMessagesNotVisible).toBe('1');
    await sleep(1100);
    const [second] = await receive(url);
    expect(second?.MessageId).toBe(MessageId);
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(first?.Attributes?.ApproximateFirstReceiveTimestamp);
    expect(Number(second?.Attributes?.SentTimestamp)).toBeLessThanOrEqual(Number(first?.Attributes?.ApproximateFirstReceiveTimestamp));
    expect(second?.Attributes?.SenderId).toBe(LOCAL_CREDENTIALS.accessKeyId);

    // The older handle: DeleteMessage succeeds but the newer receiver keeps the message, and
    // ChangeMessageVisibility is refused, as SQS refuses it.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
    await expect(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 0 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('not available for visibility timeout change') as string,
    });
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle, VisibilityTimeout: 0 }));
    const [third] = await receive(url);
    expect(third?.Attributes?.ApproximateReceiveCount).toBe('3');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third?.ReceiptHandle }));
    expect((await approximate(url)).ApproximateNumberOfMessages).toBe('0');
    expect((await approximate(url)).ApproximateNumberOfMessagesNotVisible).toBe('0');
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount', async () => {
    const dlq = await freshQueue();
    const dlqArn = (await approximate(dlq)).QueueArn;
    const url = await freshQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (const expected of ['1', '2']) {
      const [message] = await receive(url, { VisibilityTimeout: 0 });
      expect(message?.Attributes?.ApproximateReceiveCount).toBe(expected);
    }
    expect(await receive(url)).toEqual([]);
    const [dead] = await receive(dlq);
    expect(dead?.MessageId).toBe(MessageId);
    expect(dead?.Body).toBe('poison');
  });

  it('a long poll wakes as soon as a message is sent', async () => {
    const url = await freshQueue();
    const started = Date.now();
    const polling = receive(url, { WaitTimeSeconds: 20 });
    await sleep(200);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    expect((await polling).map((m) => m.Body)).toEqual(['wake up']);
    // Woken by the send, not by the end of its 20 s wait (SQS's longest), with 15 s for a busy machine.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a long poll wakes when a delayed message becomes visible, and ends empty at its wait time', async () => {
    const url = await freshQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    expect(await receive(url)).toEqual([]);
    expect((await approximate(url)).ApproximateNumberOfMessagesDelayed).toBe('1');
    const started = Date.now();
    expect((await receive(url, { WaitTimeSeconds: 20 })).map((m) => m.Body)).toEqual(['later']);
    // Woken when the 1 s delay ends, not by the end of its 20 s wait, with 14 s for a busy machine.
    expect(Date.now() - started).toBeLessThan(15_000);
    const empty = Date.now();
    expect(await receive(url, { WaitTimeSeconds: 1 })).toEqual([]);
    expect(Date.now() - empty).toBeGreaterThanOrEqual(950);
  });

  it('carries message attributes with the MD5 SQS computes', async () => {
    const url = await freshQueue();
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } } }),
    );
    // The digest AWS documents for this attribute (aws-md5-of-message-attributes' example).
    expect(sent.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');
    const [message] = await receive(url, { MessageAttributeNames: ['All'] });
    expect(message?.MessageAttributes).toEqual({ attribName1: { DataType: 'String', StringValue: 'attribValue 1' } });
    expect(message?.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');
  });

  it('purges a queue once a minute', async () => {
    const url = await freshQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'gone' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await receive(url)).toEqual([]);
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'PurgeQueueInProgress', $metadata: { httpStatusCode: 403 } });
  });
});

describe('errors as the SDK parses them', () => {
  it('a queue that does not exist', async () => {
    const error = await sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect(error).toMatchObject({ message: 'The specified queue does not exist.', Code: 'AWS.SimpleQueueService.NonExistentQueue', $metadata: { httpStatusCode: 400 } });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: local.queueUrl('nope'), MessageBody: 'x' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('too many, no, or repeated batch entries', async () => {
    const url = await freshQueue();
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    const error = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries(11) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyEntriesInBatchRequest);
    expect(error).toMatchObject({ message: 'Maximum number of entries per request are 10. You have sent 11.' });
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [...entries(1), ...entries(1)] }))).rejects.toMatchObject({
      name: 'BatchEntryIdsNotDistinct',
    });
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'not ok!', MessageBody: 'x' }] }))).rejects.toMatchObject({
      name: 'InvalidBatchEntryId',
    });
  });

  it('a body over the limit: refused alone, and as a Failed entry in a batch', async () => {
    const url = await freshQueue();
    const big = 'x'.repeat(262_145);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: big }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
      $metadata: { httpStatusCode: 400 },
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(262_144) }));
    const { Successful, Failed } = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'ok', MessageBody: 'fine' }, { Id: 'big', MessageBody: big }] }),
    );
    expect(Successful?.map((s) => s.Id)).toEqual(['ok']);
    expect(Failed).toEqual([{ Id: 'big', SenderFault: true, Code: 'InvalidParameterValue', Message: expect.stringContaining('shorter than 262144') as string }]);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0001' }))).rejects.toMatchObject({ name: 'InvalidMessageContents' });
  });

  it('a receipt handle that is not one', async () => {
    const url = await freshQueue();
    const error = await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'made-up' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReceiptHandleIsInvalid);
    expect(error).toMatchObject({ message: 'The input receipt handle "made-up" is not a valid receipt handle.', $metadata: { httpStatusCode: 404 } });
  });

  it('batch deletes and visibility changes report each refused entry', async () => {
    const url = await freshQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const [message] = await receive(url);
    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok', ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 60 },
          { Id: 'bad', ReceiptHandle: 'made-up', VisibilityTimeout: 60 },
        ],
      }),
    );
    expect(changed.Successful).toEqual([{ Id: 'ok' }]);
    expect(changed.Failed).toEqual([{ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.stringContaining('made-up') as string }]);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'ok', ReceiptHandle: message?.ReceiptHandle }, { Id: 'bad', ReceiptHandle: 'made-up' }] }),
    );
    expect(deleted.Successful).toEqual([{ Id: 'ok' }]);
    expect(deleted.Failed?.map((f) => f.Code)).toEqual(['ReceiptHandleIsInvalid']);
    expect((await approximate(url)).ApproximateNumberOfMessagesNotVisible).toBe('0');
  });

  it('out-of-range parameters and attributes', async () => {
    const url = await freshQueue();
    await expect(receive(url, { MaxNumberOfMessages: 11 })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(receive(url, { WaitTimeSeconds: 21 })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Bogus' as 'All'] }))).rejects.toMatchObject({
      name: 'InvalidAttributeName',
    });
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'images', Attributes: { VisibilityTimeout: '5' } }))).rejects.toMatchObject({
      name: 'QueueNameExists',
    });
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'bad name' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('authentication, as SQS does it', () => {
  // What an attacker sent: an S3 removal event for someone else's image, to make the pipeline delete it.
  const forged = JSON.stringify({ Records: [{ eventName: 'ObjectRemoved:Delete', s3: { object: { key: 'uploads/someone-else/image/photo.jpg' } } }] });
  let queueUrl = '';
  const depth = async () => Number((await approximate(queueUrl)).ApproximateNumberOfMessages);
  const call = () => ({
    url: local.endpoint,
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
    body: JSON.stringify({ QueueUrl: queueUrl, MessageBody: forged }),
    service: 'sqs',
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  /** SQS's common errors: status and query code (the SDK's error name). */
  const refusals: Record<RefusalCase, [number, string]> = {
    unsigned: [403, 'MissingAuthenticationToken'],
    'unknown key': [403, 'InvalidClientTokenId'],
    'wrong secret': [403, 'SignatureDoesNotMatch'],
    'skewed date': [403, 'SignatureDoesNotMatch'],
    'wrong service': [403, 'SignatureDoesNotMatch'],
    'wrong region': [403, 'SignatureDoesNotMatch'],
    'foreign Host': [403, 'AccessDenied'],
    'foreign Origin': [403, 'AccessDenied'],
  };

  beforeAll(async () => {
    queueUrl = await freshQueue();
  });

  it.each(REFUSAL_CASES)('refuses a SendMessage with %s, and queues nothing', async (wrong) => {
    const [status, code] = refusals[wrong];
    const reply = await sendCall(call(), wrong);
    expect(reply.status, reply.body).toBe(status);
    expect(reply.headers['x-amzn-query-error']).toBe(`${code};Sender`);
    expect(JSON.parse(reply.body)).toMatchObject({ __type: `com.amazonaws.sqs#${code}`, message: expect.any(String) as string });
    expect(await depth()).toBe(0);
  });

  it('says why, in SQS words', async () => {
    expect(JSON.parse((await sendCall(call(), 'skewed date')).body).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    expect(JSON.parse((await sendCall(call(), 'wrong region')).body).message).toBe("Credential should be scoped to a valid region, not 'eu-west-3'. ");
    expect(JSON.parse((await sendCall(call(), 'foreign Host')).body).message).toMatch(/^Host 'attacker\.example:\d+' is not this local service's address/);
  });

  it('serves the same request correctly signed, and records the signer as SenderId', async () => {
    const reply = await sendCall(call());
    expect(reply.status, reply.body).toBe(200);
    expect(await depth()).toBe(1);
    const [message] = await receive(queueUrl);
    expect(message?.Attributes?.SenderId).toBe(LOCAL_CREDENTIALS.accessKeyId);
  });

  it.each(Object.entries(wrongClientConfigs(LOCAL_CREDENTIALS)))('refuses the real SDK client with %s', async (wrong, config) => {
    const client = new SQSClient({ endpoint: local.endpoint, region: 'us-east-1', ...config });
    try {
      const error = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: forged })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: refusals[wrong as RefusalCase][1], $metadata: { httpStatusCode: 403 } });
    } finally {
      client.destroy();
    }
  });
});
