/**
 * The OPENSEARCH data source: the request object ({ operation, path, params: { headers,
 * queryString, body } }) becomes one HTTP request to the domain, and the parsed response body is
 * `ctx.result`. Real domains (https) get SigV4 for service `es`; the local engine (http) is called as is.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import type { DataSourceOutcome } from './types.ts';

export interface OpenSearchRequestObject {
  operation: string;
  path: string;
  params?: { headers?: Record<string, string>; queryString?: Record<string, string>; body?: unknown };
}

export interface OpenSearchDataSourceOptions {
  endpoint: string;
  region: string;
  /** For https domains; required there. */
  credentials?: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  fetch?: typeof fetch;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'HEAD', 'DELETE']);

export function openSearchDataSource(options: OpenSearchDataSourceOptions): (request: unknown) => Promise<DataSourceOutcome> {
  const base = new URL(options.endpoint);
  const doFetch = options.fetch ?? fetch;
  const signer =
    base.protocol === 'https:'
      ? new SignatureV4({
          service: 'es',
          region: options.region,
          sha256: Sha256,
          credentials: options.credentials ?? (() => Promise.reject(new Error('OPENSEARCH data source: https endpoint needs credentials'))),
        })
      : undefined;
  return async (raw) => {
    const request = raw as OpenSearchRequestObject;
    if (!request || typeof request.path !== 'string' || !METHODS.has(String(request.operation))) {
      return { error: { type: 'BadRequest', message: 'The OpenSearch request needs operation (GET, POST, PUT, HEAD or DELETE) and path' } };
    }
    const params = request.params ?? {};
    const url = new URL(request.path.startsWith('/') ? request.path : `/${request.path}`, base);
    for (const [key, value] of Object.entries(params.queryString ?? {})) url.searchParams.set(key, String(value));
    const body = params.body === undefined ? undefined : JSON.stringify(params.body);
    let headers: Record<string, string> = { 'content-type': 'application/json', ...(params.headers ?? {}), host: url.host };
    if (signer) {
      const query = Object.fromEntries(url.searchParams);
      const signed = await signer.sign({ method: request.operation, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query, headers, body });
      headers = signed.headers;
    }
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
