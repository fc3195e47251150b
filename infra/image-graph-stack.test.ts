import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  ENV,
  loadProcessingConfig,
  type ProcessingConfig,
  thumbnailSpecs,
} from '../functions/shared/config.ts';
import { FAILED_REASON_DIMENSION, OUTCOME_METRICS, PROCESSING_METRICS, SERVICE_DIMENSION } from '../functions/process-image/metric-names.ts';
import { PREFIX } from '../functions/shared/storage-keys.ts';
import { readFileSync } from 'node:fs';
import { checkAppSyncSdl, toAppSyncSdl } from './appsync-sdl.ts';
import { API_LATENCY_P90_THRESHOLD_MS } from './constructs/monitoring.ts';
import { PROCESSING_TIMEOUT } from './constructs/processing.ts';
import { DEV_SERVER_ORIGINS } from './constructs/web-hosting.ts';
import type { ImageGraphStack } from './image-graph-stack.ts';
import { bundleResolvers } from './resolver-bundles.ts';
import { RESOLVER_WIRING, SIGN_URLS_MAX_BATCH_SIZE, type WiredField } from './resolver-wiring.ts';
import { repoPath } from './paths.ts';
import { OUTPUT_KEYS } from './stack-outputs.ts';
import { DEFAULT_SETTINGS, processingLimits, resolveSettings } from './stack-props.ts';
import { createTestStack } from './testing.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: { AWS: unknown };
  Condition?: unknown;
}

/** Synth takes a few seconds, more when test files run in parallel. */
const SYNTH_TIMEOUT_MS = 60_000;

/** Bundled once here, independently of the default stack (which bundles resolvers/ itself). */
const resolverBundles = bundleResolvers();

let stack: ImageGraphStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  // Without bundling (createTestStack's default): these tests read the template only.
  // function-bundling.test.ts and `npm run synth` bundle for real.
  stack = createTestStack().stack;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
}, SYNTH_TIMEOUT_MS);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (type: string, predicate: (r: Resource) => boolean) => {
  const found = ofType(type).filter(([, r]) => predicate(r));
  expect(found).toHaveLength(1);
  return found[0]![0];
};
/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at. */
const targetOf = (reference: unknown): string => {
  const { Ref, 'Fn::GetAtt': getAtt } = reference as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const target = Ref ?? getAtt?.[0];
  if (!target) throw new Error(`not a reference: ${JSON.stringify(reference)}`);
  return target;
};
const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
const statementsOf = (policy: Resource): Statement[] =>
  (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
/** Every statement of every IAM policy attached to the role with this logical id. */
const statementsOfRole = (roleId: string): Statement[] =>
  ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => targetOf(r) === roleId))
    .flatMap(([, p]) => statementsOf(p));
const roleOfFunction = (functionId: string): string => targetOf(resources[functionId]!.Properties.Role);
const variablesOf = (fn: Resource) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const functionByEntry = (description: RegExp) =>
  logicalIdOf('AWS::Lambda::Function', (r) => description.test(String(r.Properties.Description)));
/** The processing function's configuration as it would load it, CloudFormation values stubbed by URLs. */
const processingConfigOf = (t: Template): ProcessingConfig => {
  const [[, fn]] = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([, r]) =>
    String((r as Resource).Properties.Description).startsWith('Makes thumbnails'),
  ) as [[string, Resource]];
  const variables = Object.entries(variablesOf(fn)).map(([name, value]) => [
    name,
    typeof value === 'string' ? value : `https://resolved.invalid/${name}`,
  ]);
  return loadProcessingConfig(Object.fromEntries(variables) as Record<string, string>);
};

describe('storage', () => {
  it('blocks public access, encrypts, enforces TLS and is retained', () => {
    const imagesId = logicalIdOf('AWS::S3::Bucket', (r) => r.Properties.CorsConfiguration !== undefined);
    const images = resources[imagesId]!;
    expect(images.DeletionPolicy).toBe('Retain');
    expect(images.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { DestinationBucketName: expect.anything() },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: imagesId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('allows browser uploads by CORS, aborts incomplete multipart uploads and expires deleted versions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedMethods: Match.arrayEquals(['POST', 'PUT', 'GET']),
            // The hosted web app's origin first; web-hosting.test.ts checks it.
            AllowedOrigins: [Match.anyValue(), ...DEV_SERVER_ORIGINS],
          }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
          Match.objectLike({
            NoncurrentVersionExpiration: { NoncurrentDays: DEFAULT_SETTINGS.deletedObjectRetentionDays },
            ExpiredObjectDeleteMarker: true,
            Status: 'Enabled',
          }),
        ],
      },
    });
  });
});

