import { describe, expect, it } from 'vitest';
import { ENV, loadProcessingConfig } from './config.ts';

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
