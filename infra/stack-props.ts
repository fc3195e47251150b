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

/**
 * Longest one processing invocation may take, in seconds (the function's timeout): up to 10
 * images, each resized and sent to Rekognition four times. Here for the same reason: the local
 * cloud's event source gives the handler a context counting down from it.
 */
export const PROCESSING_TIMEOUT_SECONDS = 120;

/** Largest GraphQL `Int` (signed 32-bit): the schema's `UploadTicket.maxBytes` and `bytes` fields. */
export const GRAPHQL_INT_MAX = 2 ** 31 - 1;

/**
 * Longest lifetime of a presigned URL. A URL signed with temporary credentials dies with them, and
 * the functions sign with their Lambda role session, whose length AWS does not promise (Lambda
 * "doesn't necessarily comply with the role's session duration settings"; AWS knowledge center,
 * presigned-url-s3-bucket-expiration). An hour, the shortest role session, keeps the window in
 * which a URL can die early small; clients ask for a fresh URL when one is refused.
 */
export const MAX_PRESIGNED_URL_TTL_SECONDS = 3600;

/**
 * The fewest seconds one processing instance spends on one image: reading it, decoding it, three
 * thumbnails and their uploads, and Rekognition's own latency (its calls for one image run side
 * by side and the image waits for them). A floor for a tiny image; camera photos take longer.
 */
export const MIN_SECONDS_PER_IMAGE = 0.5;

/** Lambda's SQS event source runs at least this many instances (ScalingConfig MaximumConcurrency 2..1000). */
const SQS_MIN_MAXIMUM_CONCURRENCY = 2;
const SQS_MAX_MAXIMUM_CONCURRENCY = 1000;

