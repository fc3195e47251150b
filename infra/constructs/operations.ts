import { Duration } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PREFIX } from '../../functions/shared/storage-keys.ts';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import type { Processing } from './processing.ts';
import type { Search } from './search.ts';

export interface OperationsProps {
  bucket: Bucket;
  processing: Processing;
  search: Search;
}

/**
 * The role the `imagegraph` operations commands run as on AWS: reindex (reads the metadata
 * sidecars, writes the search index), reconcile (lists originals and sidecars, queues the missing)
 * and redrive (moves dead letters back). The search domain admits only this role and the two the
 * pipeline uses, so an operator assumes it rather than using their own credentials. Principals of
 * this account may assume it when their own policies allow sts:AssumeRole on it.
 */
export class Operations extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new AccountRootPrincipal(),
      description: 'Runs the imagegraph reindex, reconcile and redrive commands',
      maxSessionDuration: Duration.hours(4),
    });

    const { bucket, processing, search } = props;
    const sidecars = bucket.arnForObjects(`${PREFIX.meta}*`);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${PREFIX.uploads}*`, `${PREFIX.meta}*`] } },
      }),
    );
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [sidecars] }));
    acknowledge(
      this.role,
      wildcardResourceFinding(this.role, sidecars),
      'reindex reads every metadata sidecar under meta/ of this one bucket; keys vary per image, so the object ARN needs a wildcard.',
    );
    processing.queue.grantSendMessages(this.role);
    processing.deadLetterQueue.grantConsumeMessages(this.role);
    search.grantHttpAccess(this.role);
  }
}
