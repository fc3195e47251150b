/**
 * Where the processing function's Powertools metrics land in CloudWatch, and what they are called.
 * The function's Metrics object (index.ts), its environment and the stack's alarms and dashboard
 * (infra/constructs/monitoring.ts) all read these, so an alarm watches exactly the metric the
 * function publishes: CloudWatch names a metric by namespace, name and its whole set of
 * dimensions, and Powertools adds the service name to every metric as the `service` dimension.
 * No imports: the CDK app loads this module.
 */
export const PROCESSING_METRICS = { namespace: 'ImageGraph', serviceName: 'process-image' } as const;

/** The dimension Powertools names the service by, on every metric. */
export const SERVICE_DIMENSION = 'service';

/** The counts recordOutcome (observability.ts) publishes, by outcome. */
export const OUTCOME_METRICS = {
  processed: 'ImagesProcessed',
  /** With a `reason` dimension (FAILED_REASON_DIMENSION) besides `service`. */
  failed: 'ImagesFailed',
  deleted: 'ImagesDeleted',
  copiesRepointed: 'CopiesRepointed',
  postponed: 'EventsPostponed',
  timedOut: 'EventsTimedOut',
  skipped: 'EventsSkipped',
} as const;

/** The dimension ImagesFailed carries the rejection's code in. */
export const FAILED_REASON_DIMENSION = 'reason';
