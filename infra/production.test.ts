/**
 * What production relies on: alarms that page for real failures, limits derived from quotas, the
 * firewall, who may reach what, and names and removal policies that let `cdk destroy` and a
 * redeploy work. The "dev" and "production" presets are both synthesized.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_METRICS, PROCESSING_METRICS } from '../functions/process-image/metric-names.ts';
import { recordOutcome } from '../functions/process-image/observability.ts';
import { PREFIX } from '../functions/shared/storage-keys.ts';
import { COUNTED_RULES, MANAGED_RULE_GROUPS } from './constructs/firewall.ts';
import { API_RESOLVER_ERRORS_THRESHOLD, deadLetterDelay, isBurstable } from './constructs/monitoring.ts';
import { QUEUE_VISIBILITY_TIMEOUT } from './constructs/processing.ts';
import { bundleResolvers } from './resolver-bundles.ts';
import { OUTPUT_KEYS } from './stack-outputs.ts';
import {
  DEFAULT_SETTINGS,
  GRAPHQL_INT_MAX,
  type ImageGraphStackProps,
  PRESETS,
  presetNamed,
  processingLimits,
  resolveSettings,
  signedApiRateLimitPer5Minutes,
} from './stack-props.ts';
import { createTestStack } from './testing.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; DependsOn?: string[] };
type Resources = Record<string, Resource>;

const resolvers = bundleResolvers();
const synth = (props: ImageGraphStackProps = {}): Resources =>
  Template.fromStack(createTestStack({ ...props, resolvers }).stack).toJSON().Resources as Resources;

let dev: Resources;
let production: Resources;
beforeAll(() => {
  dev = synth();
  production = synth({ preset: 'production' });
}, 120_000);

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const only = (resources: Resources, type: string): [string, Resource] => {
  const found = ofType(resources, type);
  expect(found).toHaveLength(1);
  return found[0]!;
};
/** The alarm the Monitoring construct created with this id, or undefined. */
const alarm = (resources: Resources, id: string) =>
  ofType(resources, 'AWS::CloudWatch::Alarm').find(([logicalId]) => new RegExp(`^Monitoring${id}[0-9A-F]{8}$`).test(logicalId))?.[1]
    .Properties;
const logicalIdOfFunction = (resources: Resources, description: RegExp) =>
  ofType(resources, 'AWS::Lambda::Function').find(([, r]) => description.test(String(r.Properties.Description)))![0];
const ref = (id: string) => ({ Ref: id });

const NOT_BREACHING = 'notBreaching';
const SUSTAINED = { Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: NOT_BREACHING };

