import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DEFAULT_S3_TIMEOUTS, type StorageConfig } from './config.ts';
import { endpointOption } from './endpoint-option.ts';
import { sdkRequestHandler } from './sdk-request-handler.ts';

/**
 * The one way the functions build their S3 client, so AWS and the local cloud differ only by config.
 * `credentials` is for tests and tools; on Lambda the role's credentials come from the environment.
 */
export function createS3Client(config: StorageConfig, credentials?: S3ClientConfig['credentials']): S3Client {
  return new S3Client({
    region: config.region,
    ...endpointOption('s3Endpoint', config.s3Endpoint),
    // Local S3 servers are addressed by host and port, which virtual-hosted buckets cannot use.
    forcePathStyle: config.s3Endpoint !== undefined,
    // Add checksums only where S3 requires them, which S3-compatible local servers also accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    // The SDK's default retries (three attempts) apply to a timed-out attempt.
    requestHandler: sdkRequestHandler(config.s3Timeouts ?? DEFAULT_S3_TIMEOUTS),
    ...(credentials ? { credentials } : {}),
  });
}
