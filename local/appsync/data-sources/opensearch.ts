/**
 * The OPENSEARCH data source: the request object ({ operation, path, params: { headers,
 * queryString, body } }) becomes one HTTP request to the domain, and the parsed response body is
 * `ctx.result`. Every request is signed with SigV4 for service `es`, as AppSync signs with its data
 * source role: a domain with IAM access requires it, and so does the local engine.
 */
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { signedHeaders } from '../../sigv4.ts';
import type { DataSourceOutcome } from './types.ts';

export interface OpenSearchRequestObject {
  operation: string;
  path: string;
  params?: { headers?: Record<string, string>; queryString?: Record<string, string>; body?: unknown };
}

export interface OpenSearchDataSourceOptions {
  endpoint: string;
  region: string;
  /** What requests are signed with (AppSync's data source role on AWS). */
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  fetch?: typeof fetch;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'HEAD', 'DELETE']);

export function openSearchDataSource(options: OpenSearchDataSourceOptions): (request: unknown) => Promise<DataSourceOutcome> {
  const base = new URL(options.endpoint);
  const doFetch = options.fetch ?? fetch;
  const signing = { service: 'es', region: options.region, credentials: options.credentials };
  return async (raw) => {
    const request = raw as OpenSearchRequestObject;
    if (!request || typeof request.path !== 'string' || !METHODS.has(String(request.operation))) {
      return { error: { type: 'BadRequest', message: 'The OpenSearch request needs operation (GET, POST, PUT, HEAD or DELETE) and path' } };
    }
    const params = request.params ?? {};
    const url = new URL(request.path.startsWith('/') ? request.path : `/${request.path}`, base);
    for (const [key, value] of Object.entries(params.queryString ?? {})) url.searchParams.set(key, String(value));
    const body = params.body === undefined ? undefined : JSON.stringify(params.body);
    const headers = await signedHeaders(url, { method: request.operation, headers: { 'content-type': 'application/json', ...(params.headers ?? {}) }, body }, signing);
    let response: Response;
    try {
      response = await doFetch(url, { method: request.operation, headers, body });
    } catch (error) {
      return { error: { type: 'OpenSearch:ConnectionError', message: `Could not reach ${base.origin}: ${(error as Error).message}` } };
    }
    const text = await response.text();
    if (!response.ok) {
      return { error: { type: `OpenSearch:${response.status}`, message: text || response.statusText } };
    }
    try {
      return { result: text ? (JSON.parse(text) as unknown) : null };
    } catch {
      return { error: { type: 'OpenSearch:InvalidResponse', message: `Not JSON: ${text.slice(0, 200)}` } };
    }
  };
}
