import { CfnOutput, Lazy, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV } from '../functions/shared/config.ts';
import { Api } from './constructs/api.ts';
import { Auth } from './constructs/auth.ts';
import { ApiFirewall } from './constructs/firewall.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Operations } from './constructs/operations.ts';
import { Processing } from './constructs/processing.ts';
import { Search } from './constructs/search.ts';
import { Storage } from './constructs/storage.ts';
import { DEV_SERVER_ORIGINS, imagesBucketName, WebHosting, webAssetsDir } from './constructs/web-hosting.ts';
import { clientConfigFromOutputs } from '../client/src/api/config.ts';
import { acknowledge } from './nag.ts';
import type { ResolverBundle } from './resolver-bundles.ts';
import { OUTPUT_KEYS, type OutputKey } from './stack-outputs.ts';
import { type ImageGraphSettings, type ImageGraphStackProps, processingLimits, resolveSettings, signedApiRateLimitPer5Minutes } from './stack-props.ts';

export interface ImageGraphStackOptions extends ImageGraphStackProps {
  /** Pre-bundled resolver code (tests); bundled from resolvers/ when omitted. */
  resolvers?: ResolverBundle[];
  /** The built web app to host; `dist/web` (npm run web:build), or a placeholder page without it. */
  webAssetsDir?: string;
}

/**
 * ImageGraph on AWS: Cognito sign-in, an S3 bucket for images, an SQS-fed processing Lambda,
 * OpenSearch for search and an AppSync GraphQL API in front, with alarms and a dashboard.
 */
export class ImageGraphStack extends Stack {
  readonly settings: ImageGraphSettings;
  readonly auth: Auth;
  readonly storage: Storage;
  readonly search: Search;
  readonly api: Api;
  readonly processing: Processing;
  readonly operations: Operations;
  readonly firewall: ApiFirewall | undefined;
  readonly monitoring: Monitoring;
  readonly web: WebHosting;