describe('processing pipeline', () => {
  it('redrives to an SSE, TLS-only dead-letter queue after maxReceiveCount deliveries', () => {
    const dlqId = logicalIdOf('AWS::SQS::Queue', (r) => r.Properties.RedrivePolicy === undefined);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
      VisibilityTimeout: Match.anyValue(),
    });
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('keeps messages invisible for at least six processing timeouts', () => {
    const [, queue] = ofType('AWS::SQS::Queue').find(([, r]) => r.Properties.RedrivePolicy)!;
    const visibilityTimeout = queue.Properties.VisibilityTimeout as number;
    expect(visibilityTimeout).toBeGreaterThanOrEqual(6 * PROCESSING_TIMEOUT.toSeconds());
    const processing = resources[functionByEntry(/^Makes thumbnails/)]!;
    expect(visibilityTimeout).toBeGreaterThanOrEqual(6 * (processing.Properties.Timeout as number));
  });

  it('sends ObjectCreated and ObjectRemoved events under uploads/ to the queue', () => {
    const queueId = logicalIdOf('AWS::SQS::Queue', (r) => r.Properties.RedrivePolicy !== undefined);
    const uploadsOnly = { Key: { FilterRules: [{ Name: 'prefix', Value: PREFIX.uploads }] } };
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: Match.arrayEquals([
          { Events: ['s3:ObjectCreated:*'], Filter: uploadsOnly, QueueArn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          { Events: ['s3:ObjectRemoved:*'], Filter: uploadsOnly, QueueArn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        ]),
      },
    });
  });

  it('consumes the queue in batches of 10, reporting item failures, with concurrency bounded by the Rekognition quota', () => {
    const queueId = logicalIdOf('AWS::SQS::Queue', (r) => r.Properties.RedrivePolicy !== undefined);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: functionByEntry(/^Makes thumbnails/) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: processingLimits(DEFAULT_SETTINGS).maxConcurrency },
    });
    // "dev" reserves none: new accounts (concurrency quota 10) could not deploy it.
    expect(resources[functionByEntry(/^Makes thumbnails/)]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('grants the processing role reads of uploads/ and read, write and delete of thumbnails/ and meta/ only', () => {
    const objectsUnder = (prefix: string) => ({ 'Fn::Join': ['', [expect.anything(), `/${prefix}*`]] });
    const s3Statements = statementsOfRole(roleOfFunction(functionByEntry(/^Makes thumbnails/))).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('s3:')),
    );
    // Which object ARNs each action reaches, whichever way CDK merges the statements.
    const reach = new Map<string, unknown[]>();
    for (const statement of s3Statements) {
      for (const action of actionsOf(statement)) {
        reach.set(action, [...(reach.get(action) ?? []), ...[statement.Resource].flat()]);
      }
    }
    expect([...reach.keys()].sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(reach.get('s3:GetObject')).toHaveLength(3);
    expect(reach.get('s3:GetObject')).toEqual(
      expect.arrayContaining([PREFIX.uploads, PREFIX.thumbnails, PREFIX.meta].map(objectsUnder)),
    );
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect(reach.get(action)).toHaveLength(2);
      expect(reach.get(action)).toEqual(expect.arrayContaining([PREFIX.thumbnails, PREFIX.meta].map(objectsUnder)));
    }
    expect(reach.get('s3:ListBucket')).toEqual([{ 'Fn::GetAtt': [expect.any(String), 'Arn'] }]);
  });

  it('lets the processing role change the visibility of its own queue\'s messages, and no other queue\'s', () => {
    // A postponed message that cannot be re-queued is made visible again soon (functions/process-image/postponed-retry.ts).
    const queueId = logicalIdOf('AWS::SQS::Queue', (r) => r.Properties.RedrivePolicy !== undefined);
    const granting = statementsOfRole(roleOfFunction(functionByEntry(/^Makes thumbnails/))).filter((s) =>
      actionsOf(s).includes('sqs:ChangeMessageVisibility'),
    );
    expect(granting).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } })]);
    expect(granting[0]!.Condition).toBeUndefined();
    const variables = variablesOf(resources[functionByEntry(/^Makes thumbnails/)]!);
    expect(variables[ENV.queueUrl]).toEqual({ Ref: queueId });
  });

  it('lets the processing role send messages to its own queue only, and use no KMS key', () => {
    // A postponed message is re-queued as a new message (functions/process-image/postponed-retry.ts).
    const queueId = logicalIdOf('AWS::SQS::Queue', (r) => r.Properties.RedrivePolicy !== undefined);
    const statements = statementsOfRole(roleOfFunction(functionByEntry(/^Makes thumbnails/)));
    const granting = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(granting).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } })]);
    expect(granting[0]!.Condition).toBeUndefined();
    // SQS-managed encryption: nothing to encrypt or decrypt with on the function's side.
    expect(statements.flatMap(actionsOf).filter((action) => action.startsWith('kms:'))).toEqual([]);
  });

  it('lets the processing role use Rekognition, the bucket and the search domain', () => {
    const statements = statementsOfRole(roleOfFunction(functionByEntry(/^Makes thumbnails/)));
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([
        'rekognition:DetectLabels',
        'rekognition:DetectModerationLabels',
        'rekognition:DetectText',
        'rekognition:DetectFaces',
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        'es:ESHttpGet',
        'es:ESHttpPost',
        'es:ESHttpPut',
        'es:ESHttpDelete',
        'appsync:GraphQL',
      ]),
    );
  });
});

