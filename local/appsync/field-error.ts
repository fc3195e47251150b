/**
 * GraphQL errors in AppSync's response format: every error carries path, data, errorType,
 * errorInfo, locations (with sourceName) and message; a field error leaves the rest of the data.
 */
import type { GraphQLError } from 'graphql';
import type { ResolverError } from './runtime/evaluation.ts';

export interface AppSyncGraphQLError {
  path: (string | number)[] | null;
  data: unknown;
  errorType: string | null;
  errorInfo: unknown;
  locations: { line: number; column: number; sourceName: null }[];
  message: string;
}

/** Thrown by field resolution; graphql-js attaches path and locations. */
export class FieldError extends Error {
  constructor(readonly detail: ResolverError) {
    super(detail.message);
    this.name = 'FieldError';
  }
}

export const unauthorizedField = (fieldName: string, typeName: string) =>
  new FieldError({ message: `Not Authorized to access ${fieldName} on type ${typeName}`, errorType: 'Unauthorized' });

export function toAppSyncError(error: GraphQLError): AppSyncGraphQLError {
  const original = error.originalError;
  const detail: ResolverError | undefined =
    original instanceof FieldError ? original.detail : (error.extensions?.appsync as ResolverError | undefined);
  return {
    path: error.path ? [...error.path] : null,
    data: detail?.data ?? null,
    errorType: detail?.errorType ?? (error.path ? null : 'ValidationError'),
    errorInfo: detail?.errorInfo ?? null,
    locations: (error.locations ?? []).map((l) => ({ line: l.line, column: l.column, sourceName: null })),
    message: detail?.message ?? error.message,
  };
}

/** An appended error (util.appendError) at a field's path. */
export function appendedError(detail: ResolverError, path: (string | number)[], locations: AppSyncGraphQLError['locations']): AppSyncGraphQLError {
  return { path, data: detail.data ?? null, errorType: detail.errorType ?? null, errorInfo: detail.errorInfo ?? null, locations, message: detail.message };
}
