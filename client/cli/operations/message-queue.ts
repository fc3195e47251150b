import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface QueuedMessage {
  body: string;
  receiptHandle: string;
}

/** The few queue operations the CLI needs, over SQS (or anything speaking its API). */
export interface MessageQueue {
  approximateCount(): Promise<number>;
  send(bodies: string[]): Promise<void>;
  receive(max: number): Promise<QueuedMessage[]>;
  delete(receiptHandles: string[]): Promise<void>;
}

/** SQS batch calls take at most 10 entries. */
const SQS_BATCH = 10;

export function sqsQueue(sqs: SQSClient, queueUrl: string): MessageQueue {
  return {
    async approximateCount() {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    },
    async send(bodies) {
      for (let start = 0; start < bodies.length; start += SQS_BATCH) {
        const entries = bodies.slice(start, start + SQS_BATCH).map((MessageBody, i) => ({ Id: String(i), MessageBody }));
        const { Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (Failed?.length) throw new Error(`SQS refused ${Failed.length} messages: ${Failed.map((f) => f.Message).join('; ')}`);
      }
    },
    async receive(max) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(max, SQS_BATCH), WaitTimeSeconds: 1 }),
      );
      return (Messages ?? []).map((message) => ({ body: message.Body ?? '', receiptHandle: message.ReceiptHandle ?? '' }));
    },
    async delete(receiptHandles) {
      for (let start = 0; start < receiptHandles.length; start += SQS_BATCH) {
        const entries = receiptHandles.slice(start, start + SQS_BATCH).map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle }));
        const { Failed } = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (Failed?.length) throw new Error(`SQS could not delete ${Failed.length} messages: ${Failed.map((f) => f.Message).join('; ')}`);
      }
    },
  };
}