describe('functions', () => {
  it('run Node.js 22 on arm64 with active tracing, their own log group and no managed policies', () => {
    const functions = ofType('AWS::Lambda::Function').filter(([, r]) =>
      String(r.Properties.Runtime).startsWith('nodejs'),
    );
    expect(functions).toHaveLength(4);
    for (const [id, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      expect(resources[roleOfFunction(id)]!.Properties.ManagedPolicyArns).toBeUndefined();
      expect(variablesOf(fn)[ENV.bucket]).toBeDefined();
      expect(variablesOf(fn)[ENV.maxUploadBytes]).toBe(String(DEFAULT_SETTINGS.maxUploadBytes));
    }
  });

  it('tells the processing function where search and the API are', () => {
    const variables = variablesOf(resources[functionByEntry(/^Makes thumbnails/)]!);
    const [domainId] = ofType('AWS::OpenSearchService::Domain')[0]!;
    const [apiId] = ofType('AWS::AppSync::GraphQLApi')[0]!;
    expect(variables[ENV.searchEndpoint]).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [domainId, 'DomainEndpoint'] }]],
    });
    expect(variables[ENV.graphqlUrl]).toEqual({ 'Fn::GetAtt': [apiId, 'GraphQLUrl'] });
  });

  it('gives the processing function every setting loadProcessingConfig reads, at the defaults', () => {
    const variables = variablesOf(resources[functionByEntry(/^Makes thumbnails/)]!);
    // Local-cloud endpoints stay unset on AWS; Lambda sets AWS_REGION itself (and reserves it).
    const unset: string[] = [ENV.s3Endpoint, ENV.rekognitionEndpoint, ENV.region];
    const expected = [
      ENV.bucket,
      ENV.maxUploadBytes,
      ENV.maxInputPixels,
      ENV.thumbnailSizes,
      ENV.minLabelConfidence,
      ENV.maxLabels,
      ENV.detectModeration,
      ENV.detectText,
      ENV.detectFaces,
      ENV.searchEndpoint,
      ENV.graphqlUrl,
      ENV.queueUrl,
    ];
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(expected));
    for (const name of unset) expect(variables[name]).toBeUndefined();
    expect(variables).toMatchObject({
      [ENV.thumbnailSizes]: DEFAULTS.thumbnailSizes,
      [ENV.maxInputPixels]: String(DEFAULTS.maxInputPixels),
      [ENV.minLabelConfidence]: '70',
      [ENV.maxLabels]: '50',
      [ENV.detectModeration]: 'false',
      [ENV.detectText]: 'false',
      [ENV.detectFaces]: 'false',
      // The names functions/process-image uses for its logs, traces and metrics.
      POWERTOOLS_SERVICE_NAME: PROCESSING_METRICS.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: PROCESSING_METRICS.namespace,
    });

    // What the function would actually load from them.
    expect(processingConfigOf(template)).toMatchObject({
      maxUploadBytes: DEFAULT_SETTINGS.maxUploadBytes,
      maxInputPixels: DEFAULTS.maxInputPixels,
      thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes),
      minLabelConfidence: 70,
      maxLabels: 50,
      detectModeration: false,
      detectText: false,
      detectFaces: false,
      rekognitionEndpoint: undefined,
      s3Endpoint: undefined,
    });
  });

  it('runs processing with 1024 MB by default and no CloudWatch PutMetricData (metrics go out as EMF logs)', () => {
    const processingId = functionByEntry(/^Makes thumbnails/);
    expect(resources[processingId]!.Properties).toMatchObject({
      MemorySize: 1024,
      Timeout: PROCESSING_TIMEOUT.toSeconds(),
    });
    const actions = statementsOfRole(roleOfFunction(processingId)).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('cloudwatch:'))).toEqual([]);
  });

  it('grants each API function only its prefix of the bucket', () => {
    const objectsUnder = (prefix: string) => ({ 'Fn::Join': ['', [expect.anything(), `/${prefix}*`]] });
    const s3Statements = (description: RegExp) =>
      statementsOfRole(roleOfFunction(functionByEntry(description))).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('s3:')),
      );

    expect(s3Statements(/requestUpload/)).toEqual([
      expect.objectContaining({ Action: 's3:PutObject', Resource: objectsUnder(PREFIX.uploads) }),
    ]);
    const deleteImage = s3Statements(/deleteImage/);
    expect(deleteImage).toHaveLength(2);
    expect(deleteImage).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 's3:DeleteObject', Resource: objectsUnder(PREFIX.uploads) }),
        expect.objectContaining({
          Action: 's3:ListBucket',
          Condition: { StringLike: { 's3:prefix': [`${PREFIX.uploads}*`] } },
        }),
      ]),
    );
    expect(s3Statements(/Thumbnail\.url/)).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: expect.arrayContaining([objectsUnder(PREFIX.uploads), objectsUnder(PREFIX.thumbnails)]),
      }),
    ]);
  });
});

