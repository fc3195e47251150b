import { describe, expect, it } from 'vitest';
import { DEFAULTS, ENV, loadConfig, loadProcessingConfig } from './config.ts';

const processingEnv = {
  [ENV.bucket]: 'images',
  [ENV.searchEndpoint]: 'https://search.example',
  [ENV.graphqlUrl]: 'https://api.example/graphql',
  [ENV.queueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/images',
};

describe('loadProcessingConfig', () => {
  it('reads the queue URL the function changes message visibility through', () => {
    expect(loadProcessingConfig(processingEnv).queueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/images');
  });

  it('refuses a missing queue URL, or one that is not an http(s) URL, naming the variable', () => {
    expect(() => loadProcessingConfig({ ...processingEnv, [ENV.queueUrl]: undefined })).toThrow('PROCESSING_QUEUE_URL must be set');
    for (const value of ['images', 'arn:aws:sqs:eu-west-1:123456789012:images', 'ftp://host/queue']) {
      expect(() => loadProcessingConfig({ ...processingEnv, [ENV.queueUrl]: value })).toThrow(
        `PROCESSING_QUEUE_URL must be an http(s) URL, got "${value}"`,
      );
    }
  });
});

describe('local endpoints', () => {
  it('mean AWS when unset or empty, as on Lambda, and a local service at an http(s) URL', () => {
    for (const value of [undefined, '']) {
      const env = { ...processingEnv, [ENV.s3Endpoint]: value, [ENV.rekognitionEndpoint]: value };
      expect(loadProcessingConfig(env)).toMatchObject({ s3Endpoint: undefined, rekognitionEndpoint: undefined });
      expect(loadConfig(env).s3Endpoint).toBeUndefined();
    }
    expect(loadConfig({ ...processingEnv, [ENV.s3Endpoint]: 'http://127.0.0.1:4711' }).s3Endpoint).toBe('http://127.0.0.1:4711');
    const local = { ...processingEnv, [ENV.s3Endpoint]: 'http://127.0.0.1:4711', [ENV.rekognitionEndpoint]: 'https://127.0.0.1:4714' };
    expect(loadProcessingConfig(local)).toMatchObject({ s3Endpoint: 'http://127.0.0.1:4711', rekognitionEndpoint: 'https://127.0.0.1:4714' });
  });

  it('refuse anything else at start, naming the variable', () => {
    for (const value of [' ', '127.0.0.1:4711', 'localhost', 'ftp://127.0.0.1:4711']) {
      expect(() => loadConfig({ ...processingEnv, [ENV.s3Endpoint]: value })).toThrow(`S3_ENDPOINT must be an http(s) URL, got "${value}"`);
      expect(() => loadProcessingConfig({ ...processingEnv, [ENV.s3Endpoint]: value })).toThrow(`S3_ENDPOINT must be an http(s) URL, got "${value}"`);
      expect(() => loadProcessingConfig({ ...processingEnv, [ENV.rekognitionEndpoint]: value })).toThrow(`REKOGNITION_ENDPOINT must be an http(s) URL, got "${value}"`);
    }
  });
});

describe('timeouts', () => {
  it('default to the documented values', () => {
    const connectMs = DEFAULTS.connectTimeoutMs;
    expect(loadConfig({ [ENV.bucket]: 'images' }).s3Timeouts).toEqual({ connectMs, requestMs: DEFAULTS.s3TimeoutMs });
    expect(loadProcessingConfig(processingEnv)).toMatchObject({
      s3Timeouts: { connectMs, requestMs: DEFAULTS.s3TimeoutMs },
      rekognitionTimeouts: { connectMs, requestMs: DEFAULTS.rekognitionTimeoutMs },
      searchTimeoutMs: DEFAULTS.searchTimeoutMs,
      graphqlTimeoutMs: DEFAULTS.graphqlTimeoutMs,
    });
  });

  it('are read from the environment, in milliseconds', () => {
    const config = loadProcessingConfig({
      ...processingEnv,
      [ENV.connectTimeoutMs]: '100',
      [ENV.s3TimeoutMs]: '200',
      [ENV.rekognitionTimeoutMs]: '300',
      [ENV.searchTimeoutMs]: '400',
      [ENV.graphqlTimeoutMs]: '500',
    });
    expect(config).toMatchObject({
      s3Timeouts: { connectMs: 100, requestMs: 200 },
      rekognitionTimeouts: { connectMs: 100, requestMs: 300 },
      searchTimeoutMs: 400,
      graphqlTimeoutMs: 500,
    });
  });

  it('refuse a value that is not a whole number of milliseconds up to Lambda\'s 15 minutes, naming the variable', () => {
    for (const value of ['0', '-1', '2.5', '10s', '900001']) {
      expect(() => loadProcessingConfig({ ...processingEnv, [ENV.s3TimeoutMs]: value })).toThrow(
        `S3_TIMEOUT_MS must be a whole number from 1 to 900000, got "${value}"`,
      );
    }
  });
});
