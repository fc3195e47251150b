import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The real SQS client pointed at the local queue. Credentials are never checked locally; these
 * fixed ones keep the SDK from looking for a profile. The access key id becomes the SenderId.
 */
export function localSqsClient(endpoint: string, region = 'us-east-1'): SQSClient {
  return new SQSClient({ endpoint, region, credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'local' } });
}