describe('search domain', () => {
  it('encrypts at rest and in transit, requires HTTPS with TLS 1.2, logs to CloudWatch and is deleted with the stack', () => {
    const [[, domain]] = ofType('AWS::OpenSearchService::Domain') as [[string, Resource]];
    // Derived data, rebuilt from the retained sidecars by imagegraph reindex.
    expect(domain.DeletionPolicy).toBe('Delete');
    expect(domain.Properties).toMatchObject({
      EngineVersion: expect.stringMatching(/^OpenSearch_/),
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
      ClusterConfig: { InstanceType: DEFAULT_SETTINGS.searchInstanceType, InstanceCount: 1 },
      LogPublishingOptions: {
        SEARCH_SLOW_LOGS: { Enabled: true },
        INDEX_SLOW_LOGS: { Enabled: true },
        ES_APPLICATION_LOGS: { Enabled: true },
      },
    });
  });

  it('grants access to the processing, AppSync data source and operations roles, and denies every other principal', () => {
    const [[, domain]] = ofType('AWS::OpenSearchService::Domain') as [[string, Resource]];
    const statements = (domain.Properties.AccessPolicies as { Statement: (Statement & { Sid?: string })[] }).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    const principals = allows.flatMap((s) => [s.Principal?.AWS].flat()).map(targetOf);
    const [, dataSource] = ofType('AWS::AppSync::DataSource').find(
      ([, r]) => r.Properties.Type === 'AMAZON_OPENSEARCH_SERVICE',
    )!;
    const dataSourceRole = targetOf(dataSource.Properties.ServiceRoleArn);
    const operationsRole = logicalIdOf('AWS::IAM::Role', (r) => String(r.Properties.Description).startsWith('Runs the imagegraph'));
    const named = [roleOfFunction(functionByEntry(/^Makes thumbnails/)), dataSourceRole, operationsRole].sort();
    expect(principals.sort()).toEqual(named);
    expect(allows.every((s) => actionsOf(s).every((a) => a.startsWith('es:ESHttp')))).toBe(true);
    // Same-account identity policies would otherwise suffice: the deny names everyone else.
    const denies = statements.filter((s) => s.Effect === 'Deny');
    expect(denies).toEqual([
      expect.objectContaining({ Principal: { AWS: '*' }, Action: 'es:ESHttp*', Resource: allows[0]!.Resource }),
    ]);
    const exempt = (denies[0]!.Condition as { ArnNotEquals: { 'aws:PrincipalArn': unknown[] } }).ArnNotEquals['aws:PrincipalArn'];
    expect(exempt.map(targetOf).sort()).toEqual(named);
  });
});

