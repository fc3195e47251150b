import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../config.ts';
import type { KeyPair } from '../sigv4.ts';

/**
 * The real SQS client pointed at the local queue, signing with the key pair it accepts (the local
 * cloud's by default). The access key id becomes the SenderId.
 */
export function localSqsClient(endpoint: string, region = LOCAL_REGION, credentials: KeyPair = LOCAL_CREDENTIALS): SQSClient {
  return new SQSClient({ endpoint, region, credentials });
}