  constructor(scope: Construct, id: string, props: ImageGraphStackOptions = {}) {
    super(scope, id, props);
    const settings = resolveSettings(props);
    this.settings = settings;

    this.auth = new Auth(this, 'Auth', { threatProtection: settings.threatProtection });
    // The hosted web app's origin is known only once the distribution exists (below).
    const webOrigin = Lazy.string({ produce: () => this.web.url });
    this.storage = new Storage(this, 'Storage', {
      corsOrigins: settings.corsOrigins ?? [webOrigin, ...DEV_SERVER_ORIGINS],
      deletedObjectRetentionDays: settings.deletedObjectRetentionDays,
      bucketName: imagesBucketName(this),
    });
    this.search = new Search(this, 'Search', {
      instanceType: settings.searchInstanceType,
      instanceCount: settings.searchInstanceCount,
      availabilityZones: settings.searchAvailabilityZones,
      dedicatedMasterCount: settings.searchDedicatedMasterCount,
      dedicatedMasterType: settings.searchDedicatedMasterType,
      volumeSizeGiB: settings.searchVolumeSizeGiB,
    });

    // What every function reads through loadConfig(), by the names the functions define.
    const environment: Record<string, string> = {
      [ENV.bucket]: this.storage.bucket.bucketName,
      [ENV.maxUploadBytes]: String(settings.maxUploadBytes),
      [ENV.uploadUrlTtlSeconds]: String(settings.uploadUrlTtlSeconds),
      [ENV.downloadUrlTtlSeconds]: String(settings.downloadUrlTtlSeconds),
    };

    this.api = new Api(this, 'Api', {
      userPool: this.auth.userPool,
      userPoolClient: this.auth.userPoolClient,
      bucket: this.storage.bucket,
      search: this.search,
      environment,
      fieldLogLevel: settings.apiFieldLogLevel,
      queryLimits: settings,
      resolvers: props.resolvers,
    });
    this.firewall = settings.apiFirewall
      ? new ApiFirewall(this, 'ApiFirewall', {
          api: this.api.api,
          rateLimitPer5Minutes: settings.apiRateLimitPer5Minutes,
          signedRateLimitPer5Minutes: signedApiRateLimitPer5Minutes(settings),
        })
      : undefined;
    const limits = processingLimits(settings);
    this.processing = new Processing(this, 'Processing', {
      bucket: this.storage.bucket,
      search: this.search,
      api: this.api,
      environment,
      maxReceiveCount: settings.maxReceiveCount,
      maxConcurrency: limits.maxConcurrency,
      reservedConcurrency: limits.reservedConcurrency,
      memorySize: settings.processingMemoryMiB,
      pipeline: settings,
    });
    this.operations = new Operations(this, 'Operations', {
      bucket: this.storage.bucket,
      processing: this.processing,
      search: this.search,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      processing: this.processing,
      api: this.api,
      search: this.search,
    });

    this.acknowledgeBucketNotificationsHandler();

    const outputs: Record<Exclude<OutputKey, typeof OUTPUT_KEYS.webUrl>, { value: string; description: string }> = {
      [OUTPUT_KEYS.graphqlUrl]: { value: this.api.graphqlUrl, description: 'AppSync GraphQL endpoint' },
      [OUTPUT_KEYS.realtimeUrl]: {
        value: this.api.realtimeUrl,
        description: 'AppSync real-time (subscriptions) endpoint',
      },
      [OUTPUT_KEYS.region]: { value: this.region, description: 'Region of every resource' },
      [OUTPUT_KEYS.userPoolId]: { value: this.auth.userPool.userPoolId, description: 'Cognito user pool' },
      [OUTPUT_KEYS.userPoolClientId]: {
        value: this.auth.userPoolClient.userPoolClientId,
        description: 'Cognito app client',
      },
      [OUTPUT_KEYS.bucketName]: { value: this.storage.bucket.bucketName, description: 'Image bucket' },
      [OUTPUT_KEYS.queueUrl]: {
        value: this.processing.queue.queueUrl,
        description: 'Processing queue, fed by S3 events (imagegraph reindex/reconcile)',
      },
      [OUTPUT_KEYS.deadLetterQueueUrl]: {
        value: this.processing.deadLetterQueue.queueUrl,
        description: 'Messages that failed processing (imagegraph redrive)',
      },
      [OUTPUT_KEYS.searchEndpoint]: { value: this.search.endpointUrl, description: 'OpenSearch domain endpoint URL' },
      [OUTPUT_KEYS.alarmTopicArn]: {
        value: this.monitoring.topic.topicArn,
        description: 'Subscribe to receive alarms',
      },
      [OUTPUT_KEYS.operationsRoleArn]: {
        value: this.operations.role.roleArn,
        description: 'Assume it to run imagegraph reindex, reconcile and redrive',
      },
    };
    this.web = new WebHosting(this, 'Web', {
      assetsDir: props.webAssetsDir ?? webAssetsDir(this),
      // The web app's /config.json, from these outputs by the function the dev server uses.
      clientConfig: clientConfigFromOutputs(Object.fromEntries(Object.entries(outputs).map(([key, { value }]) => [key, value]))),
      imagesBucketName: imagesBucketName(this),
      accessLogsBucket: this.storage.accessLogsBucket,
    });
    const allOutputs: Record<OutputKey, { value: string; description: string }> = {
      ...outputs,
      [OUTPUT_KEYS.webUrl]: { value: this.web.url, description: 'The web app (CloudFront)' },
    };
    for (const [key, output] of Object.entries(allOutputs)) new CfnOutput(this, key, output);
  }

  /**
   * S3 bucket notifications are applied by a CDK-provided singleton Lambda at the stack root; its
   * role is CDK's, not ours to change.
   */
  private acknowledgeBucketNotificationsHandler(): void {
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (!handler) return;
    acknowledge(
      handler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's bucket-notifications custom resource Lambda uses AWSLambdaBasicExecutionRole for its own logs; it runs only during deployments.",
    );
  }
}
