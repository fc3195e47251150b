import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type CorsRule, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface StorageProps {
  /** Browser origins allowed by CORS; see ImageGraphSettings.corsOrigins for why "*" is fine. */
  corsOrigins: string[];
  /** Days an overwritten or deleted object stays recoverable before S3 deletes it for good. */
  deletedObjectRetentionDays: number;
}

/** The image bucket's CORS rule, but for its origins (a setting); local/s3 enforces the same rule. */
export const IMAGES_CORS_RULE: Readonly<Omit<CorsRule, 'allowedOrigins'>> = {
  // POST for presigned uploads, PUT for presigned PUTs, GET for presigned downloads.
  allowedMethods: [HttpMethods.POST, HttpMethods.PUT, HttpMethods.GET],
  allowedHeaders: ['*'],
  exposedHeaders: ['ETag'],
  maxAge: 3000,
};

/** The image bucket (originals, thumbnails, metadata sidecars) and its access-log bucket. */
export class Storage extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging can deliver only to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // cdk-nag's S1 accepts a bucket that is itself a log destination, so this one needs no
    // acknowledgement (logging it would log every log delivery, recursively).

    this.bucket = new Bucket(this, 'Images', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'images/',
      cors: [{ ...IMAGES_CORS_RULE, allowedOrigins: props.corsOrigins }],
      // Versioned, so that a bug or a mistaken deletion (of originals, or of the sidecars that are
      // the index's source of truth) can be undone for deletedObjectRetentionDays. After that S3
      // deletes the noncurrent versions, so deleteImage still removes a photo for good, later.
      versioned: true,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'expire-deleted-objects',
          noncurrentVersionExpiration: Duration.days(props.deletedObjectRetentionDays),
          // A delete marker whose versions have all expired is deleted too.
          expiredObjectDeleteMarker: true,
        },
      ],
      // The images, thumbnails and sidecars outlive the stack: `cdk destroy` must never delete photos.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