describe('alarms', () => {
  it.each([
    ['ProcessingErrors', { Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1, ...SUSTAINED }],
    [
      'EventsTimedOut',
      { Namespace: PROCESSING_METRICS.namespace, MetricName: OUTCOME_METRICS.timedOut, Statistic: 'Sum', Threshold: 1, ...SUSTAINED },
    ],
    ['Api5xx', { Namespace: 'AWS/AppSync', MetricName: '5XXError', Statistic: 'Sum', Threshold: 1, ...SUSTAINED }],
    [
      'DeadLetters',
      { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Period: 60, Threshold: 1, EvaluationPeriods: 1 },
    ],
    // 14 days of retention, three left to redrive.
    ['DeadLetterAge', { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 11 * 86_400, EvaluationPeriods: 1 }],
    // AWS's recommendations for OpenSearch Service, one by one.
    ['SearchClusterRed', { MetricName: 'ClusterStatus.red', Statistic: 'Maximum', Period: 60, Threshold: 1, EvaluationPeriods: 1 }],
    ['SearchClusterYellow', { MetricName: 'ClusterStatus.yellow', Statistic: 'Maximum', Period: 60, Threshold: 1, EvaluationPeriods: 5 }],
    [
      'SearchFreeStorage',
      {
        MetricName: 'FreeStorageSpace',
        Statistic: 'Minimum',
        Period: 60,
        // 25% of the 10 GiB volume, in MiB.
        Threshold: 2560,
        ComparisonOperator: 'LessThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      },
    ],
    ['SearchIndexWritesBlocked', { MetricName: 'ClusterIndexWritesBlocked', Period: 300, Threshold: 1, EvaluationPeriods: 1 }],
    ['SearchSnapshotFailure', { MetricName: 'AutomatedSnapshotFailure', Statistic: 'Maximum', Period: 60, Threshold: 1, EvaluationPeriods: 1 }],
    ['SearchCpu', { MetricName: 'CPUUtilization', Statistic: 'Maximum', Period: 900, Threshold: 80, EvaluationPeriods: 3 }],
    ['SearchJvmMemoryPressure', { MetricName: 'JVMMemoryPressure', Statistic: 'Maximum', Period: 60, Threshold: 95, EvaluationPeriods: 3 }],
    [
      'SearchCpuCredits',
      { MetricName: 'CPUCreditBalance', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 3 },
    ],
  ])('%s', (id, expected) => {
    expect(alarm(dev, id)).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', ...expected });
  });

  it('leave the search gauges MISSING when the domain reports nothing, and event counts NOT_BREACHING', () => {
    for (const [logicalId, { Properties }] of ofType(dev, 'AWS::CloudWatch::Alarm')) {
      const gauge = Properties.Namespace === 'AWS/ES';
      expect({ logicalId, missing: Properties.TreatMissingData }).toEqual({ logicalId, missing: gauge ? 'missing' : NOT_BREACHING });
    }
  });

  it('watch abandoned images under exactly the namespace, name and dimensions the processing function publishes', () => {
    // What the function's Metrics object (index.ts: new Metrics(PROCESSING_METRICS)) writes for an
    // abandoned image: the EMF log line CloudWatch makes the metric of.
    const metrics = new Metrics(PROCESSING_METRICS);
    recordOutcome(metrics, new Logger({ logLevel: 'SILENT' }), { result: 'timedOut', imageId: 'a' });
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    };
    const [published] = emf._aws.CloudWatchMetrics;
    expect(emf._aws.CloudWatchMetrics).toHaveLength(1);
    expect(published!.Metrics).toEqual([expect.objectContaining({ Name: OUTCOME_METRICS.timedOut })]);
    expect(published!.Dimensions).toHaveLength(1);
    const publishedDimensions = published!.Dimensions[0]!.map((name) => ({ Name: name, Value: emf[name] }));

    const watched = alarm(dev, 'EventsTimedOut')!;
    expect({ Namespace: watched.Namespace, MetricName: watched.MetricName, Dimensions: watched.Dimensions }).toEqual({
      Namespace: published!.Namespace,
      MetricName: published!.Metrics[0]!.Name,
      Dimensions: publishedDimensions,
    });
    // Powertools' default dimension, named after the service in code and in the environment alike.
    expect(publishedDimensions).toEqual([{ Name: 'service', Value: PROCESSING_METRICS.serviceName }]);
    const [processingId] = ofType(dev, 'AWS::Lambda::Function').find(([, r]) => String(r.Properties.Description).startsWith('Makes thumbnails'))!;
    expect((dev[processingId]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: PROCESSING_METRICS.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: PROCESSING_METRICS.namespace,
    });
  });

  it('say how much later an abandoned image would reach the dead-letter queue, and notify the topic', () => {
    // maxReceiveCount (5) deliveries, a 12-minute visibility timeout (6 × the 120 s function timeout) apart.
    expect(QUEUE_VISIBILITY_TIMEOUT.toMinutes()).toBe(12);
    expect(deadLetterDelay(5).toMinutes()).toBe(60);
    expect(alarm(dev, 'EventsTimedOut')!.AlarmDescription).toMatch(/retry every 12 minutes and reach the dead-letter queue after 1 hour$/);
    expect(alarm(synth({ maxReceiveCount: 3 }), 'EventsTimedOut')!.AlarmDescription).toMatch(/after 36 minutes$/);
    const [topicId] = only(dev, 'AWS::SNS::Topic');
    expect(alarm(dev, 'EventsTimedOut')).toMatchObject({ AlarmActions: [ref(topicId)], OKActions: [ref(topicId)] });
  });

  it('page on no postponed image: that is back-pressure, not a failure', () => {
    const watched = ofType(dev, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);
    expect(watched).not.toContain(OUTCOME_METRICS.postponed);
  });

  it('watch the search domain and the dead-letter queue they name', () => {
    const [domainId] = only(dev, 'AWS::OpenSearchService::Domain');
    expect(alarm(dev, 'SearchJvmMemoryPressure')!.Dimensions).toEqual(
      expect.arrayContaining([{ Name: 'DomainName', Value: ref(domainId) }]),
    );
    const [dlqId] = ofType(dev, 'AWS::SQS::Queue').find(([, r]) => r.Properties.RedrivePolicy === undefined)!;
    expect(alarm(dev, 'DeadLetterAge')!.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }]);
  });

  it('count field errors and data source errors, which come back as HTTP 200, from AppSync enhanced metrics', () => {
    const [apiId, api] = only(dev, 'AWS::AppSync::GraphQLApi');
    expect(api.Properties.EnhancedMetricsConfig).toEqual({
      ResolverLevelMetricsBehavior: 'FULL_REQUEST_RESOLVER_METRICS',
      DataSourceLevelMetricsBehavior: 'FULL_REQUEST_DATA_SOURCE_METRICS',
      OperationLevelMetricsConfig: 'DISABLED',
    });
    const query = (metric: string, dimension: string) => ({
      'Fn::Join': [
        '',
        [
          `SELECT SUM("${metric}") FROM SCHEMA("AWS/AppSync", "${dimension}", "GraphQLAPIId") WHERE "GraphQLAPIId" = '`,
          { 'Fn::GetAtt': [apiId, 'ApiId'] },
          "'",
        ],
      ],
    });
    expect(alarm(dev, 'ApiDataSourceErrors')).toMatchObject({
      Metrics: [expect.objectContaining({ Expression: query('Errors', 'DataSource'), Period: 300, ReturnData: true })],
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    expect(alarm(dev, 'ApiResolverErrors')).toMatchObject({
      Metrics: [expect.objectContaining({ Expression: query('GraphQLError', 'Resolver'), Period: 300 })],
      Threshold: API_RESOLVER_ERRORS_THRESHOLD,
      ComparisonOperator: 'GreaterThanThreshold',
      DatapointsToAlarm: 2,
    });
  });

  it("cover each API function's errors and every function's throttles", () => {
    const functionOf = (properties: Record<string, unknown> | undefined) =>
      (properties?.Dimensions as { Value: { Ref: string } }[])[0]!.Value.Ref;
    for (const name of ['request-upload', 'delete-image', 'sign-urls']) {
      expect(alarm(dev, `FunctionErrors${name.replace('-', '')}`)).toMatchObject({ MetricName: 'Errors', ...SUSTAINED });
    }
    const throttled = ['processimage', 'requestupload', 'deleteimage', 'signurls'].map((name) => {
      const properties = alarm(dev, `FunctionThrottles${name}`);
      expect(properties).toMatchObject({ MetricName: 'Throttles', Threshold: 1, ...SUSTAINED });
      return functionOf(properties);
    });
    expect(throttled.sort()).toEqual(ofType(dev, 'AWS::Lambda::Function').filter(([, r]) => String(r.Properties.Runtime).startsWith('nodejs')).map(([id]) => id).sort());
  });

  it('follow the sizing: master alarms with dedicated masters, credit alarms on burstable nodes only', () => {
    expect(alarm(dev, 'SearchMasterCpu')).toBeUndefined();
    expect(alarm(production, 'SearchCpuCredits')).toBeUndefined();
    expect(alarm(production, 'SearchMasterCpu')).toMatchObject({ MetricName: 'MasterCPUUtilization', Period: 900, Threshold: 50, EvaluationPeriods: 3 });
    expect(alarm(production, 'SearchMasterJvmMemoryPressure')).toMatchObject({ MetricName: 'MasterJVMMemoryPressure', Threshold: 95 });
    expect(alarm(production, 'SearchFreeStorage')).toMatchObject({ Threshold: 100 * 1024 * 0.25 });
    expect([isBurstable('t3.small.search'), isBurstable('t4g.medium.search'), isBurstable('m7g.large.search')]).toEqual([true, true, false]);
  });
});

