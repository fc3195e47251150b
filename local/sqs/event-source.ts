import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localSqsClient } from './client.ts';
import { ACCOUNT_ID, queueArn } from './core/queue-attributes.ts';

/**
 * The Lambda side of SQS: an event source mapping. Up to `maxConcurrency` pollers each receive a
 * batch, invoke the handler with Lambda's SQS event, and delete what succeeded. With
 * ReportBatchItemFailures (always on here, as the stack configures it) only the listed messages
 * stay; a thrown error, or a response Lambda would call invalid, leaves the whole batch, which SQS
 * redelivers after the visibility timeout and finally moves to the dead-letter queue.
 */
export interface PollQueueOptions {
  queueUrl: string;
  /** The real SQS client; default: localSqsClient for the queue URL's origin, closed on stop. */
  sqs?: SQSClient;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | null | undefined>;
  /** Records per invocation, 1 to 10,000; default 10. Above 10 the batching window gathers them. */
  batchSize?: number;
  /** Concurrent invocations, at least 1 (Lambda's minimum is 2); default 2. */
  maxConcurrency?: number;
  /** How long to gather records before invoking; default 0 (invoke with what one receive gets). */
  maximumBatchingWindowMs?: number;
  /** For the Lambda context. */
  functionName?: string;
  /**
   * The function's timeout, as configured (PROCESSING_TIMEOUT_SECONDS for process-image): what the
   * context's getRemainingTimeInMillis counts down from, for a handler that budgets its time. Not
   * enforced. No default: a made-up one would tell the handler it has more, or less, than it has.
   */
  timeoutSeconds: number;
  region?: string;
  /** Told about failed invocations and deletes; default console.error. */
  onError?: (error: unknown) => void;
}

export interface QueuePoller {
  /** Stops receiving; resolves when in-flight invocations have finished and been acknowledged. */
  stop(): Promise<void>;
}

/**
 * Receives wait at most this long. Lambda long-polls 20 s; here a stop waits for the receives in
 * flight instead of aborting them (an aborted receive may already have taken messages, which would
 * then stay hidden for the visibility timeout), so they are kept short. A message sent meanwhile
 * still ends the wait at once.
 */
const LONG_POLL_SECONDS = 1;

function record(message: Message, arn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}

function lambdaContext(functionName: string, region: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The message ids to keep, from the handler's response. Lambda treats a response naming no
 * message of the batch, or an empty identifier, as a failure of the whole batch.
 */
export function failedIds(response: unknown, batch: SQSRecord[]): Set<string> | 'all' {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return 'all';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(batch.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

export function pollQueue(options: PollQueueOptions): QueuePoller {
  const batchSize = options.batchSize ?? 10;
  const maxConcurrency = options.maxConcurrency ?? 2;
  const windowMs = options.maximumBatchingWindowMs ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error(`batchSize must be an integer from 1 to 10000, not ${batchSize}`);
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new Error(`maxConcurrency must be a positive integer, not ${maxConcurrency}`);
  if (!(windowMs >= 0 && windowMs <= 300_000)) throw new Error(`maximumBatchingWindowMs must be from 0 to 300000, not ${windowMs}`);
  // Lambda's rule for SQS event sources.
  if (batchSize > 10 && windowMs < 1000) throw new Error('a batchSize over 10 needs a maximumBatchingWindowMs of at least 1000');
  const { queueUrl } = options;
  const region = options.region ?? 'us-east-1';
  const sqs = options.sqs ?? localSqsClient(new URL(queueUrl).origin, region);
  const arn = queueArn(region, new URL(queueUrl).pathname.split('/').pop() ?? '');
  const functionName = options.functionName ?? 'local-function';
  const onError = options.onError ?? ((error: unknown) => console.error(`${functionName}:`, error));
  const stopping = new AbortController();

  /** Gathers one batch: what the first receive brings, topped up until full or the window ends. */
  async function gather(): Promise<Message[]> {
    const batch: Message[] = [];
    let windowEnd: number | undefined;
    while (batch.length < batchSize && !stopping.signal.aborted) {
      const remaining = windowEnd === undefined ? LONG_POLL_SECONDS * 1000 : windowEnd - Date.now();
      if (remaining <= 0) break;
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, batchSize - batch.length),
          WaitTimeSeconds: Math.min(LONG_POLL_SECONDS, Math.ceil(remaining / 1000)),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      batch.push(...Messages);
      if (batch.length > 0) windowEnd ??= Date.now() + windowMs;
      if (windowMs === 0 && batch.length > 0) break;
    }
    return batch;
  }

  /** Gives messages back at once (stopping before invoking), instead of after their visibility timeout. */
  async function release(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const entries = messages.slice(start, start + 10).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
      await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
  }

  async function acknowledge(records: SQSRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += 10) {
      const entries = records.slice(start, start + 10).map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle }));
      const { Failed = [] } = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      if (Failed.length > 0) onError(new Error(`could not delete ${Failed.length} messages: ${Failed.map((f) => f.Message).join('; ')}`));
    }
  }

  async function invoke(messages: Message[]): Promise<void> {
    const records = messages.map((message) => record(message, arn, region));
    let failed: Set<string> | 'all';
    try {
      failed = failedIds(await options.handler({ Records: records }, lambdaContext(functionName, region, options.timeoutSeconds)), records);
    } catch (error) {
      onError(error);
      failed = 'all';
    }
    if (failed === 'all') return;
    await acknowledge(records.filter((r) => !failed.has(r.messageId)));
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const batch = await gather();
        if (batch.length === 0) continue;
        if (stopping.signal.aborted) await release(batch);
        else await invoke(batch);
      } catch (error) {
        onError(error);
        // A failing queue (down, refusing) is retried after a pause, as Lambda's pollers back off.
        await sleep(1000, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  }

  const loops = Array.from({ length: maxConcurrency }, () => loop());
  return {
    stop: async () => {
      stopping.abort();
      await Promise.all(loops);
      if (!options.sqs) sqs.destroy();
    },
  };
}
