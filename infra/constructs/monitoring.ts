import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  FAILED_REASON_DIMENSION,
  OUTCOME_METRICS,
  PROCESSING_METRICS,
  SERVICE_DIMENSION,
} from '../../functions/process-image/metric-names.ts';
import type { Api } from './api.ts';
import { DEAD_LETTER_RETENTION, QUEUE_VISIBILITY_TIMEOUT, type Processing } from './processing.ts';
import type { Search } from './search.ts';

export interface MonitoringProps {
  processing: Processing;
  api: Api;
  search: Search;
}

/** AppSync API latency, in milliseconds, above which the p90 alarm fires. */
export const API_LATENCY_P90_THRESHOLD_MS = 2000;

/**
 * GraphQL field errors in 5 minutes, over every resolver, above which the API is failing rather
 * than its users making mistakes. The count includes expected errors (NotFound for a stale id,
 * BadRequest), which the clients rarely cause since they validate input; failures of what the
 * resolvers call are alarmed on one by one (data source errors, function errors).
 */
export const API_RESOLVER_ERRORS_THRESHOLD = 10;

/** Free storage per node, as a fraction of its volume, below which the search alarm fires (AWS: 25%). */
export const SEARCH_FREE_STORAGE_FRACTION = 0.25;

/**
 * Age of the oldest dead-letter message at which a second alarm fires: SQS deletes messages when
 * the retention period ends, so this leaves three days to redrive them.
 */
export const DEAD_LETTER_AGE_THRESHOLD = Duration.days(DEAD_LETTER_RETENTION.toDays() - 3);

/**
 * How long an image that fails every delivery takes to reach the dead-letter queue: each failed
 * delivery comes back one visibility timeout after it was received.
 */
export function deadLetterDelay(maxReceiveCount: number): Duration {
  return Duration.seconds(QUEUE_VISIBILITY_TIMEOUT.toSeconds() * maxReceiveCount);
}

/**
 * One page for a failure that lasts, not for one blip: an error in at least 2 of 3 consecutive
 * 5-minute periods. A transient error retried by SQS or the client does not page anyone.
 */
const SUSTAINED = { period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 2 } as const;

interface AlarmSpec {
  id: string;
  description: string;
  metric: IMetric;
  threshold: number;
  comparison?: ComparisonOperator;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  /**
   * Event counts (errors, throttles, requests) have no data when nothing happens, which is not an
   * outage: NOT_BREACHING. A search domain reports its gauges every minute; when they are missing
   * the alarm keeps its state rather than guess (MISSING).
   */
  treatMissingData: TreatMissingData;
}