describe('processing limits', () => {
  it.each([
    // rekognitionTps × 0.5 s per image, within SQS's 2..1000.
    [5, 2],
    [50, 25],
    [4, 2],
    [9, 4],
    [5000, 1000],
  ])('allow %i Rekognition TPS %i concurrent instances', (rekognitionTps, maxConcurrency) => {
    expect(processingLimits({ rekognitionTps, reserveProcessingConcurrency: true })).toEqual({
      maxConcurrency,
      reservedConcurrency: maxConcurrency,
    });
    expect(processingLimits({ rekognitionTps, reserveProcessingConcurrency: false }).reservedConcurrency).toBeUndefined();
  });

  it('reserve as much concurrency as the event source may use, in production', () => {
    const processingId = logicalIdOfFunction(production, /^Makes thumbnails/);
    const { maxConcurrency } = processingLimits(PRESETS.production);
    expect(production[processingId]!.Properties.ReservedConcurrentExecutions).toBe(maxConcurrency);
    expect(only(production, 'AWS::Lambda::EventSourceMapping')[1].Properties.ScalingConfig).toEqual({ MaximumConcurrency: maxConcurrency });
  });
});

describe('API firewall', () => {
  it('rate-limits each IP, then applies the managed rule groups, to every request but SigV4-signed backend calls', () => {
    const [, acl] = only(dev, 'AWS::WAFv2::WebACL');
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl.Properties.Rules as { Name: string; Priority: number; Statement: Record<string, unknown>; Action?: unknown; OverrideAction?: unknown }[];
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'RateLimitPerIp'],
      [1, 'RateLimitSignedPerIp'],
      ...MANAGED_RULE_GROUPS.map((name, index) => [index + 2, name]),
    ]);
    expect(rules[0]).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          Limit: DEFAULT_SETTINGS.apiRateLimitPer5Minutes,
          AggregateKeyType: 'IP',
          EvaluationWindowSec: 300,
          ScopeDownStatement: {
            NotStatement: {
              Statement: {
                ByteMatchStatement: {
                  FieldToMatch: { SingleHeader: { Name: 'authorization' } },
                  PositionalConstraint: 'STARTS_WITH',
                  SearchString: 'AWS4-HMAC-SHA256',
                },
              },
            },
          },
        },
      },
    });
    const notSigned = (rules[0]!.Statement.RateBasedStatement as { ScopeDownStatement: { NotStatement: { Statement: unknown } } }).ScopeDownStatement;
    // Anyone can send a header that looks signed: signed requests have a limit of their own, sized
    // to the backend's most (2 x 5 images a second x 300 s with the dev preset's Rekognition quota).
    expect(rules[1]).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP', EvaluationWindowSec: 300, ScopeDownStatement: notSigned.NotStatement.Statement } },
    });
    expect(signedApiRateLimitPer5Minutes({ rekognitionTps: 50 })).toBe(30_000);
    for (const rule of rules.slice(2)) {
      expect(rule).toMatchObject({
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: rule.Name, ScopeDownStatement: notSigned } },
      });
    }
    // The real-time handshake's query string carries a JWT: its 2 KB limit only counts.
    const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet')!;
    expect(common.Statement).toMatchObject({
      ManagedRuleGroupStatement: { RuleActionOverrides: COUNTED_RULES.map((Name) => ({ Name, ActionToUse: { Count: {} } })) },
    });
    expect(COUNTED_RULES).toEqual(['SizeRestrictions_QUERYSTRING']);
    expect(MANAGED_RULE_GROUPS).toEqual(
      expect.arrayContaining(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']),
    );
  });

  it('is associated with the finished API', () => {
    const [aclId] = only(dev, 'AWS::WAFv2::WebACL');
    const [apiId] = only(dev, 'AWS::AppSync::GraphQLApi');
    const [schemaId] = only(dev, 'AWS::AppSync::GraphQLSchema');
    const [, association] = only(dev, 'AWS::WAFv2::WebACLAssociation');
    expect(association.Properties).toEqual({
      ResourceArn: { 'Fn::GetAtt': [apiId, 'Arn'] },
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
    expect(association.DependsOn).toEqual(expect.arrayContaining([schemaId]));
  });

  it('follows its settings', () => {
    expect(ofType(synth({ apiFirewall: false }), 'AWS::WAFv2::WebACL')).toEqual([]);
    const [, acl] = only(synth({ apiRateLimitPer5Minutes: 300 }), 'AWS::WAFv2::WebACL');
    expect(JSON.stringify(acl.Properties.Rules)).toContain('"Limit":300');
  });
});

