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

/** Throws TOO_MANY_PIXELS, saying how large the image claims to be, when it is over the limit. */
export function refuseTooManyPixels(width: number, height: number, maxInputPixels: number): void {
  const pixels = width * height;
  if (pixels > maxInputPixels) {
    throw new ImageRejected(
      'TOO_MANY_PIXELS',
      `The image is ${width} x ${height} pixels (${megapixels(pixels)} MP); the limit is ${megapixels(maxInputPixels)} MP.`,
    );
  }
}

function megapixels(pixels: number): string {
  return (pixels / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** The decoder's message (libvips', libheif's) without loader prefixes, e.g. "premature end of JPEG image". */
export function corrupt(error: unknown): ImageRejected {
  const message = error instanceof Error ? error.message : String(error);
  const detail = (message.split('\n')[0] ?? '')
    .replace(/^Input buffer has corrupt header: /, '')
    .replace(/^\w+: /, '')
    .slice(0, 160);
  return new ImageRejected('CORRUPT', `The image is damaged or incomplete (${detail}).`);
}
