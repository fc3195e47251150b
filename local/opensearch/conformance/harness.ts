/**
 * Where the conformance suite runs. `npm test` runs every file twice (vitest.config.ts): in the
 * `local` project against the local engine (local/opensearch/start.ts), started on a temporary
 * data directory for each test file, and in the `opensearch-oracle` project against the real
 * OpenSearch that local/opensearch/oracle starts, so each case holds on both or fails. Outside
 * that project OPENSEARCH_URL points the suite at another cluster. Requests go through the real @opensearch-project/opensearch client; `raw` is plain fetch,
 * for checking the exact shape of error responses. The local engine takes only SigV4-signed
 * requests (service `es`), as a domain with IAM access does, so both sign for it.
 *
 * Against a real cluster every index name carries a per-run prefix and is deleted afterwards, so
 * the suite can share a cluster with other data.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { createSearchClient } from '../../../functions/process-image/image-index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../config.ts';
import { type KeyPair, signedHeaders } from '../../sigv4.ts';

/** The contract of local/opensearch/start.ts. */
export interface SearchEngine {
  url: string;
  close(): Promise<void>;
}
type StartSearchEngine = (options: { dataDir: string; port: number; auth: { credentials: KeyPair; region: string } }) => Promise<SearchEngine>;

export const ENGINE_START = fileURLToPath(new URL('../start.ts', import.meta.url));

/**
 * The local engine's start function. Imported by path rather than statically so that a missing
 * engine fails with this message instead of a module resolution error.
 */
export async function loadStartSearchEngine(): Promise<StartSearchEngine> {
  if (!existsSync(ENGINE_START)) {
    throw new Error(`The local search engine is not there yet: ${ENGINE_START} does not exist (set OPENSEARCH_URL to run against a real OpenSearch).`);
  }
  const module = (await import(pathToFileURL(ENGINE_START).href)) as { startSearchEngine?: unknown };
  if (typeof module.startSearchEngine !== 'function') {
    throw new Error(`${ENGINE_START} does not export startSearchEngine({ dataDir, port }).`);
  }
  return module.startSearchEngine as StartSearchEngine;
}