describe('access', () => {
  it('lets AppSync assume its roles only for this account, and for this API where the API can be named', () => {
    const [apiId] = only(dev, 'AWS::AppSync::GraphQLApi');
    const appSyncRoles = ofType(dev, 'AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('appsync.amazonaws.com'),
    );
    // Logs, the search data source and the three Lambda data sources.
    expect(appSyncRoles).toHaveLength(5);
    const sourceArns = appSyncRoles.map(([, role]) => {
      const [statement] = (role.Properties.AssumeRolePolicyDocument as { Statement: { Condition: Record<string, Record<string, unknown>> }[] }).Statement;
      expect(statement!.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      return JSON.stringify(statement!.Condition.ArnLike!['aws:SourceArn']);
    });
    const thisApi = JSON.stringify({ 'Fn::GetAtt': [apiId, 'Arn'] });
    expect(sourceArns.filter((arn) => arn === thisApi)).toHaveLength(4);
    // The API needs the log role before it exists, so that one names the account's APIs.
    expect(sourceArns.filter((arn) => arn !== thisApi)).toEqual([expect.stringMatching(/:apis\/\*"\]\]\}$/)]);
  });

  it('gives operators a role for reindex, reconcile and redrive, and outputs it', () => {
    const [roleId, role] = ofType(dev, 'AWS::IAM::Role').find(([, r]) => String(r.Properties.Description).startsWith('Runs the imagegraph'))!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toMatch(/"arn:aws:iam::",\{"Ref":"AWS::AccountId"\},":root"/);
    const statements = ofType(dev, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] }).Statement);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining(['s3:ListBucket', 's3:GetObject', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'es:ESHttpPut']),
    );
    expect(actions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    const reads = statements.find((s) => s.Action === 's3:GetObject')!;
    expect(JSON.stringify(reads.Resource)).toContain(`/${PREFIX.meta}*`);
    const outputs = Template.fromStack(createTestStack({ resolvers }).stack).toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[OUTPUT_KEYS.operationsRoleArn]!.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });
});

describe('destroy and redeploy', () => {
  it('names the search domain after the stack instance, so a redeploy never meets the old name', () => {
    const [, domain] = only(dev, 'AWS::OpenSearchService::Domain');
    const name = JSON.stringify(domain.Properties.DomainName);
    // A prefix, then the first group of the stack id's UUID (new for every stack created).
    expect(name).toMatch(/^\{"Fn::Join":\["",\["[a-z][a-z0-9-]{1,18}-",\{"Fn::Select":\[0,\{"Fn::Split":\["-",\{"Fn::Select":\[2,\{"Fn::Split":\["\/",\{"Ref":"AWS::StackId"\}\]\}\]\}\]\}\]\}\]\]\}$/);
    expect(domain.DeletionPolicy).toBe('Delete');
  });

  it('keeps the photos and the accounts, under names a redeploy never meets', () => {
    // The web app's bucket holds only the build, which every deploy uploads again: deleted with the stack.
    for (const [, bucket] of ofType(dev, 'AWS::S3::Bucket').filter(([id]) => !id.startsWith('Web'))) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      // Generated, or (the images bucket, which the web app's CSP names) suffixed with the stack id's UUID.
      if (bucket.Properties.BucketName !== undefined) expect(JSON.stringify(bucket.Properties.BucketName)).toContain('{"Ref":"AWS::StackId"}');
    }
    const [, pool] = only(dev, 'AWS::Cognito::UserPool');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.UserPoolName).toBeUndefined();
  });
});

