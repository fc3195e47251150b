/**
 * The invocation's time as the pipeline sees it. The Lambda timeout covers a whole SQS batch (up to
 * PROCESSING_BATCH_SIZE messages), so a message that runs long takes the others down with it: a
 * timed-out invocation returns every message of its batch to the queue. Work is therefore started
 * only while more than TIME_MARGIN_MS is left; what is not started is left for SQS to deliver again.
 */

/** Milliseconds left in this invocation: the Lambda context's getRemainingTimeInMillis, a fake clock in tests. */
export type TimeLeft = () => number;

/**
 * Kept in hand in every invocation: enough to process one more image (seconds, Rekognition
 * included) or to let the re-pointing's rewrites in flight finish, with room to spare. A quarter of
 * the function's 2 minutes, so a message started with at least this much left has time to progress.
 */
export const TIME_MARGIN_MS = 30_000;

/** Whether new work may start: more than the margin is left. */
export function hasTimeToStart(timeLeft: TimeLeft): boolean {
  return timeLeft() >= TIME_MARGIN_MS;
}
