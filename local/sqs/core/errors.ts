import type { SigV4Problem } from '../../sigv4.ts';

/**
 * SQS errors as the JSON protocol carries them: the Smithy shape name in `__type`, and the
 * older query-protocol code in the `x-amzn-query-error` header, which the SDK (awsQueryCompatible)
 * reads first. Codes, statuses and messages follow what SQS returns.
 */
export class SqsError extends Error {
  constructor(
    /** The Smithy shape name (`QueueDoesNotExist`), or the bare code for errors SQS does not model. */
    readonly type: string,
    /** The query-protocol code (`AWS.SimpleQueueService.NonExistentQueue`). */
    readonly code: string,
    readonly status: number,
    message: string,
    readonly senderFault = true,
  ) {
    super(message);
    this.name = type;
  }
}

export const queueDoesNotExist = () =>
  new SqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 400, 'The specified queue does not exist.');

export const invalidParameterValue = (message: string) => new SqsError('InvalidParameterValue', 'InvalidParameterValue', 400, message);

export const missingParameter = (name: string) =>
  new SqsError('MissingParameter', 'MissingParameter', 400, `The request must contain the parameter ${name}.`);

export const receiptHandleIsInvalid = (handle: string) =>
  new SqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', 404, `The input receipt handle "${handle}" is not a valid receipt handle.`);

/** What SQS answers when a handle no longer names an in-flight receive of a live message. */
export const notAvailableForVisibilityChange = (handle: string) =>
  invalidParameterValue(
    `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
  );

export const invalidAttributeName = (name: string) => new SqsError('InvalidAttributeName', 'InvalidAttributeName', 400, `Unknown Attribute ${name}.`);

export const invalidAttributeValue = (name: string, reason: string) =>
  new SqsError('InvalidAttributeValue', 'InvalidAttributeValue', 400, `Invalid value for the parameter ${name}. Reason: ${reason}`);

export const queueNameExists = (attribute: string) =>
  new SqsError('QueueNameExists', 'QueueAlreadyExists', 400, `A queue already exists with the same name and a different value for attribute ${attribute}`);

export const emptyBatchRequest = (action: string) =>
  new SqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 400, `There should be at least one ${action}RequestEntry in the request.`);

export const tooManyEntriesInBatchRequest = (count: number) =>
  new SqsError(
    'TooManyEntriesInBatchRequest',
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    400,
    `Maximum number of entries per request are 10. You have sent ${count}.`,
  );

export const batchEntryIdsNotDistinct = (id: string) =>
  new SqsError('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400, `Id ${id} repeated.`);

export const invalidBatchEntryId = () =>
  new SqsError(
    'InvalidBatchEntryId',
    'AWS.SimpleQueueService.InvalidBatchEntryId',
    400,
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  );

export const batchRequestTooLong = (limit: number) =>
  new SqsError('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', 400, `Batch requests cannot be longer than ${limit} bytes.`);

export const unsupportedOperation = (message: string) =>
  new SqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 400, message);

export const purgeQueueInProgress = (name: string) =>
  new SqsError(
    'PurgeQueueInProgress',
    'AWS.SimpleQueueService.PurgeQueueInProgress',
    403,
    `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
  );

/**
 * How SQS refuses a request it cannot authenticate (its API reference's common errors, and what
 * it answers to a stale signature: `SignatureDoesNotMatch`, "Signature expired: … - 15 min.").
 * Not modelled in SQS's Smithy model, so the shape name is the query code itself.
 */
const AUTH_ERRORS: Record<SigV4Problem, { code: string; status: number }> = {
  missing: { code: 'MissingAuthenticationToken', status: 403 },
  incomplete: { code: 'IncompleteSignature', status: 400 },
  unknownKey: { code: 'InvalidClientTokenId', status: 403 },
  scope: { code: 'SignatureDoesNotMatch', status: 403 },
  expired: { code: 'SignatureDoesNotMatch', status: 403 },
  mismatch: { code: 'SignatureDoesNotMatch', status: 403 },
};

export const authenticationFailed = (problem: SigV4Problem, message: string) => {
  const { code, status } = AUTH_ERRORS[problem];
  return new SqsError(code, code, status, message);
};

/** SQS's answer when access is denied (here: a foreign Host or a browser's Origin). */
export const accessDenied = (message: string) => new SqsError('AccessDenied', 'AccessDenied', 403, message);
