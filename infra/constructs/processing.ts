import { Duration } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type Bucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROCESSING_METRICS } from '../../functions/process-image/metric-names.ts';
import { ENV } from '../../functions/shared/config.ts';
import { PREFIX } from '../../functions/shared/storage-keys.ts';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import { formatMiB, LAMBDA_UNZIPPED_CODE_LIMIT_BYTES, verifySharpBundle } from '../sharp-bundle.ts';
import { type ImageGraphSettings, PROCESSING_BATCH_SIZE, PROCESSING_TIMEOUT_SECONDS } from '../stack-props.ts';
import type { Api } from './api.ts';
import { NodeFunction } from './node-function.ts';
import type { Search } from './search.ts';

export interface ProcessingProps {
  bucket: Bucket;
  search: Search;
  api: Api;
  /** Settings every function reads (bucket, limits, TTLs), by ENV name. */
  environment: Record<string, string>;
  maxReceiveCount: number;
  /** Most instances the SQS event source runs at once. */
  maxConcurrency: number;
  /** Concurrency reserved for the function (at least maxConcurrency), or none. */
  reservedConcurrency: number | undefined;
  /** Memory of the processing function, in MB. */
  memorySize: number;
  /** What the pipeline makes of every image and asks Rekognition about it. */
  pipeline: ProcessingPipelineSettings;
}

export type ProcessingPipelineSettings = Pick<
  ImageGraphSettings,
  | 'thumbnailSizes'
  | 'maxInputPixels'
  | 'minLabelConfidence'
  | 'maxLabels'
  | 'detectModeration'
  | 'detectText'
  | 'detectFaces'
>;

/**
 * The processing function's own settings by the names loadProcessingConfig reads, on top of the
 * shared ones. S3_ENDPOINT and REKOGNITION_ENDPOINT are for the local cloud and stay unset on AWS;
 * AWS_REGION is set by Lambda itself.
 */
export function processingEnvironment(
  pipeline: ProcessingPipelineSettings,
  endpoints: { searchEndpoint: string; graphqlUrl: string; queueUrl: string },
): Record<string, string> {
  return {
    [ENV.maxInputPixels]: String(pipeline.maxInputPixels),
    [ENV.thumbnailSizes]: pipeline.thumbnailSizes,
    [ENV.minLabelConfidence]: String(pipeline.minLabelConfidence),
    [ENV.maxLabels]: String(pipeline.maxLabels),
    [ENV.detectModeration]: String(pipeline.detectModeration),
    [ENV.detectText]: String(pipeline.detectText),
    [ENV.detectFaces]: String(pipeline.detectFaces),
    [ENV.searchEndpoint]: endpoints.searchEndpoint,
    [ENV.graphqlUrl]: endpoints.graphqlUrl,
    [ENV.queueUrl]: endpoints.queueUrl,
    // Powertools Metrics writes EMF log lines that CloudWatch turns into metrics, so the role needs
    // no cloudwatch:PutMetricData.
    // The same names the function gives its Logger, Tracer and Metrics in code (which take precedence).
    POWERTOOLS_SERVICE_NAME: PROCESSING_METRICS.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: PROCESSING_METRICS.namespace,
  };
}

/** Longest one batch may take (PROCESSING_TIMEOUT_SECONDS). */
export const PROCESSING_TIMEOUT = Duration.seconds(PROCESSING_TIMEOUT_SECONDS);

/** AWS's guidance for Lambda event sources: at least six times the function timeout. */
export const QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(PROCESSING_TIMEOUT.toSeconds() * 6);

/** How long failed images wait in the dead-letter queue for a redrive: SQS's maximum. */
export const DEAD_LETTER_RETENTION = Duration.days(14);


/**
 * The pipeline: S3 events for uploads/ go to a queue, the processing function consumes it,
 * indexes the result in OpenSearch and announces it through AppSync.
 */
