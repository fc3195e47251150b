/**
 * A permanent failure: the upload itself is unusable, so retrying cannot help. The pipeline
 * records it (sidecar, index document and FAILED event with `reason`) and does not retry.
 * Anything else thrown is treated as transient and retried through SQS.
 */
export type RejectionCode =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_TYPE'
  | 'TOO_MANY_PIXELS'
  | 'CORRUPT'
  | 'VISION_REJECTED';

export class ImageRejected extends Error {
  override name = 'ImageRejected';

  constructor(
    readonly code: RejectionCode,
    /** Shown to the uploader as the failure reason: plain words, no stack traces. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The rejection of a file over the upload limit, worded the same wherever it is found. */
export function tooLarge(bytes: number, max: number): ImageRejected {
  return new ImageRejected('TOO_LARGE', `The file is ${bytes} bytes; the limit is ${max} bytes`);
}