export interface Target {
  kind: 'opensearch' | 'local';
  url: string;
  client: Client;
  /** The headers of a raw request: signed for the local engine, as given for a cluster reached by URL. */
  authorize(method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<Record<string, string>>;
  /** A unique index name for this run; created indexes are deleted when the file ends. */
  indexName: (name: string) => string;
  close(): Promise<void>;
}

const RUN_ID = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function openTarget(): Promise<Target> {
  const remote = inject('opensearchOracleUrl') ?? process.env.OPENSEARCH_URL;
  const names: string[] = [];
  const indexName = (name: string) => {
    const full = `conformance-${RUN_ID}-${name}`.toLowerCase();
    names.push(full);
    return full;
  };
  if (remote) {
    const client = new Client({ node: remote });
    return {
      kind: 'opensearch',
      url: remote.replace(/\/$/, ''),
      client,
      authorize: (_method, _url, headers) => Promise.resolve(headers),
      indexName,
      async close() {
        for (const name of names) {
          await client.indices.delete({ index: name }, { ignore: [404] });
        }
        await client.close();
      },
    };
  }
  const startSearchEngine = await loadStartSearchEngine();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'opensearch-conformance-'));
  const engine = await startSearchEngine({ dataDir, port: 0, auth: { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION } });
  const client = createSearchClient({ searchEndpoint: engine.url, region: LOCAL_REGION }, LOCAL_CREDENTIALS);
  return {
    kind: 'local',
    url: engine.url.replace(/\/$/, ''),
    client,
    authorize: (method, url, headers, body) => signedHeaders(url, { method, headers, body }, { service: 'es', region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
    indexName,
    async close() {
      await client.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens the target before the file's tests and closes it after; read `target()` inside tests. */
export function useTarget(): () => Target {
  let target: Target | undefined;
  beforeAll(async () => {
    target = await openTarget();
  }, 60_000);
  afterAll(async () => {
    await target?.close();
  }, 60_000);
  return () => {
    if (!target) throw new Error('the search target is not open (beforeAll failed)');
    return target;
  };
}

export type Json = Record<string, unknown>;

/** Search bodies in the suite are plain JSON: some are deliberately invalid, so the client's types are bypassed here. */
export async function search(target: Target, index: string, body: Json): Promise<SearchResult> {
  const response = await target.client.search({ index, body });
  return response.body as unknown as SearchResult;
}

export interface SearchHit {
  _id: string;
  _score: number | null;
  _source?: Json;
  sort?: (string | number | null)[];
}

export interface SearchResult {
  hits: { total?: { value: number; relation: string }; max_score?: number | null; hits: SearchHit[] };
  aggregations?: Record<string, Json & { buckets?: Bucket[]; value?: number | null; value_as_string?: string }>;
}

export interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
}

/** Creates an index (with refresh on every write below, documents are searchable at once). */
export async function createIndex(target: Target, index: string, body: Json): Promise<void> {
  await target.client.indices.create({ index, body });
}

/** Indexes documents through _bulk and refreshes, failing loudly when any item failed. */
export async function loadDocuments(target: Target, index: string, docs: Record<string, Json>): Promise<void> {
  const body = Object.entries(docs).flatMap(([id, doc]) => [{ index: { _index: index, _id: id } }, doc]);
  if (body.length === 0) return;
  const response = await target.client.bulk({ body, refresh: 'true' });
  const failed = (response.body.items as Record<string, { _id?: string; error?: unknown }>[])
    .map((item) => Object.values(item)[0])
    .filter((item) => item?.error);
  expect(failed, 'bulk load of the fixture documents').toEqual([]);
  expect(response.body.errors).toBe(false);
}

export interface RawResponse {
  status: number;
  body: Json;
}

/** A plain HTTP request, to see the response exactly as it is sent. */
export async function raw(target: Target, method: string, pathname: string, body?: unknown): Promise<RawResponse> {
  const url = new URL(`${target.url}${pathname}`);
  const sent = body === undefined ? undefined : JSON.stringify(body);
  const headers = await target.authorize(method, url, body === undefined ? {} : { 'content-type': 'application/json' }, sent);
  const response = await fetch(url, { method, headers, body: sent });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/**
 * OpenSearch's error shape: `{ error: { root_cause: [{ type, reason }], type, reason }, status }`
 * with the HTTP status repeated in the body. `type` is the top-level error type (omit it where
 * OpenSearch wraps the cause, e.g. search_phase_execution_exception); `rootCause` the first root cause.
 */
export function expectErrorShape(
  response: RawResponse,
  status: number,
  type: string | undefined,
  options: { reasonIncludes?: string; rootCause?: string } = {},
): void {
  const shown = JSON.stringify(response.body);
  expect(response.status, shown).toBe(status);
  expect(response.body.status, shown).toBe(status);
  const error = response.body.error as { type?: unknown; reason?: unknown; root_cause?: unknown } | undefined;
  if (type) expect(error?.type, shown).toBe(type);
  expect(typeof error?.type, shown).toBe('string');
  expect(typeof error?.reason, shown).toBe('string');
  expect(Array.isArray(error?.root_cause), shown).toBe(true);
  const rootCause = error?.root_cause as { type?: unknown; reason?: unknown }[];
  expect(rootCause.length, shown).toBeGreaterThan(0);
  if (options.rootCause) expect(rootCause[0]?.type, shown).toBe(options.rootCause);
  if (options.reasonIncludes) {
    const reasons = [error?.reason, ...rootCause.map((cause) => cause.reason)].map(String).join(' | ');
    expect(reasons, shown).toContain(options.reasonIncludes);
  }
}

/** The status and error type of a client ResponseError (by shape: the ES entry does not export `errors`). */
export async function clientError(request: Promise<unknown>): Promise<{ status: number; type: string | undefined; body: Json }> {
  try {
    await request;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResponseError') {
      const { statusCode, body } = error as Error & { statusCode: number; body: Json | undefined };
      const type = (body?.error as { type?: string } | undefined)?.type;
      return { status: statusCode, type, body: body ?? {} };
    }
    throw error;
  }
  throw new Error('expected the request to fail with an OpenSearch error response, but it succeeded');
}

/** Hit ids, in order. */
export function ids(result: SearchResult): string[] {
  return result.hits.hits.map((hit) => hit._id);
}

/**
 * Expects the hits to come in these groups: groups in order, ids within a group in any order (for
 * hits whose documented order is a tie).
 */
export function expectRankedGroups(result: SearchResult, groups: string[][]): void {
  const actual = ids(result);
  const actualGroups: string[][] = [];
  let position = 0;
  for (const group of groups) {
    actualGroups.push([...actual.slice(position, position + group.length)].sort());
    position += group.length;
  }
  expect({ groups: actualGroups, total: actual.length }, `hits: ${JSON.stringify(actual)}`).toEqual({
    groups: groups.map((group) => [...group].sort()),
    total: groups.reduce((sum, group) => sum + group.length, 0),
  });
}