describe('GraphQL API', () => {
  it('authorizes with the user pool by default and IAM additionally, with X-Ray and logging', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: Match.objectLike({ DefaultAction: 'ALLOW' }),
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
      LogConfig: { CloudWatchLogsRoleArn: Match.anyValue(), FieldLogLevel: 'ERROR', ExcludeVerboseContent: false },
    });
  });

  it('limits query depth and resolver runs per request to the settings the local AppSync enforces', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      QueryDepthLimit: DEFAULT_SETTINGS.apiQueryDepthLimit,
      ResolverCountLimit: DEFAULT_SETTINGS.apiResolverCountLimit,
    });
  });

  it("deploys schema.graphql in the SDL AppSync's parser accepts, without redeclaring its scalars or directives", () => {
    const [[, schema]] = ofType('AWS::AppSync::GraphQLSchema') as [[string, Resource]];
    const sdl = schema.Properties.Definition as string;
    expect(sdl).toContain('type Query');
    expect(sdl).not.toMatch(/scalar AWS|directive @aws_/);
    expect(checkAppSyncSdl(sdl)).toEqual([]);
    expect(sdl).toBe(toAppSyncSdl(readFileSync(repoPath('schema/schema.graphql'), 'utf8')));
  });

  it('wires every resolver to its data source as an APPSYNC_JS unit resolver with the bundled code', () => {
    const bundles = new Map(resolverBundles.map((b) => [`${b.typeName}.${b.fieldName}`, b.code]));
    const dataSourceTypes = new Map(
      ofType('AWS::AppSync::DataSource').map(([, r]) => [
        r.Properties.Name as string,
        {
          type: r.Properties.Type as string,
          lambda: r.Properties.LambdaConfig as { LambdaFunctionArn: unknown } | undefined,
        },
      ]),
    );
    const resolvers = ofType('AWS::AppSync::Resolver');
    expect(resolvers).toHaveLength(Object.keys(RESOLVER_WIRING).length);

    for (const [, resolver] of resolvers) {
      const { TypeName, FieldName, DataSourceName, Runtime, Code, Kind, MaxBatchSize } = resolver.Properties as {
        TypeName: string;
        FieldName: string;
        DataSourceName: string;
        Runtime: unknown;
        Code: string;
        Kind: string;
        MaxBatchSize?: number;
      };
      const field = `${TypeName}.${FieldName}` as WiredField;
      const wiring = RESOLVER_WIRING[field];
      const dataSource = dataSourceTypes.get(DataSourceName)!;
      const expectedType = { OPENSEARCH: 'AMAZON_OPENSEARCH_SERVICE', LAMBDA: 'AWS_LAMBDA', NONE: 'NONE' }[wiring.kind];

      expect({ field, type: dataSource.type }).toEqual({ field, type: expectedType });
      expect(Runtime).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
      expect(Kind).toBe('UNIT');
      expect(Code).toBe(bundles.get(field));
      if (wiring.kind === 'LAMBDA') {
        const fn = resources[targetOf(dataSource.lambda?.LambdaFunctionArn)]!;
        expect(fn.Properties.Description).toContain(
          wiring.function === 'sign-urls' ? 'Presigns download URLs' : FieldName,
        );
      }
      expect(MaxBatchSize).toBe('maxBatchSize' in wiring ? SIGN_URLS_MAX_BATCH_SIZE : undefined);
    }
  });

  it('lets the processing role call Mutation.publishImageProcessed and no other field', () => {
    const graphqlStatements = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
      statementsOf(p).filter((s) => actionsOf(s).some((a) => a.startsWith('appsync:'))),
    );
    expect(graphqlStatements).toHaveLength(1);
    const [statement] = graphqlStatements;
    expect(statement!.Action).toBe('appsync:GraphQL');
    const resource = JSON.stringify(statement!.Resource);
    expect(resource).toMatch(/\/types\/Mutation\/fields\/publishImageProcessed"/);
    expect(resource).not.toContain('*');
    expect(statementsOfRole(roleOfFunction(functionByEntry(/^Makes thumbnails/)))).toContainEqual(statement);
  });
});

