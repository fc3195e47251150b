import { describe, expect, it } from 'vitest';
import { OUTPUT_KEYS, parseStackOutputs } from './stack-outputs.ts';

const local = {
  GraphQLUrl: 'http://localhost:4000/graphql',
  RealtimeUrl: 'ws://localhost:4000/graphql/realtime',
  Region: 'us-east-1',
  UserPoolId: 'local_pool',
  UserPoolClientId: 'local-client',
  BucketName: 'imagegraph-local',
};

describe('parseStackOutputs', () => {
  it('accepts the local cloud outputs, which have no alarm topic', () => {
    expect(parseStackOutputs(local)).toEqual(local);
  });

  it('keeps the AWS-only keys and drops unknown ones', () => {
    const record = { ...local, [OUTPUT_KEYS.alarmTopicArn]: 'arn:aws:sns:us-east-1:1:t', Extra: 'x' };
    expect(parseStackOutputs(record)).toEqual({ ...local, AlarmTopicArn: 'arn:aws:sns:us-east-1:1:t' });
  });

  it('names every missing or empty key', () => {
    expect(() => parseStackOutputs({ ...local, GraphQLUrl: '', BucketName: undefined })).toThrow(
      'stack outputs lack GraphQLUrl, BucketName',
    );
    expect(() => parseStackOutputs(null)).toThrow('stack outputs must be an object');
  });
});
