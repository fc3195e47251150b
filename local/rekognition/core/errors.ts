/**
 * Rekognition's errors, by the names and HTTP statuses its API reference documents. The server
 * sends them as AWS JSON 1.1 error bodies ({"__type", "Code", "Message"}) with x-amzn-ErrorType,
 * which the SDK turns into its exception classes of the same names.
 */
export type RekognitionErrorType =
  | 'InvalidImageFormatException'
  | 'ImageTooLargeException'
  | 'InvalidS3ObjectException'
  | 'InvalidParameterException'
  | 'ThrottlingException'
  | 'AccessDeniedException'
  | 'InternalServerError'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException';

const STATUS: Record<RekognitionErrorType, number> = {
  InvalidImageFormatException: 400,
  ImageTooLargeException: 400,
  InvalidS3ObjectException: 400,
  InvalidParameterException: 400,
  AccessDeniedException: 400,
  UnknownOperationException: 400,
  SerializationException: 400,
  // SigV4 refusals: AWS's JSON-protocol services answer them with 400 (local/sigv4.ts).
  MissingAuthenticationTokenException: 400,
  IncompleteSignatureException: 400,
  UnrecognizedClientException: 400,
  InvalidSignatureException: 400,
  ThrottlingException: 500,
  InternalServerError: 500,
};

export class RekognitionError extends Error {
  override name = 'RekognitionError';
  readonly status: number;

  constructor(
    readonly type: RekognitionErrorType,
    message: string,
    /** Rekognition's documented status unless given (a foreign Host or Origin is refused with 403). */
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS[type];
  }
}

export const invalidParameter = (message = 'Request has invalid parameters'): RekognitionError =>
  new RekognitionError('InvalidParameterException', message);

export const invalidImageFormat = (): RekognitionError => new RekognitionError('InvalidImageFormatException', 'Request has invalid image format');

/** The shape workers send errors in (structured clone drops class identity). */
export interface ErrorData {
  type: RekognitionErrorType;
  message: string;
}

export function toErrorData(error: unknown): ErrorData {
  return error instanceof RekognitionError
    ? { type: error.type, message: error.message }
    : { type: 'InternalServerError', message: `Internal server error: ${(error as Error).message}` };
}