/**
 * Alarms on the pipeline, the API and the search domain, an encrypted SNS topic they notify, and
 * a dashboard. Thresholds for the domain are AWS's "Recommended CloudWatch alarms for Amazon
 * OpenSearch Service".
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { processing, api, search } = props;

    // A customer-managed key: CloudWatch cannot publish to a topic encrypted with the AWS-managed
    // aws/sns key, whose policy cannot grant it. Messages are transient, so the key need not
    // outlive the stack.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the ImageGraph alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'ImageGraph alarms', masterKey: key, enforceSSL: true });

    const fiveMinuteSum = { period: SUSTAINED.period, statistic: 'Sum' };
    const apiMetric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/AppSync',
        metricName,
        dimensionsMap: { GraphQLAPIId: api.api.apiId },
        statistic,
        period: Duration.minutes(5),
      });
    // Enhanced metrics carry a Resolver or DataSource dimension per resolver and data source: a
    // Metrics Insights query sums them for this API, whatever resolvers it has.
    const apiEnhancedSum = (metricName: string, dimension: 'Resolver' | 'DataSource', label: string) =>
      insightsSum({ namespace: 'AWS/AppSync', metricName, over: dimension, where: ['GraphQLAPIId', api.api.apiId], label });
    // The processing function's own counts, as Powertools publishes them (metric-names.ts).
    const processingCount = (metricName: string) =>
      new Metric({
        namespace: PROCESSING_METRICS.namespace,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: PROCESSING_METRICS.serviceName },
        ...fiveMinuteSum,
      });
    const fn = processing.function.fn;
    const apiFunctions = Object.entries(api.functions).map(([name, nodeFunction]) => ({ name, fn: nodeFunction.fn }));

    const metrics = {
      processingErrors: fn.metricErrors(fiveMinuteSum),
      eventsTimedOut: processingCount(OUTCOME_METRICS.timedOut),
      deadLetters: processing.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      deadLetterAge: processing.deadLetterQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      queueAge: processing.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      api5xx: apiMetric('5XXError', 'Sum'),
      apiLatencyP90: apiMetric('Latency', 'p90'),
      apiResolverErrors: apiEnhancedSum('GraphQLError', 'Resolver', 'GraphQL errors (all resolvers)'),
      apiDataSourceErrors: apiEnhancedSum('Errors', 'DataSource', 'Data source errors (all data sources)'),
      searchRed: search.domain.metricClusterStatusRed({ period: Duration.minutes(1), statistic: 'Maximum' }),
      searchYellow: search.domain.metricClusterStatusYellow({ period: Duration.minutes(1), statistic: 'Maximum' }),
      searchFreeStorage: search.domain.metricFreeStorageSpace({ period: Duration.minutes(1), statistic: 'Minimum' }),
    };

    const searchSpecs = searchAlarms(search, metrics);
    const specs: AlarmSpec[] = [
      // Unhandled failures only: per-image failures are batch item failures (even when every image
      // of a batch fails) and surface in the dead-letter queue instead.
      {
        id: 'ProcessingErrors',
        description: 'The image processing function failed whole invocations (crash, timeout, out of memory) for 10 minutes',
        metric: metrics.processingErrors,
        threshold: 1,
        ...SUSTAINED,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      // A dependency stalled (Rekognition, the search domain, S3, AppSync) until the invocation's
      // deadline abandoned the image. Each comes back after the visibility timeout and would reach
      // the dead-letter queue only after maxReceiveCount of them, so this pages well before
      // DeadLetters. EventsPostponed gets no alarm: an image not started for lack of time is the
      // normal back-pressure of a batch that runs long and comes back after 10 s as a new message,
      // its receive count afresh; one postponed 36 times (an hour or more) then takes the counted
      // path to the dead-letter queue, and DeadLetters pages then (process-image README).
      {
        id: 'EventsTimedOut',
        description: `Images were abandoned at the processing deadline because a dependency stalled, in 2 of 3 five-minute periods; they retry every ${QUEUE_VISIBILITY_TIMEOUT.toHumanString()} and reach the dead-letter queue after ${deadLetterDelay(processing.maxReceiveCount).toHumanString()}`,
        metric: metrics.eventsTimedOut,
        threshold: 1,
        ...SUSTAINED,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      {
        id: 'DeadLetters',
        description: 'Images failed processing after every retry and wait in the dead-letter queue (imagegraph redrive)',
        metric: metrics.deadLetters,
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      {
        id: 'DeadLetterAge',
        description: `Dead-letter messages are ${DEAD_LETTER_AGE_THRESHOLD.toDays()} days old; SQS deletes them at ${DEAD_LETTER_RETENTION.toDays()}: redrive them now`,
        metric: metrics.deadLetterAge,
        threshold: DEAD_LETTER_AGE_THRESHOLD.toSeconds(),
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      {
        id: 'QueueAge',
        description: 'Uploads have waited longer than two visibility timeouts: repeated retries or a processing backlog',
        metric: metrics.queueAge,
        threshold: QUEUE_VISIBILITY_TIMEOUT.toSeconds() * 2,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      {
        id: 'Api5xx',
        description: 'The GraphQL API returned server errors for 10 minutes',
        metric: metrics.api5xx,
        threshold: 1,
        ...SUSTAINED,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      {
        id: 'ApiLatency',
        description: `GraphQL p90 latency above ${API_LATENCY_P90_THRESHOLD_MS} ms for 15 minutes`,
        metric: metrics.apiLatencyP90,
        threshold: API_LATENCY_P90_THRESHOLD_MS,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      {
        id: 'ApiResolverErrors',
        description: `More than ${API_RESOLVER_ERRORS_THRESHOLD} GraphQL field errors in 5 minutes, for 10 minutes (answered as HTTP 200 with errors, which 5XXError does not count)`,
        metric: metrics.apiResolverErrors,
        threshold: API_RESOLVER_ERRORS_THRESHOLD,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...SUSTAINED,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      {
        id: 'ApiDataSourceErrors',
        description: 'AppSync data sources (the search domain, the API functions) failed requests for 10 minutes',
        metric: metrics.apiDataSourceErrors,
        threshold: 1,
        ...SUSTAINED,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      },
      ...apiFunctions.map(
        ({ name, fn: apiFunction }): AlarmSpec => ({
          id: `FunctionErrors-${name}`,
          description: `The ${name} function threw for 10 minutes (its expected failures are results, not errors)`,
          metric: apiFunction.metricErrors(fiveMinuteSum),
          threshold: 1,
          ...SUSTAINED,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...[{ name: 'process-image', fn }, ...apiFunctions].map(
        ({ name, fn: throttled }: { name: string; fn: IFunction }): AlarmSpec => ({
          id: `FunctionThrottles-${name}`,
          description: `Lambda throttled the ${name} function for 10 minutes: the account's (or its reserved) concurrency is exhausted`,
          metric: throttled.metricThrottles(fiveMinuteSum),
          threshold: 1,
          ...SUSTAINED,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...searchSpecs,
    ];

    this.alarms = specs.map(
      (spec) =>
        new Alarm(this, spec.id, {
          metric: spec.metric,
          alarmDescription: spec.description,
          threshold: spec.threshold,
          comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.datapointsToAlarm,
          treatMissingData: spec.treatMissingData,
        }),
    );
    const action = new SnsAction(this.topic);
    for (const each of this.alarms) {
      each.addAlarmAction(action);
      each.addOkAction(action);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        [
          new GraphWidget({
            title: 'API errors',
            left: [metrics.api5xx, apiMetric('4XXError', 'Sum')],
            right: [metrics.apiResolverErrors, metrics.apiDataSourceErrors],
            width: 12,
          }),
          new GraphWidget({
            title: 'API latency (ms)',
            left: [apiMetric('Latency', 'p50'), metrics.apiLatencyP90],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Processing',
            left: [
              fn.metricInvocations({ statistic: 'Sum' }),
              metrics.processingErrors,
              fn.metricThrottles({ statistic: 'Sum' }),
            ],
            right: [fn.metricDuration({ statistic: 'p90' })],
            width: 8,
          }),
          new GraphWidget({
            title: 'Images',
            left: [
              processingCount(OUTCOME_METRICS.processed),
              processingCount(OUTCOME_METRICS.deleted),
              insightsSum({
                namespace: PROCESSING_METRICS.namespace,
                metricName: OUTCOME_METRICS.failed,
                over: FAILED_REASON_DIMENSION,
                where: [SERVICE_DIMENSION, PROCESSING_METRICS.serviceName],
                label: 'Images rejected (all reasons)',
              }),
            ],
            right: [metrics.eventsTimedOut, processingCount(OUTCOME_METRICS.postponed)],
            width: 8,
          }),
          new GraphWidget({
            title: 'Queues',
            left: [processing.queue.metricApproximateNumberOfMessagesVisible(), metrics.deadLetters],
            right: [metrics.queueAge, metrics.deadLetterAge],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Search cluster',
            left: [metrics.searchRed, metrics.searchYellow],
            right: [metrics.searchFreeStorage],
            width: 24,
          }),
        ],
      ],
    });
  }
}

/**
 * A Metrics Insights sum of one metric over every value of the `over` dimension (resolvers, data
 * sources, rejection reasons), for the metrics whose other dimension has the `where` value.
 * Identifiers are quoted: names that are reserved words must be (Metrics Insights "Reserved
 * keywords"), and any may be.
 */
