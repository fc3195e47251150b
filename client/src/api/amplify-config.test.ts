import { Amplify } from 'aws-amplify';
import { describe, expect, it } from 'vitest';
import { parseStackOutputs } from '../../../infra/stack-outputs.ts';
import { amplifyConfigure, amplifyOutputs } from './amplify-config.ts';
import { outputsRecord } from './config.ts';

/** What local/cloud.ts writes to .imagegraph/outputs.json. */
const LOCAL = {
  GraphQLUrl: 'http://127.0.0.1:4710/graphql',
  RealtimeUrl: 'ws://127.0.0.1:4710/graphql/realtime',
  Region: 'us-east-1',
  UserPoolId: 'us-east-1_Local1234',
  UserPoolClientId: 'localclient123',
  BucketName: 'imagegraph-local',
  QueueUrl: 'http://127.0.0.1:4715/000000000000/imagegraph-processing',
  DeadLetterQueueUrl: 'http://127.0.0.1:4715/000000000000/imagegraph-processing-dlq',
  SearchEndpoint: 'http://127.0.0.1:4713',
  CognitoEndpoint: 'http://127.0.0.1:4712',
  S3Endpoint: 'http://127.0.0.1:4711',
  SqsEndpoint: 'http://127.0.0.1:4715',
  VisionEndpoint: 'http://127.0.0.1:4714',
  GraphQLTlsUrl: 'https://127.0.0.1:4710/graphql',
  RealtimeTlsUrl: 'wss://127.0.0.1:4710/graphql/realtime',
  CaCertificateFile: '/home/me/imagegraph/.imagegraph/tls/ca.pem',
};

/** What `cdk deploy --outputs-file cdk-outputs.json` writes: one entry per stack. */
const AWS = {
  ImageGraph: {
    GraphQLUrl: 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql',
    RealtimeUrl: 'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
    Region: 'eu-west-1',
    UserPoolId: 'eu-west-1_Abc123',
    UserPoolClientId: 'awsclient123',
    BucketName: 'imagegraph-uploads-123',
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/processing',
    DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/processing-dlq',
    SearchEndpoint: 'https://search-imagegraph.eu-west-1.es.amazonaws.com',
    AlarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
    WebUrl: 'https://d111111abcdef8.cloudfront.net',
  },
};

const parse = (file: unknown) => parseStackOutputs(outputsRecord(file));

/** What Amplify itself makes of a configuration: the proof that it reads it as meant. */
function asAmplifySeesIt(config: Parameters<typeof Amplify.configure>[0]) {
  Amplify.configure(config);
  return Amplify.getConfig();
}

describe('amplifyConfigure', () => {
  it('points Amplify at the local Cognito and at the local API over TLS', () => {
    const config = asAmplifySeesIt(amplifyConfigure(parse(LOCAL)));
    expect(config.Auth?.Cognito).toMatchObject({
      userPoolId: 'us-east-1_Local1234',
      userPoolClientId: 'localclient123',
      userPoolEndpoint: 'http://127.0.0.1:4712',
      loginWith: { email: true },
      signUpVerificationMethod: 'code',
    });
    expect(config.API?.GraphQL).toEqual({ endpoint: 'https://127.0.0.1:4710/graphql', region: 'us-east-1', defaultAuthMode: 'userPool' });
  });

  it('uses the plain endpoint of a local cloud that lists no TLS one (Amplify then opens wss on its port)', () => {
    const { GraphQLTlsUrl: _, ...withoutTls } = LOCAL;
    expect(amplifyConfigure(parse(withoutTls)).API?.GraphQL?.endpoint).toBe('http://127.0.0.1:4710/graphql');
  });

  it('leaves Cognito to Amplify’s regional endpoint on AWS', () => {
    const config = asAmplifySeesIt(amplifyConfigure(parse(AWS)));
    expect(config.Auth?.Cognito).not.toHaveProperty('userPoolEndpoint');
    expect(config.Auth?.Cognito).toMatchObject({ userPoolId: 'eu-west-1_Abc123', userPoolClientId: 'awsclient123' });
    expect(config.API?.GraphQL).toEqual({ endpoint: AWS.ImageGraph.GraphQLUrl, region: 'eu-west-1', defaultAuthMode: 'userPool' });
  });

  it('names what outputs lack', () => {
    expect(() => amplifyConfigure(parse({ ...LOCAL, UserPoolClientId: '' }))).toThrow('stack outputs lack UserPoolClientId');
  });
});

describe('amplifyOutputs (amplify_outputs.json, Gen 2)', () => {
  it('is read by Amplify as the same configuration for an AWS deployment', () => {
    const file = amplifyOutputs(parse(AWS));
    expect(file).toEqual({
      version: '1',
      auth: {
        aws_region: 'eu-west-1',
        user_pool_id: 'eu-west-1_Abc123',
        user_pool_client_id: 'awsclient123',
        username_attributes: ['email'],
        standard_required_attributes: ['email'],
        user_verification_types: ['email'],
      },
      data: { aws_region: 'eu-west-1', url: AWS.ImageGraph.GraphQLUrl, default_authorization_type: 'AMAZON_COGNITO_USER_POOLS', authorization_types: ['AWS_IAM'] },
    });
    const config = asAmplifySeesIt(file);
    expect(config.Auth?.Cognito).toMatchObject({ userPoolId: 'eu-west-1_Abc123', userPoolClientId: 'awsclient123', loginWith: { email: true } });
    expect(config.API?.GraphQL).toMatchObject({ endpoint: AWS.ImageGraph.GraphQLUrl, region: 'eu-west-1', defaultAuthMode: 'userPool' });
  });

  it('refuses the local cloud: the file cannot carry a Cognito endpoint', () => {
    expect(() => amplifyOutputs(parse(LOCAL))).toThrow(/no field for a Cognito endpoint/);
  });
});
