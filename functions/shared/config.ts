/**
 * Every setting the functions read, typed and validated in one place, read once per cold start.
 * infra/ sets these variables by the names in ENV, so the two cannot drift apart.
 */
export const ENV = {
  bucket: 'IMAGES_BUCKET',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  uploadUrlTtlSeconds: 'UPLOAD_URL_TTL_SECONDS',
  downloadUrlTtlSeconds: 'DOWNLOAD_URL_TTL_SECONDS',
  s3Endpoint: 'S3_ENDPOINT',
  region: 'AWS_REGION',
  searchEndpoint: 'OPENSEARCH_ENDPOINT',
  graphqlUrl: 'GRAPHQL_URL',
  queueUrl: 'PROCESSING_QUEUE_URL',
  rekognitionEndpoint: 'REKOGNITION_ENDPOINT',
  maxInputPixels: 'MAX_INPUT_PIXELS',
  thumbnailSizes: 'THUMBNAIL_SIZES',
  minLabelConfidence: 'MIN_LABEL_CONFIDENCE',
  maxLabels: 'MAX_LABELS',
  detectModeration: 'DETECT_MODERATION',
  detectText: 'DETECT_TEXT',
  detectFaces: 'DETECT_FACES',
  connectTimeoutMs: 'CONNECT_TIMEOUT_MS',
  s3TimeoutMs: 'S3_TIMEOUT_MS',
  rekognitionTimeoutMs: 'REKOGNITION_TIMEOUT_MS',
  searchTimeoutMs: 'OPENSEARCH_TIMEOUT_MS',
  graphqlTimeoutMs: 'GRAPHQL_TIMEOUT_MS',
} as const;

export const DEFAULTS = {
  maxUploadBytes: 25 * 1024 * 1024,
  uploadUrlTtlSeconds: 300,
  downloadUrlTtlSeconds: 900,
  region: 'us-east-1',
  /** 100 megapixels: above any camera's output, far below a decompression bomb. */
  maxInputPixels: 100_000_000,
  /** "160s": a 160 px square smart crop; "480": fitted within 480x480. */
  thumbnailSizes: '160s,480,1280',
  minLabelConfidence: 70,
  maxLabels: 50,
  /**
   * Opening a connection takes milliseconds within a region; 3 s lets a lost SYN be sent again
   * (Linux resends it after 1 s) and gives up on an unreachable host long before Lambda does.
   */
  connectTimeoutMs: 3_000,
  /**
   * S3 answers small GETs and PUTs in tens of milliseconds, and AWS advises retrying one after 2 s
   * (S3 performance guidelines: "Timeouts and retries for latency-sensitive applications"). 8 s is
   * four times that, yet the SDK's three attempts (with backoff) fit in the processing function's
   * 30 s margin. Only sending the request and waiting for the response's headers count, plus any
   * 8 s of silence while its body streams in: the largest body sent is a thumbnail (well under a
   * megabyte), and a 25 MiB original downloads on a slow link for as long as its bytes keep coming.
   */
  s3TimeoutMs: 8_000,
  /** Rekognition analyses the image within the call: seconds for a large one. */
  rekognitionTimeoutMs: 15_000,
  /**
   * Index calls answer in milliseconds; a write with refresh=wait_for waits for the next periodic
   * refresh (1 s). Three attempts (see createSearchClient) fit in the 30 s margin, as for S3.
   */
  searchTimeoutMs: 8_000,
  /** The whole publish, body included: AppSync's own limit is 30 s, and a NONE resolver answers in milliseconds. */
  graphqlTimeoutMs: 10_000,
} as const;

/**
 * Limits on each attempt of one HTTP call to a dependency, in milliseconds. The AWS SDK retries a
 * timed-out attempt like a throttled one; once its attempts are spent the call throws TimeoutError
 * and the message fails alone (SQS delivers it again), instead of holding its batch until Lambda's
 * timeout returns every message of it to the queue.
 */
export interface CallTimeouts {
  /** To open the TCP connection. */
  connectMs: number;
  /**
   * To send the request and receive the response's headers (connecting included); also the
   * longest silence allowed while the response's body streams in.
   */
  requestMs: number;
}

