import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadProcessingConfig } from '../shared/config.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { parseKey } from '../shared/storage-keys.ts';
import { analyzeImage } from './analysis/analyze-image.ts';
import { ImageEventPublisher } from './image-event-publisher.ts';
import { ImageIndex, createSearchClient } from './image-index.ts';
import { createRekognitionClient, detectImageContent } from './image-vision.ts';
import { PROCESSING_METRICS } from './metric-names.ts';
import { recordOutcome, tracedSteps } from './observability.ts';
import { handleObjectEvent, type Outcome, type PipelineDeps } from './pipeline.ts';
import { createQueueClient, postpone, postponementLog } from './postponed-retry.ts';
import { objectEventsOf } from './s3-events.ts';
import { untilAborted, watchDeadline } from './time-budget.ts';

const { serviceName } = PROCESSING_METRICS;
const logger = new Logger({ serviceName });
const metrics = new Metrics(PROCESSING_METRICS);
const tracer = new Tracer({ serviceName });
const config = loadProcessingConfig();
const s3 = tracer.captureAWSv3Client(createS3Client(config));
const rekognition = tracer.captureAWSv3Client(createRekognitionClient(config));
const queue = tracer.captureAWSv3Client(createQueueClient(config));
const index = new ImageIndex(createSearchClient(config));
const publisher = new ImageEventPublisher({ graphqlUrl: config.graphqlUrl, region: config.region, timeoutMs: config.graphqlTimeoutMs });
// Once per container; a failed attempt is retried by the next batch.
let indexReady: Promise<void> | undefined;

/** Everything but the invocation's clock and deadline, which come with each invocation (see handler). */
const deps: Omit<PipelineDeps, 'timeLeft' | 'signal' | 'index'> = {
  s3,
  config,
  analyze: (bytes) => analyzeImage(bytes, { maxInputPixels: config.maxInputPixels, thumbnails: config.thumbnails }),
  detect: (image, signal) => detectImageContent(rekognition, image, config, signal),
  publish: (event, signal) => publisher.publish(event, signal),
  now: () => new Date(),
  step: tracedSteps(tracer, metrics),
};

/** The pipeline's deps for one invocation, with the whole index (ensureIndex too). */
type InvocationDeps = PipelineDeps & { index: ImageIndex };

/**
 * One SQS message: its S3 events in order. Throwing marks just this message as failed, so SQS
 * retries it (and, after maxReceiveCount, moves it to the dead-letter queue) and nothing else.
 * A postponed event (out of the invocation's time) is recorded and its message re-queued as a new
 * one that comes back soon, the original then counting as done; when that cannot be done, it is
 * thrown after its message is set to come back soon (postponed-retry.ts).
 * `invocation.signal` aborts what is still running at the invocation's deadline (time-budget.ts).
 */
async function processMessage(record: SQSRecord, invocation: InvocationDeps): Promise<void> {
  const deadline = invocation.signal;
  indexReady ??= invocation.index.ensureIndex().catch((error: unknown) => {
    indexReady = undefined;
    throw error;
  });
  try {
    await untilAborted(indexReady, deadline);
  } catch (error) {
    // A container that starts while the search engine is down fails here, before any event.
    logger.error('Search index not ready; SQS will retry the message', error as Error);
    throw error;
  }
  for (const event of objectEventsOf(record.body)) {
    const eventLogger = logger.createChild({ persistentKeys: { key: event.key, event: event.kind } });
    const imageId = parseKey(event.key)?.imageId;
    if (imageId) eventLogger.setCorrelationId(imageId);
    let outcome: Outcome;
    try {
      outcome = await handleObjectEvent(invocation, event);
    } catch (error) {
      eventLogger.error('Event failed; SQS will retry it', error as Error);
      throw error;
    }
    recordOutcome(metrics, eventLogger, outcome);
    if (outcome.result === 'postponed') {
      const postponement = await postpone(queue, config.queueUrl, record, deadline);
      const log = postponementLog(postponement);
      eventLogger[log.level](log.message, log.attributes);
      // A copy is on the queue: done with the original, which the event source then deletes.
      if (postponement.path === 'requeued') return;
      throw new Error(`Postponed: ${outcome.why}`);
    }
    // Like a failure: it met a stalled dependency, so it comes back after the visibility timeout.
    if (outcome.result === 'timedOut') throw new Error('Abandoned at the invocation\'s deadline');
  }
}

const processor = new BatchProcessor(EventType.SQS);

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  const timeLeft = () => context.getRemainingTimeInMillis();
  const deadline = watchDeadline(timeLeft);
  const invocation: InvocationDeps = { ...deps, index: index.abortingOn(deadline.signal), timeLeft, signal: deadline.signal };
  try {
    // In order, not in parallel: a duplicate delivery in the same batch then finds the first one's
    // sidecar instead of racing it, and sharp is CPU-bound on a Lambda's fraction of a core anyway.
    // A batch whose every message failed is still a partial response, not a thrown
    // FullBatchFailureError: at low traffic a batch is one message, and one Rekognition throttle
    // would otherwise count as a Lambda error and page someone. SQS retries the messages either way.
    return await processPartialResponse(event, (record: SQSRecord) => processMessage(record, invocation), processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  } finally {
    deadline.stop();
    metrics.publishStoredMetrics();
  }
}
