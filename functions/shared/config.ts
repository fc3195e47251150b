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
} as const;

export interface StorageConfig {
  /** The bucket holding originals, thumbnails and metadata sidecars. */
  bucket: string;
  region: string;
  /** Set only for the local cloud; unset on AWS. */
  s3Endpoint: string | undefined;
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
    s3Endpoint: env[ENV.s3Endpoint] || undefined,
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
    s3Endpoint: env[ENV.s3Endpoint] || undefined,
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
    rekognitionEndpoint: env[ENV.rekognitionEndpoint] || undefined,
    queueUrl: httpUrl(env, ENV.queueUrl),
  };
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
