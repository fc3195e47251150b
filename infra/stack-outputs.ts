/**
 * The stack's output names, shared by the CDK stack, the local cloud (which writes
 * `.imagegraph/outputs.json` with the same keys) and the client (which reads either).
 * No CDK imports, so the client and local tooling can use it.
 */
export const OUTPUT_KEYS = {
  graphqlUrl: 'GraphQLUrl',
  realtimeUrl: 'RealtimeUrl',
  region: 'Region',
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
  bucketName: 'BucketName',
  /** The processing queue; the operations CLI sends reindex and reconcile messages to it. */
  queueUrl: 'QueueUrl',
  /** The processing dead-letter queue; the operations CLI redrives it. */
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  /** The search endpoint URL (https on AWS, http locally). */
  searchEndpoint: 'SearchEndpoint',
  alarmTopicArn: 'AlarmTopicArn',
  /** The role the operations commands (reindex, reconcile, redrive) assume on AWS. */
  operationsRoleArn: 'OperationsRoleArn',
  /** The hosted web app's https URL (CloudFront). */
  webUrl: 'WebUrl',
} as const;

/**
 * Outputs only the local cloud writes: endpoints that on AWS follow from the region. Clients use
 * them when present (Cognito, and S3/SQS for the operations CLI).
 */
export const LOCAL_OUTPUT_KEYS = {
  cognitoEndpoint: 'CognitoEndpoint',
  s3Endpoint: 'S3Endpoint',
  sqsEndpoint: 'SqsEndpoint',
  visionEndpoint: 'VisionEndpoint',
  /** The GraphQL and real-time endpoints over TLS (https, wss), on the same port as the plain ones. */
  graphqlTlsUrl: 'GraphQLTlsUrl',
  realtimeTlsUrl: 'RealtimeTlsUrl',
  /** The local CA's certificate (absolute path): NODE_EXTRA_CA_CERTS, or a browser's trust store. */
  caCertificateFile: 'CaCertificateFile',
} as const;

export type OutputKey = (typeof OUTPUT_KEYS)[keyof typeof OUTPUT_KEYS];

/**
 * Outputs the local cloud may lack: it raises no CloudWatch alarms and has no IAM roles (it writes
 * WebUrl, the web app it serves, but files from before it did have none).
 */
export const AWS_ONLY_OUTPUT_KEYS = [OUTPUT_KEYS.alarmTopicArn, OUTPUT_KEYS.operationsRoleArn, OUTPUT_KEYS.webUrl] as const;
type AwsOnlyOutputKey = (typeof AWS_ONLY_OUTPUT_KEYS)[number];

/** One deployment's outputs, from `cdk deploy --outputs-file` or the local cloud. */
type LocalOutputKey = (typeof LOCAL_OUTPUT_KEYS)[keyof typeof LOCAL_OUTPUT_KEYS];
export type StackOutputs = { readonly [K in Exclude<OutputKey, AwsOnlyOutputKey>]: string } & {
  readonly [K in AwsOnlyOutputKey | LocalOutputKey]?: string;
};

/**
 * Validates a parsed outputs record, e.g. one stack's entry of `cdk deploy --outputs-file`, and
 * names every missing key; the local cloud's endpoint keys are kept, other keys are ignored.
 */
export function parseStackOutputs(record: unknown): StackOutputs {
  if (typeof record !== 'object' || record === null) throw new Error('stack outputs must be an object');
  const values = record as Record<string, unknown>;
  const optional: readonly string[] = AWS_ONLY_OUTPUT_KEYS;
  const missing = Object.values(OUTPUT_KEYS).filter(
    (key) => !optional.includes(key) && (typeof values[key] !== 'string' || values[key] === ''),
  );
  if (missing.length > 0) throw new Error(`stack outputs lack ${missing.join(', ')}`);
  const outputs: Record<string, string> = {};
  for (const key of [...Object.values(OUTPUT_KEYS), ...Object.values(LOCAL_OUTPUT_KEYS)]) {
    const value = values[key];
    if (typeof value === 'string' && value !== '') outputs[key] = value;
  }
  return outputs as StackOutputs;
}
