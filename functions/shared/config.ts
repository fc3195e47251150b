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
} as const;

export const DEFAULTS = {
  maxUploadBytes: 25 * 1024 * 1024,
  uploadUrlTtlSeconds: 300,
  downloadUrlTtlSeconds: 900,
  region: 'us-east-1',
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
