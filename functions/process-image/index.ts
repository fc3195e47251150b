import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

const logger = new Logger({ serviceName: 'process-image' });

/**
 * Not built yet (issue 3). Until then every message is reported as failed, so SQS keeps it and
 * moves it to the dead-letter queue after its retries: nothing is lost, and a redrive processes it
 * once the real pipeline is deployed.
 */
export function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  logger.error('image processing is not implemented yet; leaving messages for redrive', {
    messages: event.Records.length,
  });
  return Promise.resolve({
    batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
  });
}