function insightsSum(query: {
  namespace: string;
  metricName: string;
  over: string;
  where: [dimension: string, value: string];
  label: string;
}): MathExpression {
  const { namespace, metricName, over, where: [dimension, value], label } = query;
  return new MathExpression({
    expression: `SELECT SUM("${metricName}") FROM SCHEMA("${namespace}", "${over}", "${dimension}") WHERE "${dimension}" = '${value}'`,
    usingMetrics: {},
    label,
    period: SUSTAINED.period,
  });
}

/** The domain's alarms, per AWS's recommendations, for the nodes this domain has. */
function searchAlarms(
  search: Search,
  metrics: { searchRed: IMetric; searchYellow: IMetric; searchFreeStorage: IMetric },
): AlarmSpec[] {
  const { domain, sizing } = search;
  const oneMinute = (metricName: string) => domain.metric(metricName, { period: Duration.minutes(1), statistic: 'Maximum' });
  const quarterHour = (metricName: string) => domain.metric(metricName, { period: Duration.minutes(15), statistic: 'Maximum' });
  const gauge = TreatMissingData.MISSING;
  const specs: AlarmSpec[] = [
    {
      id: 'SearchClusterRed',
      description: 'The search domain has unassigned primary shards (cluster status red)',
      metric: metrics.searchRed,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: gauge,
    },
    {
      id: 'SearchClusterYellow',
      description: 'The search domain has unassigned replica shards (cluster status yellow) for 5 minutes',
      metric: metrics.searchYellow,
      threshold: 1,
      evaluationPeriods: 5,
      treatMissingData: gauge,
    },
    {
      id: 'SearchFreeStorage',
      description: `A search node has less than ${SEARCH_FREE_STORAGE_FRACTION * 100}% of its ${sizing.volumeSizeGiB} GiB volume free`,
      metric: metrics.searchFreeStorage,
      // FreeStorageSpace is in MiB.
      threshold: sizing.volumeSizeGiB * 1024 * SEARCH_FREE_STORAGE_FRACTION,
      comparison: ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: gauge,
    },
    {
      id: 'SearchIndexWritesBlocked',
      description: 'The search domain is blocking writes (ClusterBlockException): images are not being indexed',
      metric: domain.metricClusterIndexWritesBlocked({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: gauge,
    },
    {
      id: 'SearchSnapshotFailure',
      description: 'An automated snapshot of the search domain failed',
      metric: oneMinute('AutomatedSnapshotFailure'),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: gauge,
    },
    {
      id: 'SearchCpu',
      description: 'Search data nodes above 80% CPU for 45 minutes',
      metric: quarterHour('CPUUtilization'),
      threshold: 80,
      evaluationPeriods: 3,
      treatMissingData: gauge,
    },
    {
      id: 'SearchJvmMemoryPressure',
      description: 'Search data nodes above 95% JVM memory pressure for 3 minutes: out-of-memory errors are near',
      metric: oneMinute('JVMMemoryPressure'),
      threshold: 95,
      evaluationPeriods: 3,
      treatMissingData: gauge,
    },
  ];
  // Burstable (T) instances run at a fraction of a core once their CPU credits are spent.
  if (isBurstable(sizing.instanceType)) {
    specs.push({
      id: 'SearchCpuCredits',
      description: `The ${sizing.instanceType} search nodes have spent their CPU credits for 15 minutes and run at their baseline CPU`,
      metric: domain.metric('CPUCreditBalance', { period: Duration.minutes(5), statistic: 'Minimum' }),
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: gauge,
    });
  }
  if (sizing.dedicatedMasterCount > 0) {
    specs.push(
      {
        id: 'SearchMasterCpu',
        description: 'Search master nodes above 50% CPU for 45 minutes',
        metric: quarterHour('MasterCPUUtilization'),
        threshold: 50,
        evaluationPeriods: 3,
        treatMissingData: gauge,
      },
      {
        id: 'SearchMasterJvmMemoryPressure',
        description: 'Search master nodes above 95% JVM memory pressure for 3 minutes',
        metric: oneMinute('MasterJVMMemoryPressure'),
        threshold: 95,
        evaluationPeriods: 3,
        treatMissingData: gauge,
      },
    );
  }
  return specs;
}

/** T2, T3 and T4g OpenSearch instance types earn and spend CPU credits. */
export function isBurstable(instanceType: string): boolean {
  return /^t\d/.test(instanceType);
}