export class Processing extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: NodeFunction;
  /** Deliveries of one message before it moves to the dead-letter queue. */
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: ProcessingProps) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount;

    // SQS-managed encryption: S3 cannot publish to a queue encrypted with the AWS-managed KMS key.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // So a message is not redelivered while throttled retries of its batch are still running.
      visibilityTimeout: QUEUE_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    // Removals too: the function deletes thumbnails, metadata and the index entry of a deleted image.
    const destination = new SqsDestination(this.queue);
    props.bucket.addEventNotification(EventType.OBJECT_CREATED, destination, { prefix: PREFIX.uploads });
    props.bucket.addEventNotification(EventType.OBJECT_REMOVED, destination, { prefix: PREFIX.uploads });

    this.function = new NodeFunction(this, 'Function', {
      entry: 'functions/process-image/index.ts',
      description: 'Makes thumbnails, reads EXIF, detects labels, indexes and announces each uploaded image',
      timeout: PROCESSING_TIMEOUT,
      memorySize: props.memorySize,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...props.environment,
        ...processingEnvironment(props.pipeline, {
          searchEndpoint: props.search.endpointUrl,
          graphqlUrl: props.api.graphqlUrl,
          // A postponed message is re-queued as a new message (SendMessage, granted below), or made
          // visible again soon (ChangeMessageVisibility, which the event source's
          // grantConsumeMessages already allows on this queue).
          queueUrl: this.queue.queueUrl,
        }),
      },
      // Native: installed by npm as the linux-arm64 build rather than bundled by esbuild.
      nodeModules: ['sharp'],
    });
    // Bundling happened just now (unless skipped): fail synth on a bundle sharp cannot load on
    // Lambda, and report its size, which the native binaries dominate.
    const bundle = this.function.bundleDirectory;
    if (bundle) {
      const report = verifySharpBundle(bundle);
      // Beside CDK's own bundling output; an annotation would land in the validation report.
      process.stderr.write(
        `${this.function.node.path}: sharp ${report.sharpVersion} for linux-arm64, ${formatMiB(report.sizeBytes)} unzipped (Lambda allows ${formatMiB(LAMBDA_UNZIPPED_CODE_LIMIT_BYTES)})\n`,
      );
    }

    this.function.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: PROCESSING_BATCH_SIZE,
        // Failed images are retried alone; the rest of the batch is not processed again.
        reportBatchItemFailures: true,
        // Derived from the Rekognition quota (processingLimits in stack-props.ts).
        maxConcurrency: props.maxConcurrency,
      }),
    );

    // Originals are read (by the function and, through it, by Rekognition); thumbnails and
    // metadata sidecars are read, written and deleted. Nothing else in the bucket.
    const role = this.function.role;
    const [uploads, thumbnails, meta] = [PREFIX.uploads, PREFIX.thumbnails, PREFIX.meta].map((prefix) =>
      props.bucket.arnForObjects(`${prefix}*`),
    ) as [string, string, string];
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [uploads, thumbnails, meta] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [thumbnails, meta] }),
    );
    // Listing finds an image's thumbnails to delete; it also makes a missing key read as
    // NoSuchKey instead of AccessDenied, which a prefix condition would not.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn] }));
    const objectWildcards: [objects: string, reason: string][] = [
      [
        uploads,
        'Reads any uploaded original under uploads/ of this one bucket; keys vary per image, so the object ARN needs a wildcard.',
      ],
      [
        thumbnails,
        'Reads, writes and deletes the thumbnails of any image under thumbnails/ of this one bucket; keys vary per image.',
      ],
      [
        meta,
        'Reads, writes and deletes the metadata sidecar of any image under meta/ of this one bucket; keys vary per image.',
      ],
    ];
    for (const [objects, reason] of objectWildcards) acknowledge(role, wildcardResourceFinding(role, objects), reason);

    const rekognition = new Policy(this, 'RekognitionPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({
          actions: [
            'rekognition:DetectLabels',
            'rekognition:DetectModerationLabels',
            'rekognition:DetectText',
            'rekognition:DetectFaces',
          ],
          resources: ['*'],
        }),
      ],
    });
    acknowledge(
      rekognition,
      'AwsSolutions-IAM5[Resource::*]',
      'Rekognition DetectLabels, DetectModerationLabels, DetectText and DetectFaces define no resource types, so IAM accepts only "*" for them.',
    );

    // Re-queues postponed messages (functions/process-image/postponed-retry.ts) on this queue only.
    // The queue is SQS-managed encrypted, so no KMS key grant comes with it (a customer key would).
    this.queue.grantSendMessages(role);

    props.search.grantHttpAccess(role);
    props.api.grantPublishImageProcessed(role);
  }
}
