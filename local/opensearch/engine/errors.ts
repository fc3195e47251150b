/**
 * OpenSearch's error envelope: `{ error: { root_cause: [...], type, reason, ... }, status }`.
 * Every failure the engine reports is one of these, so clients see the shapes they parse in production.
 */
export class OpenSearchError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    /** Extra keys OpenSearch puts beside type and reason (index, line, col, ...). */
    readonly extra: Record<string, unknown> = {},
    /** When OpenSearch wraps the failure (search_phase_execution_exception), the underlying one. */
    readonly rootCause?: OpenSearchError,
  ) {
    super(`${type}: ${reason}`);
    this.name = 'OpenSearchError';
  }

  /** The body of a per-item failure (bulk items) and of root_cause entries. */
  detail(): Record<string, unknown> {
    return { type: this.type, reason: this.reason, ...this.extra };
  }

  toBody(): Record<string, unknown> {
    return { error: { root_cause: [(this.rootCause ?? this).detail()], ...this.detail() }, status: this.status };
  }
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
