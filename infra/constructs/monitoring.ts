import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Api } from './api.ts';
import { QUEUE_VISIBILITY_TIMEOUT, type Processing } from './processing.ts';
import type { Search } from './search.ts';

export interface MonitoringProps {
  processing: Processing;
  api: Api;
  search: Search;
}

/** AppSync API latency, in milliseconds, above which the p90 alarm fires. */
export const API_LATENCY_P90_THRESHOLD_MS = 2000;

/** Alarms on the pipeline and the API, an encrypted SNS topic they notify, and a dashboard. */
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

    const apiMetric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/AppSync',
        metricName,
        dimensionsMap: { GraphQLAPIId: api.api.apiId },
        statistic,
        period: Duration.minutes(5),
      });
    const fn = processing.function.fn;

    const metrics = {
      processingErrors: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      deadLetters: processing.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      queueAge: processing.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      api5xx: apiMetric('5XXError', 'Sum'),
      apiLatencyP90: apiMetric('Latency', 'p90'),
      searchRed: search.domain.metricClusterStatusRed({ period: Duration.minutes(1) }),
    };

    const alarm = (id: string, description: string, metric: IMetric, options: Partial<AlarmOptions> = {}) =>
      new Alarm(this, id, {
        metric,
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means no traffic, not an outage.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...options,
      });
    this.alarms = [
      // Unhandled failures only: per-image failures are reported as batch item failures and
      // surface in the dead-letter queue instead.
      alarm('ProcessingErrors', 'The image processing function failed whole invocations', metrics.processingErrors),
      alarm(
        'DeadLetters',
        'Images failed processing after every retry and wait in the dead-letter queue',
        metrics.deadLetters,
      ),
      alarm(
        'QueueAge',
        'Uploads have waited longer than two visibility timeouts: repeated retries or a processing backlog',
        metrics.queueAge,
        { threshold: QUEUE_VISIBILITY_TIMEOUT.toSeconds() * 2 },
      ),
      alarm('Api5xx', 'The GraphQL API returned server errors', metrics.api5xx),
      alarm(
        'ApiLatency',
        `GraphQL p90 latency above ${API_LATENCY_P90_THRESHOLD_MS} ms for 15 minutes`,
        metrics.apiLatencyP90,
        {
          threshold: API_LATENCY_P90_THRESHOLD_MS,
          evaluationPeriods: 3,
        },
      ),
      alarm(
        'SearchClusterRed',
        'The search domain has unassigned primary shards (cluster status red)',
        metrics.searchRed,
      ),
    ];
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
            width: 12,
          }),
          new GraphWidget({
            title: 'Queues',
            left: [processing.queue.metricApproximateNumberOfMessagesVisible(), metrics.deadLetters],
            right: [metrics.queueAge],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Search cluster',
            left: [metrics.searchRed, search.domain.metricClusterStatusYellow()],
            right: [search.domain.metricFreeStorageSpace()],
            width: 24,
          }),
        ],
      ],
    });
  }
}

type AlarmOptions = ConstructorParameters<typeof Alarm>[2];
