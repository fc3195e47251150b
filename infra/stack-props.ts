/**
 * Everything about the stack that a deployment may tune, typed and defaulted in one place.
 */
import type { StackProps } from 'aws-cdk-lib';
import { FieldLogLevel } from 'aws-cdk-lib/aws-appsync';
import { ConfigError, DEFAULTS, thumbnailSpecs } from '../functions/shared/config.ts';

/**
 * Messages per processing invocation: the most an SQS event source takes without a batching
 * window. Here rather than in the processing construct so that the local cloud reads it without
 * loading the CDK constructs (~0.6 s of start-up).
 */
export const PROCESSING_BATCH_SIZE = 10;

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
  /**
   * Memory of the processing function, in MB (128 to 10240). Lambda allots CPU in proportion:
   * 1769 MB buys one full vCPU, so more memory also means faster image decoding.
   */
  processingMemoryMiB: number;
  /** Thumbnails made of every image, as THUMBNAIL_SIZES reads them: "160s,480" (s = square crop). */
  thumbnailSizes: string;
  /** Images with more pixels are refused without being decoded (decompression-bomb guard). */
  maxInputPixels: number;
  /** Rekognition DetectLabels MinConfidence, 1 to 100. */
  minLabelConfidence: number;
  /** Rekognition DetectLabels MaxLabels, 1 to 1000. */
  maxLabels: number;
  /** Also run DetectModerationLabels on every image: a second Rekognition charge per image. */
  detectModeration: boolean;
  /** Also run DetectText on every image: a further Rekognition charge per image. */
  detectText: boolean;
  /** Also run DetectFaces on every image: a further Rekognition charge per image. */
  detectFaces: boolean;
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
  /**
   * AppSync's QueryDepthLimit (1 to 75): fields nested deeper (leaves count as a level) fail with
   * QueryDepthLimitReached. The local AppSync enforces the same value.
   */
  apiQueryDepthLimit: number;
  /**
   * AppSync's ResolverCountLimit (1 to 10000): resolver runs in one request beyond it fail with
   * ResolverExecutionLimitReached without running. The local AppSync enforces the same value.
   */
  apiResolverCountLimit: number;
}

/** The API's query cost limits, as the stack sets them and the local AppSync reads them. */
export type ApiQueryLimits = Pick<ImageGraphSettings, 'apiQueryDepthLimit' | 'apiResolverCountLimit'>;

export interface ImageGraphStackProps extends StackProps, Partial<ImageGraphSettings> {}

export const DEFAULT_SETTINGS: Readonly<ImageGraphSettings> = Object.freeze({
  corsOrigins: ['*'],
  maxUploadBytes: DEFAULTS.maxUploadBytes,
  uploadUrlTtlSeconds: DEFAULTS.uploadUrlTtlSeconds,
  downloadUrlTtlSeconds: DEFAULTS.downloadUrlTtlSeconds,
  processingConcurrency: 10,
  maxReceiveCount: 5,
  // Decoding and resizing are CPU-bound and Lambda's CPU grows with memory: 1 GB is about 0.6 vCPU
  // at 58% of the price of a full one (1769 MB). Raise it when batches approach the timeout.
  processingMemoryMiB: 1024,
  thumbnailSizes: DEFAULTS.thumbnailSizes,
  maxInputPixels: DEFAULTS.maxInputPixels,
  minLabelConfidence: DEFAULTS.minLabelConfidence,
  maxLabels: DEFAULTS.maxLabels,
  // Each is a separate Rekognition request, billed per image, so each is opt-in.
  detectModeration: false,
  detectText: false,
  detectFaces: false,
  // The smallest instance that supports encryption at rest; one node keeps the idle cost low.
  searchInstanceType: 't3.small.search',
  searchInstanceCount: 1,
  searchVolumeSizeGiB: 10,
  threatProtection: false,
  // ERROR, not ALL: ALL logs every resolver's request and response for every field, which for the
  // batched URL fields means every presigned URL (a bearer credential) and a CloudWatch bill that
  // grows with traffic. ERROR still logs the full request and response of each failing field.
  apiFieldLogLevel: FieldLogLevel.ERROR,
  // The app's deepest operation is 5 levels (the schema has no cycles; its deepest path is 6), but
  // schema discovery (GraphiQL, the AppSync console) sends the standard introspection query, 15
  // levels deep: a lower limit would break it.
  apiQueryDepthLimit: 15,
  // The app's costliest operation is a search page: 1 + 100 images x 4 thumbnail URLs = 401
  // resolver runs (AppSync counts each Thumbnail.url, batched or not). 1000 leaves room for more
  // thumbnail sizes and originalUrl; AppSync's own default is 10000.
  apiResolverCountLimit: 1000,
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
  // Lambda memory 128..10240 MB; the others are the bounds loadProcessingConfig enforces at run time.
  intIn('processingMemoryMiB', 128, 10240);
  intIn('maxInputPixels', 1, 2 ** 31);
  intIn('minLabelConfidence', 1, 100);
  intIn('maxLabels', 1, 1000);
  try {
    thumbnailSpecs(settings.thumbnailSizes);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(`thumbnailSizes: ${error.message}`);
  }
  // AppSync's bounds for QueryDepthLimit and ResolverCountLimit (0 would mean "no limit" there).
  intIn('apiQueryDepthLimit', 1, 75);
  intIn('apiResolverCountLimit', 1, 10000);
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
