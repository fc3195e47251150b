/**
 * Everything about the stack that a deployment may tune, typed and defaulted in one place.
 */
import type { StackProps } from 'aws-cdk-lib';
import { FieldLogLevel } from 'aws-cdk-lib/aws-appsync';
import { DEFAULTS } from '../functions/shared/config.ts';

export interface ImageGraphSettings {
  /**
   * Origins allowed to upload to and download from the bucket from a browser. The default "*" is
   * deliberate: every request is already authorized by a short-lived presigned URL or POST, and
   * CORS only stops browsers from reading responses, not anyone from sending requests, so it
   * protects nothing here. It lets the web client run from any host, localhost included.
   * Production deployments with a known web origin may still narrow it.
   */
  corsOrigins: string[];
  /** Largest upload the presigned POST accepts, in bytes. */
  maxUploadBytes: number;
  /** Lifetime of a presigned upload, in seconds. */
  uploadUrlTtlSeconds: number;
  /** Lifetime of presigned download URLs, in seconds. */
  downloadUrlTtlSeconds: number;
  /** Most processing Lambdas the SQS event source runs at once (2 to 1000). */
  processingConcurrency: number;
  /** Deliveries of one message before it moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** OpenSearch data node instance type. */
  searchInstanceType: string;
  /** OpenSearch data node count. */
  searchInstanceCount: number;
  /** EBS volume per OpenSearch data node, in GiB. */
  searchVolumeSizeGiB: number;
  /**
   * Cognito threat protection (feature plan PLUS, billed per monthly active user). Off by
   * default to keep the base cost at zero; the AwsSolutions-COG8 suppression says so.
   */
  threatProtection: boolean;
  /** AppSync field-level logging; see DEFAULT_SETTINGS for why ERROR. */
  apiFieldLogLevel: FieldLogLevel;
}

export interface ImageGraphStackProps extends StackProps, Partial<ImageGraphSettings> {}

export const DEFAULT_SETTINGS: Readonly<ImageGraphSettings> = Object.freeze({
  corsOrigins: ['*'],
  maxUploadBytes: DEFAULTS.maxUploadBytes,
  uploadUrlTtlSeconds: DEFAULTS.uploadUrlTtlSeconds,
  downloadUrlTtlSeconds: DEFAULTS.downloadUrlTtlSeconds,
  processingConcurrency: 10,
  maxReceiveCount: 5,
  // The smallest instance that supports encryption at rest; one node keeps the idle cost low.
  searchInstanceType: 't3.small.search',
  searchInstanceCount: 1,
  searchVolumeSizeGiB: 10,
  threatProtection: false,
  // ERROR, not ALL: ALL logs every resolver's request and response for every field, which for the
  // batched URL fields means every presigned URL (a bearer credential) and a CloudWatch bill that
  // grows with traffic. ERROR still logs the full request and response of each failing field.
  apiFieldLogLevel: FieldLogLevel.ERROR,
});

/** Fills defaults and rejects values AWS would refuse only at deploy time. */
export function resolveSettings(props: Partial<ImageGraphSettings> = {}): ImageGraphSettings {
  const defined = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
  const settings: ImageGraphSettings = { ...DEFAULT_SETTINGS, ...defined };
  const problems: string[] = [];
  const intIn = (name: keyof ImageGraphSettings, min: number, max: number) => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
    }
  };
  // Bounds are the services' own: S3 POST 5 GiB, SigV4 7 days, Lambda SQS maximum concurrency
  // 2..1000, SQS maxReceiveCount 1..1000.
  intIn('maxUploadBytes', 1, 5 * 1024 ** 3);
  intIn('uploadUrlTtlSeconds', 1, 7 * 24 * 3600);
  intIn('downloadUrlTtlSeconds', 1, 7 * 24 * 3600);
  intIn('processingConcurrency', 2, 1000);
  intIn('maxReceiveCount', 1, 1000);
  intIn('searchInstanceCount', 1, 80);
  intIn('searchVolumeSizeGiB', 10, 16384);
  if (settings.corsOrigins.length === 0) problems.push('corsOrigins must list at least one origin');
  if (!settings.searchInstanceType.endsWith('.search')) {
    problems.push(
      `searchInstanceType must be an OpenSearch instance type (*.search), got ${settings.searchInstanceType}`,
    );
  }
  if (problems.length > 0) throw new Error(`Invalid ImageGraph stack settings:\n  - ${problems.join('\n  - ')}`);
  return settings;
}
