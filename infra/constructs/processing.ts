import { Duration } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type Bucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/shared/config.ts';
import { PREFIX } from '../../functions/shared/storage-keys.ts';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
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
  maxConcurrency: number;
}

/** Longest one batch may take: up to 10 images, each resized and sent to Rekognition four times. */
export const PROCESSING_TIMEOUT = Duration.minutes(2);

/** AWS's guidance for Lambda event sources: at least six times the function timeout. */
export const QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(PROCESSING_TIMEOUT.toSeconds() * 6);

/** Messages per invocation: the most an SQS event source takes without a batching window. */
export const PROCESSING_BATCH_SIZE = 10;

/**
 * The pipeline: S3 events for uploads/ go to a queue, the processing function consumes it,
 * indexes the result in OpenSearch and announces it through AppSync.
 */
export class Processing extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: NodeFunction;

  constructor(scope: Construct, id: string, props: ProcessingProps) {
    super(scope, id);

    // SQS-managed encryption: S3 cannot publish to a queue encrypted with the AWS-managed KMS key.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
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
      // Image decoding is CPU-bound; 2 GB buys more than one vCPU.
      memorySize: 2048,
      environment: {
        ...props.environment,
        [ENV.searchEndpoint]: `https://${props.search.domain.domainEndpoint}`,
        [ENV.graphqlUrl]: props.api.graphqlUrl,
      },
    });
    this.function.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: PROCESSING_BATCH_SIZE,
        // Failed images are retried alone; the rest of the batch is not processed again.
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );

    const role = this.function.role;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [props.bucket.arnForObjects('*')],
      }),
    );
    // Without ListBucket a missing key reads as AccessDenied instead of NoSuchKey.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn] }));
    acknowledge(
      role,
      wildcardResourceFinding(role, props.bucket.arnForObjects('*')),
      'The pipeline reads originals under uploads/ and writes and deletes thumbnails/ and meta/ objects of any image; object ARNs need a key wildcard, limited to this one bucket.',
    );

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

    props.search.grantHttpAccess(role);
    props.api.grantPublishImageProcessed(role);
  }
}
