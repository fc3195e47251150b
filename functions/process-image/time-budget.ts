/**
 * The invocation's time as the pipeline sees it. The Lambda timeout covers a whole SQS batch (up to
 * PROCESSING_BATCH_SIZE messages), so a message that runs long takes the others down with it: a
 * timed-out invocation returns every message of its batch to the queue. Work is therefore started
 * only while more than TIME_MARGIN_MS is left; what is not started is left for SQS to deliver again.
 * Work started in time but still running at the deadline (DEADLINE_MARGIN_MS left: its
 * dependencies stalled) is abandoned, its calls aborted, so that the handler still returns.
 */

/** Milliseconds left in this invocation: the Lambda context's getRemainingTimeInMillis, a fake clock in tests. */
export type TimeLeft = () => number;

/**
 * Kept in hand in every invocation: enough to process one more image (seconds, Rekognition
 * included) or to let the re-pointing's rewrites in flight finish, with room to spare. A quarter of
 * the function's 2 minutes, so a message started with at least this much left has time to progress.
 */
export const TIME_MARGIN_MS = 30_000;

/**
 * Left when the deadline aborts the work still running: what the handler needs after it to record
 * the abandoned event and return the batch's response (milliseconds, no I/O), with room for a
 * busy CPU. An image being analysed (sharp, not abortable) is left to finish in the background.
 */
export const DEADLINE_MARGIN_MS = 5_000;

/** How often at most the deadline reads the clock again: it follows timeLeft, not one timer set at the start. */
const DEADLINE_CHECK_MS = 1_000;

/** Whether new work may start: more than the margin is left. */
export function hasTimeToStart(timeLeft: TimeLeft): boolean {
  return timeLeft() >= TIME_MARGIN_MS;
}

/**
 * The reason the deadline aborts with. Not a TimeoutError: the AWS SDK would take that for a
 * transient failure of the call (it does not retry an aborted call in any case).
 */
export class OutOfTime extends Error {
  override name = 'OutOfTime';
}

export interface Deadline {
  /** Aborted (with OutOfTime) once less than DEADLINE_MARGIN_MS is left. */
  signal: AbortSignal;
  /** Stops watching the clock: the invocation's work is done. */
  stop: () => void;
}

/** Watches the invocation's clock; see Deadline. */
export function watchDeadline(timeLeft: TimeLeft): Deadline {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const untilDeadline = timeLeft() - DEADLINE_MARGIN_MS;
    if (untilDeadline <= 0) {
      controller.abort(new OutOfTime(`less than ${DEADLINE_MARGIN_MS} ms left in this invocation`));
      return;
    }
    timer = setTimeout(check, Math.min(untilDeadline, DEADLINE_CHECK_MS));
  };
  check();
  return { signal: controller.signal, stop: () => clearTimeout(timer) };
}

/**
 * `work`, or its abandonment: rejects with the signal's reason as soon as it aborts, whether or not
 * `work` heeds the signal (CPU work does not). A later failure of `work` is then ignored.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