describe('presets', () => {
  it('size production search over three zones with dedicated masters', () => {
    const [, domain] = only(production, 'AWS::OpenSearchService::Domain');
    expect(domain.Properties).toMatchObject({
      ClusterConfig: {
        InstanceType: 'm7g.large.search',
        InstanceCount: 3,
        ZoneAwarenessEnabled: true,
        ZoneAwarenessConfig: { AvailabilityZoneCount: 3 },
        DedicatedMasterEnabled: true,
        DedicatedMasterCount: 3,
        DedicatedMasterType: 'm7g.large.search',
      },
      EBSOptions: { VolumeSize: 100 },
    });
    const [, devDomain] = only(dev, 'AWS::OpenSearchService::Domain');
    expect(devDomain.Properties.ClusterConfig).toMatchObject({ InstanceCount: 1, ZoneAwarenessEnabled: false, DedicatedMasterEnabled: false });
  });

  it('are chosen by name, with single settings on top', () => {
    expect(presetNamed(undefined)).toBe('dev');
    expect(presetNamed('production')).toBe('production');
    expect(() => presetNamed('prod')).toThrow('Unknown ImageGraph preset "prod": use one of dev, production');
    expect(resolveSettings({ preset: 'production', searchVolumeSizeGiB: 200 })).toEqual({ ...PRESETS.production, searchVolumeSizeGiB: 200 });
    // Stack props that are not settings stay out of the settings.
    expect(resolveSettings({ description: 'x' } as ImageGraphStackProps)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('settings validation', () => {
  it('refuses an upload cap the API cannot report in a GraphQL Int', () => {
    expect(resolveSettings({ maxUploadBytes: GRAPHQL_INT_MAX }).maxUploadBytes).toBe(2_147_483_647);
    expect(() => resolveSettings({ maxUploadBytes: GRAPHQL_INT_MAX + 1 })).toThrow(
      'maxUploadBytes must be a whole number from 1 to 2147483647 (the API reports it in GraphQL Int fields, signed 32-bit; S3\'s own POST limit is 5 GiB), got 2147483648',
    );
  });

  it('refuses URL lifetimes longer than an hour', () => {
    expect(() => resolveSettings({ uploadUrlTtlSeconds: 3601, downloadUrlTtlSeconds: 7 * 24 * 3600 })).toThrow(
      /uploadUrlTtlSeconds must be a whole number from 1 to 3600 \(a URL dies with the Lambda session that signed it\)[\s\S]*downloadUrlTtlSeconds/,
    );
  });

  it('refuses search sizes OpenSearch would refuse', () => {
    expect(() =>
      resolveSettings({
        searchInstanceCount: 4,
        searchAvailabilityZones: 3,
        searchDedicatedMasterCount: 2 as 3,
        searchDedicatedMasterType: 'm7g.large',
      }),
    ).toThrow(
      /searchDedicatedMasterCount must be one of 0, 3, 5, got 2[\s\S]*searchInstanceCount \(4\) must be a multiple of searchAvailabilityZones \(3\)[\s\S]*searchDedicatedMasterType must be an OpenSearch instance type/,
    );
    expect(() => resolveSettings({ searchAvailabilityZones: 4 as 3, searchInstanceCount: 4 })).toThrow(
      'searchAvailabilityZones must be one of 1, 2, 3, got 4',
    );
  });

  it('refuses a rate limit WAF would refuse', () => {
    expect(() => resolveSettings({ apiRateLimitPer5Minutes: 50 })).toThrow('apiRateLimitPer5Minutes must be a whole number from 100');
  });
});
