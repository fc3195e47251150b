import { describe, expect, it } from 'vitest';
import { OUTPUT_KEYS, parseStackOutputs } from './stack-outputs.ts';

const local = {
  GraphQLUrl: 'http://localhost:4000/graphql',
  RealtimeUrl: 'ws://localhost:4000/graphql/realtime',
  Region: 'us-east-1',
  UserPoolId: 'local_pool',
  UserPoolClientId: 'local-client',
  BucketName: 'imagegraph-local',
  QueueUrl: 'http://localhost:9324/000000000000/imagegraph-processing',
  DeadLetterQueueUrl: 'http://localhost:9324/000000000000/imagegraph-processing-dlq',
  SearchEndpoint: 'http://localhost:9200',
};

describe('parseStackOutputs', () => {
  it('accepts the local cloud outputs, which have no alarm topic', () => {
    expect(parseStackOutputs(local)).toEqual(local);
  });

  it('keeps the AWS-only keys and drops unknown ones', () => {
    const record = { ...local, [OUTPUT_KEYS.alarmTopicArn]: 'arn:aws:sns:us-east-1:1:t', Extra: 'x' };
    expect(parseStackOutputs(record)).toEqual({ ...local, AlarmTopicArn: 'arn:aws:sns:us-east-1:1:t' });
  });

  it('requires the queue URLs and the search endpoint the operations CLI uses', () => {
    const { QueueUrl: _queue, DeadLetterQueueUrl: _dlq, SearchEndpoint: _search, ...withoutOperations } = local;
    expect(() => parseStackOutputs(withoutOperations)).toThrow(
      'stack outputs lack QueueUrl, DeadLetterQueueUrl, SearchEndpoint',
    );
    const outputs = parseStackOutputs(local);
    expect([outputs.QueueUrl, outputs.DeadLetterQueueUrl, outputs.SearchEndpoint]).toEqual([
      local.QueueUrl,
      local.DeadLetterQueueUrl,
      local.SearchEndpoint,
    ]);
  });

  it('names every missing or empty key', () => {
    expect(() => parseStackOutputs({ ...local, GraphQLUrl: '', BucketName: undefined })).toThrow(
      'stack outputs lack GraphQLUrl, BucketName',
    );
    expect(() => parseStackOutputs(null)).toThrow('stack outputs must be an object');
  });
});
