import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { FAILED_REASON_DIMENSION, OUTCOME_METRICS } from './metric-names.ts';
import type { Outcome, StepRunner } from './pipeline.ts';
import { MAX_REPOINTED_IMAGES } from './repoint-copies.ts';

/**
 * Each pipeline step as an X-Ray subsegment and a duration metric (as the workshop traced its
 * steps). Subsegments hang off the invocation's segment without becoming current, because records
 * of a batch run concurrently.
 */
export function tracedSteps(tracer: Tracer, metrics: Metrics): StepRunner {
  return async (name, work) => {
    const subsegment = tracer.getSegment()?.addNewSubsegment(`### ${name}`);
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      subsegment?.addError(error as Error);
      throw error;
    } finally {
      subsegment?.close();
      metrics.addMetric(`${name}Duration`, MetricUnit.Milliseconds, performance.now() - started);
    }
  };
}

/** Counts and logs what became of one event. */
export function recordOutcome(metrics: Metrics, logger: Logger, outcome: Outcome): void {
  switch (outcome.result) {
    case 'processed':
      metrics.addMetric(OUTCOME_METRICS.processed, MetricUnit.Count, 1);
      logger.info('Image processed');
      return;
    case 'failed': {
      // Per reason, in its own metric set: dimensions apply to every metric they are published with.
      const failed = metrics.singleMetric();
      failed.addDimension(FAILED_REASON_DIMENSION, outcome.code);
      failed.addMetric(OUTCOME_METRICS.failed, MetricUnit.Count, 1);
      logger.warn('Image rejected', { code: outcome.code, reason: outcome.reason });
      return;
    }
    case 'deleted':
      metrics.addMetric(OUTCOME_METRICS.deleted, MetricUnit.Count, 1);
      metrics.addMetric(OUTCOME_METRICS.copiesRepointed, MetricUnit.Count, outcome.copies.repointed);
      logger.info('Image deleted', { repointedCopies: outcome.copies.repointed });
      if (outcome.copies.capped) {
        logger.warn(`More than ${MAX_REPOINTED_IMAGES} images pointed at the deleted image: the later ones still do`, { repointedCopies: outcome.copies.repointed });
      }
      return;
    case 'postponed':
      // The copies re-pointed so far stay re-pointed; the redelivery continues from there.
      metrics.addMetric(OUTCOME_METRICS.postponed, MetricUnit.Count, 1);
      metrics.addMetric(OUTCOME_METRICS.copiesRepointed, MetricUnit.Count, outcome.repointed);
      logger.warn('Out of time in this invocation: SQS will deliver the event again', { why: outcome.why, repointedCopies: outcome.repointed });
      return;
    case 'timedOut':
      // Its calls were aborted; what it wrote is kept or redone by the redelivery (README).
      metrics.addMetric(OUTCOME_METRICS.timedOut, MetricUnit.Count, 1);
      logger.warn('Still running at the invocation\'s deadline: abandoned; SQS will deliver the event again');
      return;
    case 'skipped':
      metrics.addMetric(OUTCOME_METRICS.skipped, MetricUnit.Count, 1);
      logger.info('Event skipped', { why: outcome.why });
  }
}
