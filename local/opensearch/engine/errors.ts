import { randomBytes } from 'node:crypto';

/**
 * Java and Lucene exceptions OpenSearch renders by class name without being OpenSearchExceptions.
 * The difference shows in the shapes: such a cause is wrapped anew when OpenSearch guesses root
 * causes, so it appears once more as the top-level `caused_by` of a search failure.
 */
const NOT_OPENSEARCH_EXCEPTIONS = new Set(['illegal_argument_exception', 'too_many_clauses', 'too_many_nested_clauses', 'max_bytes_length_exceeded_exception']);

/**
 * OpenSearch's error envelope: `{ error: { root_cause: [...], type, reason, ..., caused_by }, status }`.
 * Every failure the engine reports is one of these, so clients see the shapes they parse in production.
 */
export class OpenSearchError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    /** Extra keys OpenSearch puts beside type and reason (index, line, col, ...). */
    readonly extra: Record<string, unknown> = {},
    /** The exception this one wraps, rendered as `caused_by`. */
    readonly causedBy?: OpenSearchError,
    /** root_cause, when not guessed from the chain of causes (search failures list their shards'). */
    readonly rootCauses?: readonly OpenSearchError[],
  ) {
    super(`${type}: ${reason}`);
    this.name = 'OpenSearchError';
  }

  /** type, reason and extras: a root_cause entry (OpenSearch leaves caused_by out of those). */
  summary(): Record<string, unknown> {
    return { type: this.type, reason: this.reason, ...this.extra };
  }

  /** The full rendering, with the chain of causes: error bodies, per-item failures (bulk), failed_shards. */
  detail(): Record<string, unknown> {
    return { ...this.summary(), ...(this.causedBy ? { caused_by: this.causedBy.detail() } : {}) };
  }

  toBody(): Record<string, unknown> {
    const rootCauses = this.rootCauses ?? guessRootCauses(this);
    return { error: { root_cause: rootCauses.map((cause) => cause.summary()), ...this.detail() }, status: this.status };
  }
}

const isOpenSearchException = (error: OpenSearchError) => !NOT_OPENSEARCH_EXCEPTIONS.has(error.type);

/** OpenSearchException.guessRootCauses: down the chain while the cause is itself an OpenSearchException. */
function guessRootCauses(error: OpenSearchError): OpenSearchError[] {
  const cause = error.causedBy;
  return isOpenSearchException(error) && cause && isOpenSearchException(cause) ? guessRootCauses(cause) : [error];
}

/** The id failed_shards entries name: one node, one id per process. */
const NODE_ID = randomBytes(16).toString('base64url').slice(0, 22);

/**
 * A failure of the query phase on the index's one shard, as the coordinating node reports it
 * (SearchPhaseExecutionException, "all shards failed"); its status is the shard failure's.
 */
export function shardFailure(index: string, cause: OpenSearchError): OpenSearchError {
  // The top-level cause is the guessed root cause unless it is the shard failure's own cause,
  // which OpenSearch leaves out so as not to render it twice; a Java exception's guess is a new
  // wrapper, so it stays (wrapping the exception itself).
  const causedBy = isOpenSearchException(cause) ? undefined : new OpenSearchError(cause.status, cause.type, cause.reason, cause.extra, cause);
  const failedShards = [{ shard: 0, index, node: NODE_ID, reason: cause.detail() }];
  return new OpenSearchError(
    cause.status,
    'search_phase_execution_exception',
    'all shards failed',
    { phase: 'query', grouped: true, failed_shards: failedShards },
    causedBy,
    guessRootCauses(cause),
  );
}

/**
 * A failure while the coordinating node reduces the shards' results (the fetch phase): no shard
 * failed, so root_cause and failed_shards are empty and the status is the cause's.
 */
export function reduceFailure(cause: OpenSearchError): OpenSearchError {
  return new OpenSearchError(cause.status, 'search_phase_execution_exception', '', { phase: 'fetch', grouped: true, failed_shards: [] }, cause, []);
}

/** QueryShardContext.toQuery wraps whatever building the Lucene query threw: "failed to create query: ...". */
export function queryShardException(index: { name: string; uuid: string }, cause: OpenSearchError): OpenSearchError {
  return new OpenSearchError(400, 'query_shard_exception', `failed to create query: ${cause.reason}`, { index: index.name, index_uuid: index.uuid }, cause);
}

export const indexNotFound = (index: string): OpenSearchError =>
  new OpenSearchError(404, 'index_not_found_exception', `no such index [${index}]`, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index_uuid: '_na_',
    index,
  });

/** A request construct the engine does not implement, or malformed DSL: always 400, never a guess. */
export const parsingError = (reason: string): OpenSearchError =>
  new OpenSearchError(400, 'parsing_exception', reason, { line: 1, col: 1 });

export const illegalArgument = (reason: string): OpenSearchError =>
  new OpenSearchError(400, 'illegal_argument_exception', reason);

/** A request that fails OpenSearch's validation before it runs (one reason, as OpenSearch lists them). */
export const validationFailed = (reason: string): OpenSearchError =>
  new OpenSearchError(400, 'action_request_validation_exception', `Validation Failed: 1: ${reason};`);

export const mapperParsing = (reason: string): OpenSearchError => new OpenSearchError(400, 'mapper_parsing_exception', reason);

export const versionConflict = (id: string, detail: string, index: string): OpenSearchError =>
  new OpenSearchError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, ${detail}`, {
    index,
    shard: '0',
    index_uuid: '_na_',
  });

/** A request value as error messages quote it (objects as JSON, not "[object Object]"). */
export const show = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
