import { ChangeMessageVisibilityCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { QUEUE_TIMEOUTS } from '../shared/config.ts';
import { sdkRequestHandler } from '../shared/sdk-request-handler.ts';

/**
 * How long a postponed message stays hidden before SQS delivers it again, instead of the queue's
 * visibility timeout (12 minutes on AWS). Not 0: when every batch runs out of time (a slow
 * dependency), the redeliveries should not spin through maxReceiveCount in a few seconds.
 */
export const POSTPONED_RETRY_DELAY_SECONDS = 10;

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
 * Makes a postponed message visible again after POSTPONED_RETRY_DELAY_SECONDS. SQS counts the delay
 * from this call (ChangeMessageVisibility's reference); Lambda leaves a message reported as a batch
 * item failure as it is, so the new timeout holds. Never throws: resolves to what failed (SQS
 * refusing a handle no longer current, the message having been received again or deleted; or the
 * network; or `abortSignal`, the invocation's deadline, which nothing runs past), and the message
 * then comes back after the queue's visibility timeout as before.
 */
export async function retrySoon(sqs: SQSClient, queueUrl: string, receiptHandle: string, abortSignal: AbortSignal): Promise<Error | undefined> {
  try {
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: POSTPONED_RETRY_DELAY_SECONDS }),
      { abortSignal },
    );
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