export interface ImageGraphSettings {
  /**
   * Origins allowed to upload to and download from the images bucket from a browser. Unset (the
   * default): the hosted web app's CloudFront origin and the Vite dev server on localhost
   * (DEV_SERVER_ORIGINS). Every request is authorized by a short-lived presigned URL or POST
   * either way; CORS only decides which pages may read the answers.
   */
  corsOrigins: string[] | undefined;
  /** Largest upload the presigned POST accepts, in bytes; at most GRAPHQL_INT_MAX (the API reports it as an Int). */
  maxUploadBytes: number;
  /** Lifetime of a presigned upload, in seconds (at most MAX_PRESIGNED_URL_TTL_SECONDS). */
  uploadUrlTtlSeconds: number;
  /** Lifetime of presigned download URLs, in seconds (at most MAX_PRESIGNED_URL_TTL_SECONDS). */
  downloadUrlTtlSeconds: number;
  /**
   * Requests per second the account may make to each Rekognition operation the pipeline calls
   * (DetectLabels, and DetectModerationLabels, DetectText, DetectFaces when enabled): the lowest of
   * their Service Quotas "Transactions per second" values in the region, minus what other
   * workloads of the account use. Processing concurrency is derived from it; see processingLimits.
   */
  rekognitionTps: number;
  /**
   * Reserve the processing concurrency for the processing function, so other functions cannot
   * starve it and it cannot exceed it. Off in "dev": accounts with the default concurrency quota of
   * new accounts (10) cannot reserve any and the deploy would fail.
   */
  reserveProcessingConcurrency: boolean;
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
  /**
   * Days an overwritten or deleted object (original, thumbnail, sidecar) stays recoverable as a
   * noncurrent version before S3 deletes it for good.
   */
  deletedObjectRetentionDays: number;
  /** OpenSearch data node instance type. */
  searchInstanceType: string;
  /** OpenSearch data node count; a multiple of searchAvailabilityZones. */
  searchInstanceCount: number;
  /** Availability zones the data nodes and replicas spread over: 1 (no zone awareness), 2 or 3. */
  searchAvailabilityZones: 1 | 2 | 3;
  /** Dedicated master nodes: 0 (data nodes elect the master), 3 or 5. */
  searchDedicatedMasterCount: 0 | 3 | 5;
  /** Instance type of the dedicated master nodes, when there are any. */
  searchDedicatedMasterType: string;
  /** EBS volume per OpenSearch data node, in GiB. */
  searchVolumeSizeGiB: number;
  /**
   * Cognito threat protection (feature plan PLUS, billed per monthly active user). Off by
   * default to keep the base cost at zero; the AwsSolutions-COG8 suppression says so.
   */
  threatProtection: boolean;
  /** AppSync field-level logging; see the presets for why ERROR. */
  apiFieldLogLevel: FieldLogLevel;
  /**
   * An AWS WAF web ACL in front of the GraphQL API: a rate limit per client IP and AWS's common,
   * known-bad-inputs and IP-reputation rule groups. About 9 USD a month plus 0.60 USD per million
   * requests.
   */
  apiFirewall: boolean;
  /** Requests one IP may make to the API in any 5 minutes before WAF blocks it (100 to 2,000,000,000). */
  apiRateLimitPer5Minutes: number;
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

export const PRESET_NAMES = ['dev', 'production'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface ImageGraphStackProps extends StackProps, Partial<ImageGraphSettings> {
  /** The settings to start from; the other props override single settings. Default "dev". */
  preset?: PresetName;
}

const DEV: Readonly<ImageGraphSettings> = Object.freeze({
  corsOrigins: undefined,
  maxUploadBytes: DEFAULTS.maxUploadBytes,
  uploadUrlTtlSeconds: DEFAULTS.uploadUrlTtlSeconds,
  downloadUrlTtlSeconds: DEFAULTS.downloadUrlTtlSeconds,
  // The smallest default Rekognition TPS quota of any region; the largest regions start at 50.
  rekognitionTps: 5,
  reserveProcessingConcurrency: false,
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
  deletedObjectRetentionDays: 7,
  // The smallest instance that supports encryption at rest; one node keeps the idle cost low, and
  // the index can be rebuilt from the sidecars in S3 (imagegraph reindex).
  searchInstanceType: 't3.small.search',
  searchInstanceCount: 1,
  searchAvailabilityZones: 1,
  searchDedicatedMasterCount: 0,
  searchDedicatedMasterType: 'm7g.large.search',
  searchVolumeSizeGiB: 10,
  threatProtection: false,
  // ERROR, not ALL: ALL logs every resolver's request and response for every field, which for the
  // batched URL fields means every presigned URL (a bearer credential) and a CloudWatch bill that
  // grows with traffic. ERROR still logs the full request and response of each failing field.
  apiFieldLogLevel: FieldLogLevel.ERROR,
  apiFirewall: true,
  // About 5 requests a second from one IP, sustained: a person scrolling and searching makes far
  // fewer; an office behind one NAT address has room for dozens of them.
  apiRateLimitPer5Minutes: 1500,
  // The app's deepest operation is 5 levels (the schema has no cycles; its deepest path is 6), but
  // schema discovery (GraphiQL, the AppSync console) sends the standard introspection query, 15
  // levels deep: a lower limit would break it.
  apiQueryDepthLimit: 15,
  // The app's costliest operation is a search page: 1 + 100 images x 4 thumbnail URLs = 401
  // resolver runs (AppSync counts each Thumbnail.url, batched or not). 1000 leaves room for more
  // thumbnail sizes and originalUrl; AppSync's own default is 10000.
  apiResolverCountLimit: 1000,
});

/**
 * Named starting points. "dev": the smallest deployment that has every feature (one burstable
 * search node, no reserved concurrency). "production": search spread over three zones with
 * dedicated masters, reserved processing concurrency, a month to recover deleted objects.
 */
export const PRESETS: Readonly<Record<PresetName, Readonly<ImageGraphSettings>>> = Object.freeze({
  dev: DEV,
  production: Object.freeze({
    ...DEV,
    reserveProcessingConcurrency: true,
    deletedObjectRetentionDays: 30,
    // Three zones, one node and one replica copy each: a zone can fail without losing the index
    // or its writes. Dedicated masters keep cluster management off the data nodes (AWS recommends
    // three for production domains).
    searchInstanceType: 'm7g.large.search',
    searchInstanceCount: 3,
    searchAvailabilityZones: 3,
    searchDedicatedMasterCount: 3,
    searchDedicatedMasterType: 'm7g.large.search',
    searchVolumeSizeGiB: 100,
  }),
});

/** The default settings: the "dev" preset. */
export const DEFAULT_SETTINGS: Readonly<ImageGraphSettings> = PRESETS.dev;

/** A preset by name, as `-c preset=...` or cdk.json's context gives it; undefined means "dev". */
export function presetNamed(name: unknown): PresetName {
  if (name === undefined) return 'dev';
  if (typeof name === 'string' && (PRESET_NAMES as readonly string[]).includes(name)) return name as PresetName;
  throw new Error(`Unknown ImageGraph preset ${JSON.stringify(name)}: use one of ${PRESET_NAMES.join(', ')}`);
}

/**
 * How many processing instances may run at once, derived from the Rekognition quota: each
 * instance handles its batch's images one after another, calling each enabled Rekognition
 * operation once per image, so it calls an operation at most 1 / MIN_SECONDS_PER_IMAGE times a
 * second. `rekognitionTps × MIN_SECONDS_PER_IMAGE` instances therefore stay within the quota: 5 TPS
 * allows 2 instances, 50 TPS allows 25. The SQS event source's maximum concurrency is that number;
 * when reserved, the function's reserved concurrency equals it, which AWS requires to be at least
 * the event source's maximum so that Lambda never throttles the poller. Above the quota Rekognition
 * answers ThrottlingException: the SDK retries, then SQS redelivers the image; nothing is lost.
 */
export function processingLimits(settings: Pick<ImageGraphSettings, 'rekognitionTps' | 'reserveProcessingConcurrency'>): {
  maxConcurrency: number;
  reservedConcurrency: number | undefined;
} {
  const maxConcurrency = Math.min(
    SQS_MAX_MAXIMUM_CONCURRENCY,
    Math.max(SQS_MIN_MAXIMUM_CONCURRENCY, Math.floor(settings.rekognitionTps * MIN_SECONDS_PER_IMAGE)),
  );
  return { maxConcurrency, reservedConcurrency: settings.reserveProcessingConcurrency ? maxConcurrency : undefined };
}

/** WAF's smallest rate-based limit. */
const WAF_MIN_RATE_LIMIT = 100;

/**
 * How many SigV4-signed API requests one IP may send in 5 minutes: the processing backend
 * publishes one event per image and processes at most about `rekognitionTps` images a second
 * (processingLimits), so twice that over the window, were every publish to come from one Lambda
 * address. Signed requests are exempt from the users' per-IP limit (see the firewall), so this is
 * what bounds a flood of requests with forged signatures.
 */
export function signedApiRateLimitPer5Minutes(settings: Pick<ImageGraphSettings, 'rekognitionTps'>): number {
  return Math.max(WAF_MIN_RATE_LIMIT, Math.ceil(2 * settings.rekognitionTps * 300));
}

/** Fills defaults from the preset and rejects values AWS would refuse only at deploy time. */
export function resolveSettings(props: Partial<ImageGraphSettings> & { preset?: PresetName } = {}): ImageGraphSettings {
  const preset = PRESETS[presetNamed(props.preset)];
  const given = props as Record<string, unknown>;
  const overrides: Record<string, unknown> = Object.fromEntries(
    Object.keys(preset).flatMap((key) => (given[key] === undefined ? [] : [[key, given[key]]])),
  );
  const settings: ImageGraphSettings = { ...preset, ...overrides };
  const problems: string[] = [];
  const intIn = (name: keyof ImageGraphSettings, min: number, max: number, why = '') => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}${why}, got ${String(value)}`);
    }
  };
  const oneOf = (name: keyof ImageGraphSettings, allowed: readonly unknown[]) => {
    if (!allowed.includes(settings[name])) {
      problems.push(`${name} must be one of ${allowed.join(', ')}, got ${String(settings[name])}`);
    }
  };
  intIn('maxUploadBytes', 1, GRAPHQL_INT_MAX, " (the API reports it in GraphQL Int fields, signed 32-bit; S3's own POST limit is 5 GiB)");
  intIn('uploadUrlTtlSeconds', 1, MAX_PRESIGNED_URL_TTL_SECONDS, ' (a URL dies with the Lambda session that signed it)');
  intIn('downloadUrlTtlSeconds', 1, MAX_PRESIGNED_URL_TTL_SECONDS, ' (a URL dies with the Lambda session that signed it)');
  intIn(
    'rekognitionTps',
    SQS_MIN_MAXIMUM_CONCURRENCY / MIN_SECONDS_PER_IMAGE,
    100_000,
    ` (the SQS event source runs at least ${SQS_MIN_MAXIMUM_CONCURRENCY} instances, up to ${1 / MIN_SECONDS_PER_IMAGE} images a second each)`,
  );
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
  intIn('deletedObjectRetentionDays', 1, 3650);
  // AppSync's bounds for QueryDepthLimit and ResolverCountLimit (0 would mean "no limit" there).
  intIn('apiQueryDepthLimit', 1, 75);
  intIn('apiResolverCountLimit', 1, 10000);
  intIn('searchInstanceCount', 1, 80);
  oneOf('searchAvailabilityZones', [1, 2, 3]);
  oneOf('searchDedicatedMasterCount', [0, 3, 5]);
  if (settings.searchInstanceCount % settings.searchAvailabilityZones !== 0) {
    problems.push(
      `searchInstanceCount (${settings.searchInstanceCount}) must be a multiple of searchAvailabilityZones (${settings.searchAvailabilityZones}): OpenSearch spreads data nodes evenly over the zones`,
    );
  }
  intIn('searchVolumeSizeGiB', 10, 16384);
  intIn('apiRateLimitPer5Minutes', 100, 2_000_000_000);
  if (settings.corsOrigins?.length === 0) problems.push('corsOrigins must list at least one origin');
  for (const name of ['searchInstanceType', 'searchDedicatedMasterType'] as const) {
    if (!settings[name].endsWith('.search')) {
      problems.push(`${name} must be an OpenSearch instance type (*.search), got ${settings[name]}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid ImageGraph stack settings:\n  - ${problems.join('\n  - ')}`);
  return settings;
}
