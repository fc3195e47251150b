/**
 * Client-level conformance of the local queue (local/sqs), judged by moto: the same cases, the
 * same AWS SDK client, only the endpoint differs. moto's departures from SQS's documentation are
 * asserted as they are and listed in docs/ORACLES.md (Mn).
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../config.ts';
import { startLocalSqs } from '../../sqs/start.ts';
import { motoForConformance, motoTarget, type ServiceTarget } from './oracle.ts';

const REGION = 'us-east-1';

const moto = await motoForConformance('the SQS conformance cases (local/oracles/moto/sqs.conformance.test.ts)');
afterAll(() => moto?.stop());

const targets: Array<[string, () => Promise<ServiceTarget>]> = [
  [
    'local',
    async () => {
      const sqs = await startLocalSqs({ dataDir: ':memory:', region: REGION, credentials: LOCAL_CREDENTIALS });
      return { name: 'local', endpoint: sqs.endpoint, close: () => sqs.close() };
    },
  ],
];
if (moto) targets.push(['moto', () => Promise.resolve(motoTarget(moto))]);

describe.each(targets)('SQS conformance: %s', (_name, open) => {
  let target: ServiceTarget;
  let sqs: SQSClient;
  let queues = 0;
  beforeAll(async () => {
    target = await open();
    sqs = new SQSClient({ endpoint: target.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    sqs.destroy();
    await target.close();
  });

  /** A new queue per case (moto's state outlives a case), created with the SDK on both. */
  const createQueue = async (attributes: Record<string, string> = {}) => {
    queues += 1;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `conformance-${queues}`, Attributes: attributes }));
    if (!QueueUrl) throw new Error('no queue url');
    return QueueUrl;
  };
  const receive = async (QueueUrl: string, input: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'], ...input }))).Messages ?? [];

  it('hides a received message for the visibility timeout, then delivers it again with a new receipt handle', async () => {
    const url = await createQueue({ VisibilityTimeout: '30' });
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
    const [first] = await receive(url, { VisibilityTimeout: 1 });
    expect(first).toMatchObject({ MessageId, Body: 'hello', Attributes: { ApproximateReceiveCount: '1' } });
    expect(await receive(url)).toEqual([]);
    // Long-polled: it arrives once its second is up, however busy the machine.
    const [again] = await receive(url, { WaitTimeSeconds: 10 });
    expect(again).toMatchObject({ MessageId, Attributes: { ApproximateReceiveCount: '2' } });
    expect(again?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
  });

  it('ChangeMessageVisibility makes a message visible at once, and refuses a made-up receipt handle or over 12 hours', async () => {
    const url = await createQueue({ VisibilityTimeout: '600' });
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'retry me' }));
    const [held] = await receive(url);
    expect(await receive(url)).toEqual([]);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: held?.ReceiptHandle, VisibilityTimeout: 0 }));
    const [visible] = await receive(url);
    expect(visible).toMatchObject({ MessageId, Attributes: { ApproximateReceiveCount: '2' } });
    await expect(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: visible?.ReceiptHandle, VisibilityTimeout: 43_201 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400 },
    });
    const madeUp = sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: 'made-up', VisibilityTimeout: 0 }));
    // SQS's API reference: ReceiptHandleIsInvalid is a 404 (the Java SDK reports "Status Code: 404"
    // too); M5: moto answers 400.
    await expect(madeUp).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid', $metadata: { httpStatusCode: target.name === 'moto' ? 400 : 404 } });
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount', async () => {
    const dlq = await createQueue();
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
    const url = await createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 2 }) });
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    expect(await receive(url, { VisibilityTimeout: 0 })).toMatchObject([{ MessageId, Attributes: { ApproximateReceiveCount: '1' } }]);
    expect(await receive(url, { VisibilityTimeout: 0 })).toMatchObject([{ MessageId, Attributes: { ApproximateReceiveCount: '2' } }]);
    expect(await receive(url, { VisibilityTimeout: 0 })).toEqual([]);
    expect(await receive(dlq)).toMatchObject([{ MessageId, Body: 'poison' }]);
  });

  it('long-polls: a waiting receive returns a message sent while it waits, and an empty queue answers empty after the wait', async () => {
    const url = await createQueue();
    const waiting = receive(url, { WaitTimeSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' }));
    expect(await waiting).toMatchObject([{ MessageId, Body: 'late' }]);
    const started = Date.now();
    expect(await receive(url, { WaitTimeSeconds: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
