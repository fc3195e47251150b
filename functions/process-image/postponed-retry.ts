import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { QUEUE_TIMEOUTS } from '../shared/config.ts';
import { sdkRequestHandler } from '../shared/sdk-request-handler.ts';

/**
 * How long a postponed message stays hidden before SQS delivers it again, instead of the queue's
 * visibility timeout (12 minutes on AWS): the re-queued copy's DelaySeconds (SQS allows 0-900 per
 * message on a standard queue; FIFO queues refuse a per-message delay), or the visibility timeout
 * the fallback sets. Not 0: when every batch runs out of time (a slow dependency), the
 * redeliveries should not spin.
 */
export const POSTPONED_RETRY_DELAY_SECONDS = 10;

/**
 * The message attribute that counts a message's postponements, carried from copy to copy. A Number
 * (SQS: up to 38 digits; names may hold letters, digits, '-', '_' and '.', and must not start with
 * "AWS." or "Amazon."). S3's notifications carry no attributes, and `imagegraph redrive` sends the
 * body alone, so a redriven message starts its postponements afresh.
 */
export const POSTPONEMENTS_ATTRIBUTE = 'ImageGraph.Postponements';

/**
 * Postponements re-queued as new messages, after which a message takes the counted path (today's:
 * it comes back after the same delay, but each delivery counts toward the queue's
 * maxReceiveCount, so a message postponed forever still reaches the dead-letter queue). A message
 * is postponed only once its invocation has less than TIME_MARGIN_MS (30 s) of its 120 s left, so
 * at least 90 s after it was received, and comes back 10 s later: 36 postponements take at least an
 * hour of a slow pipeline (postponed-retry.test.ts checks the sum against the constants), then
 * 5 more deliveries before the dead-letter queue. A bug that postponed everything at once (say, a
 * function timeout under the margin) would loop about 36 × 10 s, then dead-letter.
 */
export const MAX_FRESH_POSTPONEMENTS = 36;

/**
 * The processing queue's SQS client. The queue URL's origin is the endpoint: the SDK would send
 * there anyway (useQueueUrlAsEndpoint), but would warn on every call where it differs from the
 * region's endpoint, as the local queue's does. `credentials` is for tests and tools.
 */
export function createQueueClient(
  config: { region: string; queueUrl: string },
  credentials?: SQSClientConfig['credentials'],
): SQSClient {
  return new SQSClient({
    region: config.region,
    endpoint: new URL(config.queueUrl).origin,
    // Best effort, and bounded: see QUEUE_TIMEOUTS.
    maxAttempts: 1,
    requestHandler: sdkRequestHandler(QUEUE_TIMEOUTS),
    ...(credentials ? { credentials } : {}),
  });
}

/**
 * What to do with a postponed message, from its attributes alone: re-queue it as a new message
 * carrying `postponements` (its count so far plus one), or take the counted path because the limit
 * is reached or the count is unreadable.
 */
export type PostponementPlan =
  | { path: 'requeue'; postponements: number }
  | { path: 'counted'; reason: 'limit reached' | 'unreadable count'; postponements: number };

/**
 * Only this function writes the count, as a canonical integer; anything else (another data type,
 * a sign, a fraction, an exponent, a binary value) was written by someone else or garbled on the
 * way, and is read as the limit rather than 0: a value that read as 0 could be re-sent forever
 * and never dead-letter, whereas the counted path is today's behaviour, bounded by
 * maxReceiveCount. A count over the limit is the limit.
 */
export function planPostponement(attributes: SQSMessageAttributes | undefined): PostponementPlan {
  const attribute = attributes?.[POSTPONEMENTS_ATTRIBUTE];
  if (attribute === undefined) return { path: 'requeue', postponements: 1 };
  const value = attribute.dataType === 'Number' ? attribute.stringValue : undefined;
  if (value === undefined || !/^(0|[1-9]\d{0,37})$/.test(value)) {
    return { path: 'counted', reason: 'unreadable count', postponements: MAX_FRESH_POSTPONEMENTS };
  }
  const count = Number(value);
  if (count >= MAX_FRESH_POSTPONEMENTS) return { path: 'counted', reason: 'limit reached', postponements: MAX_FRESH_POSTPONEMENTS };
  return { path: 'requeue', postponements: count + 1 };
}

/** What became of a postponed message. */
export type Postponement =
  /** A copy is on the queue: report the original as done, so the event source deletes it. */
  | { path: 'requeued'; postponements: number }
  /**
   * Report it as a batch item failure: it comes back in POSTPONED_RETRY_DELAY_SECONDS (or, if
   * `visibilityError`, after the visibility timeout), and the delivery counts toward maxReceiveCount.
   */
  | {
      path: 'counted';
      reason: 'limit reached' | 'unreadable count' | 're-queue failed';
      postponements: number;
      requeueError?: Error;
      visibilityError?: Error;
    };