export interface StorageConfig {
  /** The bucket holding originals, thumbnails and metadata sidecars. */
  bucket: string;
  region: string;
  /** Set only for the local cloud; unset on AWS. */
  s3Endpoint: string | undefined;
  /** Each S3 call's attempts. Configs built by hand (tools, tests) may leave it to the defaults. */
  s3Timeouts?: CallTimeouts;
}

export interface UploadConfig extends StorageConfig {
  /** Largest upload storage accepts, in bytes. */
  maxUploadBytes: number;
  /** Lifetime of a presigned upload. */
  uploadUrlTtlSeconds: number;
}

export interface DownloadConfig extends StorageConfig {
  /** Lifetime of presigned download URLs for originals and thumbnails. */
  downloadUrlTtlSeconds: number;
}

export type Config = UploadConfig & DownloadConfig;

/** One thumbnail to make: fitted within size x size, or a square smart crop of that side. */
export interface ThumbnailSpec {
  size: number;
  square: boolean;
}

export interface VisionConfig {
  /** DetectLabels MinConfidence, 0-100. */
  minLabelConfidence: number;
  /** DetectLabels MaxLabels. */
  maxLabels: number;
  /** Each extra Rekognition call is billed per image on AWS, so each is opt-in. */
  detectModeration: boolean;
  detectText: boolean;
  detectFaces: boolean;
}