describe('auth', () => {
  it('signs in by email with verification and a strong password policy, and is retained', () => {
    const [[, pool]] = ofType('AWS::Cognito::UserPool') as [[string, Resource]];
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
  });

  it('has a public app client with SRP auth and refresh tokens only: no password is ever sent', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    });
  });
});

describe('monitoring', () => {
  it('alarms on processing errors, dead letters, queue age, API 5XX and API latency, to an encrypted topic', () => {
    const [[topicId, topic]] = ofType('AWS::SNS::Topic') as [[string, Resource]];
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const byMetric = (namespace: string, metricName: string) =>
      alarms.find((a) => a.Namespace === namespace && a.MetricName === metricName);

    expect(byMetric('AWS/Lambda', 'Errors')).toBeDefined();
    expect(byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    expect(byMetric('AWS/SQS', 'ApproximateAgeOfOldestMessage')).toBeDefined();
    expect(byMetric('AWS/AppSync', '5XXError')).toBeDefined();
    expect(byMetric('AWS/AppSync', 'Latency')).toMatchObject({
      ExtendedStatistic: 'p90',
      Threshold: API_LATENCY_P90_THRESHOLD_MS,
    });
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("graphs the processing function's own counts next to its Lambda metrics, as the function publishes them", () => {
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    // The body is JSON joined with CloudFormation references, which all sit inside JSON strings.
    const [, parts] = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
      widgets: { y: number; properties: { title?: string; alarms?: string[]; metrics?: unknown[][] } }[];
    };
    const widget = (title: string) => body.widgets.find((w) => w.properties.title === title)!;
    const images = widget('Images');
    expect(images.y).toBe(widget('Processing').y);
    const { namespace, serviceName } = PROCESSING_METRICS;
    const count = (metricName: string, axis: object = {}) => [namespace, metricName, SERVICE_DIMENSION, serviceName, { stat: 'Sum', ...axis }];
    expect(images.properties.metrics).toEqual([
      count(OUTCOME_METRICS.processed),
      count(OUTCOME_METRICS.deleted),
      // Every rejection reason is a metric of its own (ImagesFailed has a reason dimension).
      [
        expect.objectContaining({
          expression: `SELECT SUM("${OUTCOME_METRICS.failed}") FROM SCHEMA("${namespace}", "${FAILED_REASON_DIMENSION}", "${SERVICE_DIMENSION}") WHERE "${SERVICE_DIMENSION}" = '${serviceName}'`,
        }),
      ],
      count(OUTCOME_METRICS.timedOut, { yAxis: 'right' }),
      count(OUTCOME_METRICS.postponed, { yAxis: 'right' }),
    ]);
    const timedOutAlarm = logicalIdOf('AWS::CloudWatch::Alarm', (r) => r.Properties.MetricName === OUTCOME_METRICS.timedOut);
    expect(widget('Alarms').properties.alarms).toHaveLength(ofType('AWS::CloudWatch::Alarm').length);
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain(JSON.stringify({ 'Fn::GetAtt': [timedOutAlarm, 'Arn'] }));
  });
});

describe('outputs', () => {
  it('exports every key of OUTPUT_KEYS', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(OUTPUT_KEYS).sort());
    const api = ofType('AWS::AppSync::GraphQLApi')[0]![0];
    expect(outputs[OUTPUT_KEYS.realtimeUrl]).toMatchObject({ Value: { 'Fn::GetAtt': [api, 'RealtimeUrl'] } });
  });

  it('gives the operations CLI both queue URLs and the search endpoint URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const queueId = logicalIdOf('AWS::SQS::Queue', (r) => r.Properties.RedrivePolicy !== undefined);
    const dlqId = logicalIdOf('AWS::SQS::Queue', (r) => r.Properties.RedrivePolicy === undefined);
    const [domainId] = ofType('AWS::OpenSearchService::Domain')[0]!;
    expect(outputs[OUTPUT_KEYS.queueUrl]!.Value).toEqual({ Ref: queueId });
    expect(outputs[OUTPUT_KEYS.deadLetterQueueUrl]!.Value).toEqual({ Ref: dlqId });
    expect(outputs[OUTPUT_KEYS.searchEndpoint]!.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [domainId, 'DomainEndpoint'] }]],
    });
    // The same URL the processing function indexes into.
    expect(variablesOf(resources[functionByEntry(/^Makes thumbnails/)]!)[ENV.searchEndpoint]).toEqual(
      outputs[OUTPUT_KEYS.searchEndpoint]!.Value,
    );
  });
});