/**
 * Postpones one message. First, unless planPostponement says otherwise, it sends a copy: the same
 * body, byte for byte (the pipeline reads only the body, S3's event with its eventTime and
 * sequencer, and no attribute but the count), delayed by POSTPONED_RETRY_DELAY_SECONDS. A new
 * message starts with an ApproximateReceiveCount of 0, so postponement no longer spends the
 * redrive policy's budget. Only once SQS has accepted the copy is the original reported as done;
 * if the function dies in between, both are delivered, which the idempotent pipeline tolerates
 * (README, "The invocation's time"). If the send fails (SQS refusing it, e.g. a body that no longer
 * fits with the attribute; a throttle; a timeout; `abortSignal`, the invocation's deadline), it
 * falls back to the counted path: ChangeMessageVisibility on the original. Never throws.
 */
export async function postpone(sqs: SQSClient, queueUrl: string, record: SQSRecord, abortSignal: AbortSignal): Promise<Postponement> {
  const plan = planPostponement(record.messageAttributes);
  let requeueError: Error | undefined;
  if (plan.path === 'requeue') {
    requeueError = await attempt(() =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: record.body,
          DelaySeconds: POSTPONED_RETRY_DELAY_SECONDS,
          MessageAttributes: { [POSTPONEMENTS_ATTRIBUTE]: { DataType: 'Number', StringValue: String(plan.postponements) } },
        }),
        { abortSignal },
      ),
    );
    if (!requeueError) return { path: 'requeued', postponements: plan.postponements };
  }
  const visibilityError = await retrySoon(sqs, queueUrl, record.receiptHandle, abortSignal);
  return {
    path: 'counted',
    reason: plan.path === 'counted' ? plan.reason : 're-queue failed',
    postponements: plan.path === 'counted' ? plan.postponements : plan.postponements - 1,
    ...(requeueError ? { requeueError } : {}),
    ...(visibilityError ? { visibilityError } : {}),
  };
}

/** A log line for a postponement, for the handler to write at `level`. */
export interface PostponementLog {
  level: 'info' | 'warn';
  message: string;
  attributes: Record<string, unknown>;
}

/** Says whether the message was re-queued fresh or fell back to the counted path, and why. */
export function postponementLog(postponement: Postponement): PostponementLog {
  const { postponements } = postponement;
  if (postponement.path === 'requeued') {
    return { level: 'info', message: `Postponed message re-queued as a new message, back in ${POSTPONED_RETRY_DELAY_SECONDS} s`, attributes: { postponements } };
  }
  const { reason, requeueError, visibilityError } = postponement;
  const comesBack = visibilityError
    ? 'Could not make the postponed message visible again soon; SQS delivers it after the visibility timeout'
    : `It comes back in ${POSTPONED_RETRY_DELAY_SECONDS} s`;
  const why = {
    'limit reached': `Postponed ${MAX_FRESH_POSTPONEMENTS} times: left to the queue's receive count`,
    'unreadable count': `Unreadable ${POSTPONEMENTS_ATTRIBUTE} attribute, read as the limit: left to the queue's receive count`,
    're-queue failed': 'Could not re-queue the postponed message as a new message',
  }[reason];
  return {
    level: 'warn',
    message: `${why}. ${comesBack}, its deliveries counted toward maxReceiveCount`,
    attributes: { postponements, ...(requeueError ? { requeueError } : {}), ...(visibilityError ? { visibilityError } : {}) },
  };
}

/**
 * Makes a postponed message visible again after POSTPONED_RETRY_DELAY_SECONDS. SQS counts the delay
 * from this call (ChangeMessageVisibility's reference); Lambda leaves a message reported as a batch
 * item failure as it is, so the new timeout holds. Never throws: resolves to what failed (SQS
 * refusing a handle no longer current, the message having been received again or deleted; or the
 * network; or `abortSignal`, the invocation's deadline, which nothing runs past), and the message
 * then comes back after the queue's visibility timeout as before.
 */
export function retrySoon(sqs: SQSClient, queueUrl: string, receiptHandle: string, abortSignal: AbortSignal): Promise<Error | undefined> {
  return attempt(() =>
    sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: POSTPONED_RETRY_DELAY_SECONDS }),
      { abortSignal },
    ),
  );
}

/** Runs one SQS call; resolves to its error instead of throwing. */
async function attempt(call: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