export interface ProcessingConfig extends StorageConfig, VisionConfig {
  /** Originals larger than this are refused without being decoded (same cap as uploads). */
  maxUploadBytes: number;
  /** Decompression-bomb guard: images with more pixels are refused, not decoded. */
  maxInputPixels: number;
  thumbnails: ThumbnailSpec[];
  /** OpenSearch endpoint URL: https (SigV4-signed) on AWS, http locally. */
  searchEndpoint: string;
  /** AppSync GraphQL URL the processing outcome is published to. */
  graphqlUrl: string;
  /** Set only for the local cloud's Rekognition stand-in. */
  rekognitionEndpoint: string | undefined;
  /**
   * URL of the queue the function consumes (SQS calls take a URL; Lambda's records carry only the
   * queue's ARN). Its origin is also the SQS endpoint: the local queue's, or SQS's on AWS.
   */
  queueUrl: string;
  /** Each Rekognition call's attempts. */
  rekognitionTimeouts: CallTimeouts;
  /**
   * Each search request's attempts: the OpenSearch client's requestTimeout (connecting included),
   * and the longest silence while its answer's body comes in.
   */
  searchTimeoutMs: number;
  /** One publish of a processing outcome to AppSync, start to end. */
  graphqlTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Parses the environment; throws ConfigError naming the variable when a value is invalid. */
export function loadConfig(env: Env = process.env): Config {
  return {
    bucket: required(env, ENV.bucket),
    region: env[ENV.region] || DEFAULTS.region,
    s3Endpoint: optionalHttpUrl(env, ENV.s3Endpoint),
    s3Timeouts: callTimeouts(env, ENV.s3TimeoutMs, DEFAULTS.s3TimeoutMs),
    maxUploadBytes: positiveInt(env, ENV.maxUploadBytes, DEFAULTS.maxUploadBytes, 5 * 1024 ** 3),
    uploadUrlTtlSeconds: positiveInt(env, ENV.uploadUrlTtlSeconds, DEFAULTS.uploadUrlTtlSeconds, 7 * 24 * 3600),
    downloadUrlTtlSeconds: positiveInt(env, ENV.downloadUrlTtlSeconds, DEFAULTS.downloadUrlTtlSeconds, 7 * 24 * 3600),
  };
}

/** The processing function's settings; throws ConfigError naming the variable when invalid. */
export function loadProcessingConfig(env: Env = process.env): ProcessingConfig {
  const minLabelConfidence = positiveInt(env, ENV.minLabelConfidence, DEFAULTS.minLabelConfidence, 100);
  return {
    bucket: required(env, ENV.bucket),
    region: env[ENV.region] || DEFAULTS.region,
    s3Endpoint: optionalHttpUrl(env, ENV.s3Endpoint),
    s3Timeouts: callTimeouts(env, ENV.s3TimeoutMs, DEFAULTS.s3TimeoutMs),
    maxUploadBytes: positiveInt(env, ENV.maxUploadBytes, DEFAULTS.maxUploadBytes, 5 * 1024 ** 3),
    maxInputPixels: positiveInt(env, ENV.maxInputPixels, DEFAULTS.maxInputPixels, 2 ** 31),
    thumbnails: thumbnailSpecs(env[ENV.thumbnailSizes] || DEFAULTS.thumbnailSizes),
    minLabelConfidence,
    maxLabels: positiveInt(env, ENV.maxLabels, DEFAULTS.maxLabels, 1000),
    detectModeration: flag(env, ENV.detectModeration),
    detectText: flag(env, ENV.detectText),
    detectFaces: flag(env, ENV.detectFaces),
    searchEndpoint: required(env, ENV.searchEndpoint),
    graphqlUrl: required(env, ENV.graphqlUrl),
    rekognitionEndpoint: optionalHttpUrl(env, ENV.rekognitionEndpoint),
    queueUrl: httpUrl(env, ENV.queueUrl),
    rekognitionTimeouts: callTimeouts(env, ENV.rekognitionTimeoutMs, DEFAULTS.rekognitionTimeoutMs),
    searchTimeoutMs: timeoutMs(env, ENV.searchTimeoutMs, DEFAULTS.searchTimeoutMs),
    graphqlTimeoutMs: timeoutMs(env, ENV.graphqlTimeoutMs, DEFAULTS.graphqlTimeoutMs),
  };
}

/** The defaults of createS3Client and createRekognitionClient when a config leaves them out. */
export const DEFAULT_S3_TIMEOUTS: CallTimeouts = { connectMs: DEFAULTS.connectTimeoutMs, requestMs: DEFAULTS.s3TimeoutMs };
export const DEFAULT_REKOGNITION_TIMEOUTS: CallTimeouts = { connectMs: DEFAULTS.connectTimeoutMs, requestMs: DEFAULTS.rekognitionTimeoutMs };

/**
 * The postponed-retry calls to SQS (postponed-retry.ts), one attempt each: best effort, since a
 * failure only means the fallback (ChangeMessageVisibility after a failed SendMessage) or the usual
 * visibility timeout, while a stalled call eats the margin the batch keeps in hand (at most 2 s per
 * call: 18 s for nine postponed messages when SQS answers or refuses at once; if it stalls, both
 * calls of each, and the deadline 5 s before the end aborts those left, which then come back after
 * the visibility timeout).
 */
export const QUEUE_TIMEOUTS: CallTimeouts = { connectMs: 1_000, requestMs: 1_000 };

function callTimeouts(env: Env, name: string, requestMs: number): CallTimeouts {
  return { connectMs: timeoutMs(env, ENV.connectTimeoutMs, DEFAULTS.connectTimeoutMs), requestMs: timeoutMs(env, name, requestMs) };
}

/** Lambda's longest timeout (15 minutes) bounds them all: a longer one could never fire. */
function timeoutMs(env: Env, name: string, fallback: number): number {
  return positiveInt(env, name, fallback, 900_000);
}

/** Parses "160s,480,1280" (s = square crop) into specs, smallest first. */
export function thumbnailSpecs(value: string): ThumbnailSpec[] {
  const specs = value.split(',').map((part) => {
    const match = /^\s*(\d{2,4})(s?)\s*$/.exec(part);
    const size = match ? Number(match[1]) : NaN;
    if (!match || size < 16 || size > 4096) {
      throw new ConfigError(`${ENV.thumbnailSizes}: "${part}" is not a size from 16 to 4096, optionally followed by s (square)`);
    }
    return { size, square: match[2] === 's' };
  });
  return specs.sort((a, b) => a.size - b.size);
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function httpUrl(env: Env, name: string): string {
  const value = required(env, name);
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  }
  return value;
}

/** Unset or empty: AWS's own endpoint; otherwise an http(s) URL (a local service). */
function optionalHttpUrl(env: Env, name: string): string | undefined {
  return env[name] ? httpUrl(env, name) : undefined;
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} must be set`);
  return value;
}

// Upper bounds are S3's own: 5 GiB for a single POST, 7 days for a SigV4 presigned URL.
function positiveInt(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new ConfigError(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return value;
}