describe('settings', () => {
  it('apply to the template', () => {
    const custom = createTestStack(
      {
        corsOrigins: ['https://photos.example.com'],
        rekognitionTps: 50,
        reserveProcessingConcurrency: true,
        maxReceiveCount: 3,
        searchInstanceType: 'm7g.large.search',
        searchInstanceCount: 2,
        searchAvailabilityZones: 2,
        maxUploadBytes: 1024,
        processingMemoryMiB: 2048,
        thumbnailSizes: '64s,256',
        maxInputPixels: 50_000_000,
        minLabelConfidence: 85,
        maxLabels: 20,
        detectModeration: true,
        detectText: false,
        detectFaces: true,
        apiQueryDepthLimit: 8,
        apiResolverCountLimit: 500,
        resolvers: resolverBundles,
      },
    ).stack;
    const t = Template.fromStack(custom);
    t.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://photos.example.com'] })] },
    });
    // 50 TPS × 0.5 s per image at the least.
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 25 } });
    t.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
    t.hasResourceProperties('AWS::AppSync::GraphQLApi', { QueryDepthLimit: 8, ResolverCountLimit: 500 });
    t.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({
        InstanceType: 'm7g.large.search',
        InstanceCount: 2,
        ZoneAwarenessEnabled: true,
      }),
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.maxUploadBytes]: '1024' }) },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Makes thumbnails'),
      MemorySize: 2048,
      ReservedConcurrentExecutions: 25,
    });
    expect(processingConfigOf(t)).toMatchObject({
      maxUploadBytes: 1024,
      thumbnails: [
        { size: 64, square: true },
        { size: 256, square: false },
      ],
      maxInputPixels: 50_000_000,
      minLabelConfidence: 85,
      maxLabels: 20,
      detectModeration: true,
      detectText: false,
      detectFaces: true,
    });
  });

  it('reject values the services would refuse at deploy time', () => {
    expect(() => resolveSettings({ rekognitionTps: 1, maxReceiveCount: 0, corsOrigins: [] })).toThrow(
      /rekognitionTps must be a whole number from 4 to 100000 \(the SQS event source runs at least 2 instances[\s\S]*maxReceiveCount[\s\S]*corsOrigins/,
    );
    expect(resolveSettings({ rekognitionTps: undefined })).toEqual(DEFAULT_SETTINGS);
    // AppSync's bounds: QueryDepthLimit 1..75, ResolverCountLimit 1..10000 (0 would mean no limit).
    expect(() => resolveSettings({ apiQueryDepthLimit: 0, apiResolverCountLimit: 10_001 })).toThrow(
      /apiQueryDepthLimit must be a whole number from 1 to 75, got 0[\s\S]*apiResolverCountLimit must be a whole number from 1 to 10000, got 10001/,
    );
    expect(() => resolveSettings({ apiQueryDepthLimit: 76 })).toThrow(/apiQueryDepthLimit/);
  });

  it('reject processing settings the function would refuse at run time', () => {
    expect(() =>
      resolveSettings({
        processingMemoryMiB: 64,
        thumbnailSizes: '160s,huge',
        minLabelConfidence: 0,
        maxLabels: 5000,
        maxInputPixels: 0.5,
      }),
    ).toThrow(
      /processingMemoryMiB must be a whole number from 128 to 10240[\s\S]*maxInputPixels[\s\S]*minLabelConfidence[\s\S]*maxLabels[\s\S]*thumbnailSizes: THUMBNAIL_SIZES: "huge"/,
    );
  });
});
