import { createServer, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Engine, Reply, WriteParams } from './engine/engine.ts';
import { OpenSearchError, illegalArgument, show } from './engine/errors.ts';
import { nestingTooDeep } from './engine/limits.ts';
import type { VersionType } from './engine/documents.ts';
import { readBody } from '../http-server.ts';
import { guardRefusal } from '../request-guard.ts';
import { checkSigV4Headers, FIVE_MINUTES_MS, type KeyPair, SigV4Refused, type SigV4Scope, verifyIncomingRequest } from '../sigv4.ts';

/**
 * The HTTP adapter: OpenSearch's REST routes onto the engine. Parameters the engine does not
 * implement are refused (400), as OpenSearch refuses unrecognized ones, rather than ignored.
 */
type Json = Record<string, unknown>;
type Params = URLSearchParams;

const CLUSTER_UUID = randomUUID();
/** http.max_content_length's default. */
export const MAX_BODY_BYTES = 100 * 1024 * 1024;
/** Accepted everywhere and without effect on a single node that is always refreshed. */
const HARMLESS = ['pretty', 'human', 'error_trace', 'timeout', 'master_timeout', 'cluster_manager_timeout', 'wait_for_active_shards'];
const WRITE = ['refresh', 'version', 'version_type', 'if_seq_no', 'if_primary_term', 'op_type', 'routing', 'require_alias'];
/** The parameters of a get (GET/HEAD /{index}/_doc/{id} and /_source/{id}). */
const GET = ['_source', '_source_includes', '_source_excludes', 'realtime', 'refresh', 'preference'];

function rootInfo(): Json {
  return {
    name: 'imagegraph-local',
    cluster_name: 'imagegraph-local',
    cluster_uuid: CLUSTER_UUID,
    version: {
      distribution: 'opensearch',
      number: '2.19.0',
      build_type: 'tar',
      build_hash: 'local',
      build_date: '2025-02-05T00:00:00.000000Z',
      build_snapshot: false,
      lucene_version: '9.12.1',
      minimum_wire_compatibility_version: '7.10.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'The OpenSearch Project: https://opensearch.org/',
  };
}

interface Request {
  method: string;
  path: string;
  segments: string[];
  params: Params;
  text: string;
}

function checkParams(request: Request, allowed: string[]): void {
  for (const key of request.params.keys()) {
    if (!allowed.includes(key) && !HARMLESS.includes(key)) {
      throw illegalArgument(`request [${request.path}] contains unrecognized parameter: [${key}]`);
    }
  }
}

/**
 * The request body as a JSON object. A body nested deeper than the JSON parser allows fails as it
 * fails in OpenSearch's REST layer, with the parser's exception (not a JsonParseException, so 500);
 * documents are left to the engine, whose document parser reports it as mapper_parsing_exception.
 */
function jsonBody(request: Request, required: boolean, document = false): Json {
  if (request.text.trim() === '') {
    if (required) throw new OpenSearchError(400, 'parse_exception', 'request body is required');
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(request.text);
  } catch (error) {
    throw new OpenSearchError(400, 'json_parse_exception', `Unexpected character in request body: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OpenSearchError(400, 'parse_exception', 'request body must be a JSON object');
  }
  const tooDeep = document ? undefined : nestingTooDeep(value);
  if (tooDeep) throw tooDeep;
  return value as Json;
}

function numberParam(params: Params, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw illegalArgument(`Failed to parse int parameter [${name}] with value [${value}]`);
  return n;
}

function writeParams(params: Params): WriteParams {
  const opType = params.get('op_type');
  if (opType !== null && opType !== 'index' && opType !== 'create') throw illegalArgument(`opType must be 'create' or 'index', found: [${opType}]`);
  const versionType = params.get('version_type');
  if (versionType !== null && !['internal', 'external', 'external_gte'].includes(versionType)) throw illegalArgument(`No version type match [${versionType}]`);
  const refresh = params.get('refresh');
  if (refresh !== null && !['true', 'false', 'wait_for', ''].includes(refresh)) throw illegalArgument(`Unknown value for refresh: [${refresh}].`);
  if (params.has('routing')) throw illegalArgument('custom routing is not supported by the local engine');
  return {
    ...(opType === null ? {} : { opType }),
    version: numberParam(params, 'version'),
    versionType: (versionType ?? undefined) as VersionType | undefined,
    ifSeqNo: numberParam(params, 'if_seq_no'),
    ifPrimaryTerm: numberParam(params, 'if_primary_term'),
    refresh: refresh ?? undefined,
  };
}

function methodNotAllowed(request: Request, allowed: string[]): never {
  throw Object.assign(new OpenSearchError(405, 'method_not_allowed', `Incorrect HTTP method for uri [${request.path}] and method [${request.method}], allowed: [${allowed.join(', ')}]`), { plain: true });
}

/** Routes one request; throws OpenSearchError for every failure OpenSearch reports as an error body. */
function route(engine: Engine, request: Request): Reply {
  const { method, segments } = request;
  const [first, second, third, extra] = segments;
  const is = (...methods: string[]) => methods.includes(method);
  if (first === undefined) {
    if (!is('GET', 'HEAD')) methodNotAllowed(request, ['GET', 'HEAD']);
    return { status: 200, body: rootInfo() };
  }
  if (first === '_bulk') {
    if (!is('POST', 'PUT')) methodNotAllowed(request, ['POST', 'PUT']);
    checkParams(request, ['refresh']);
    return engine.bulk(undefined, request.text, request.params.get('refresh') ?? undefined);
  }
  if (first === '_refresh') return engine.refresh(undefined);
  // Creating an index validates its name itself (invalid_index_name_exception).
  const creating = method === 'PUT' && second === undefined;
  if (!creating && (first.startsWith('_') || first.includes(',') || first.includes('*'))) {
    throw illegalArgument(`[${first}] is not supported by the local engine (single concrete index names only)`);
  }
  const index = decodeURIComponent(first);
  if (second === undefined) {
    checkParams(request, []);
    switch (method) {
      case 'HEAD':
        return { status: engine.exists(index) ? 200 : 404, body: {} };
      case 'GET':
        return engine.getIndex(index);
      case 'PUT':
        return engine.createIndex(index, jsonBody(request, false));
      case 'DELETE':
        return engine.deleteIndex(index);
      default:
        return methodNotAllowed(request, ['GET', 'HEAD', 'PUT', 'DELETE']);
    }
  }
  const id = third === undefined ? undefined : decodeURIComponent(third);
  if (extra !== undefined) throw illegalArgument(`no handler found for uri [${request.path}] and method [${method}]`);
  switch (second) {
    case '_doc':
      if (id === undefined) {
        if (!is('POST')) methodNotAllowed(request, ['POST']);
        checkParams(request, WRITE);
        return engine.index(index, undefined, jsonBody(request, true, true), writeParams(request.params));
      }
      if (is('GET', 'HEAD')) {
        checkParams(request, GET);
        const p = request.params;
        const split = (v: string | null) => (v === null ? undefined : v.split(','));
        const source = p.get('_source');
        return engine.get(index, id, {
          source: source === null ? undefined : source === 'true' || source === 'false' ? source : source.split(','),
          includes: split(p.get('_source_includes')),
          excludes: split(p.get('_source_excludes')),
        });
      }
      if (is('PUT', 'POST')) {
        checkParams(request, WRITE);
        return engine.index(index, id, jsonBody(request, true, true), writeParams(request.params));
      }
      if (is('DELETE')) {
        checkParams(request, WRITE.filter((p) => p !== 'op_type'));
        return engine.delete(index, id, writeParams(request.params));
      }
      return methodNotAllowed(request, ['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
    case '_source': {
      if (!is('GET', 'HEAD') || id === undefined) methodNotAllowed(request, ['GET', 'HEAD']);
      checkParams(request, GET);
      const found = engine.get(index, id);
      if (found.status === 404) {
        throw new OpenSearchError(404, 'resource_not_found_exception', `Document not found [${index}]/[${id}]`);
      }
      return { status: 200, body: found.body._source as Json };
    }
    case '_create':
      if (!is('PUT', 'POST') || id === undefined) methodNotAllowed(request, ['PUT', 'POST']);
      checkParams(request, WRITE);
      return engine.index(index, id, jsonBody(request, true, true), { ...writeParams(request.params), opType: 'create' });
    case '_update':
      if (!is('POST') || id === undefined) methodNotAllowed(request, ['POST']);
      checkParams(request, ['refresh', 'if_seq_no', 'if_primary_term', 'retry_on_conflict', 'routing']);
      return engine.update(index, id, jsonBody(request, true, true), writeParams(request.params));
    case '_bulk':
      if (!is('POST', 'PUT')) methodNotAllowed(request, ['POST', 'PUT']);
      checkParams(request, ['refresh']);
      return engine.bulk(index, request.text, request.params.get('refresh') ?? undefined);
    case '_search': {
      if (!is('GET', 'POST')) methodNotAllowed(request, ['GET', 'POST']);
      checkParams(request, ['size', 'from', 'track_total_hits', 'rest_total_hits_as_int', 'typed_keys', 'allow_partial_search_results', 'search_type', 'request_cache', 'ignore_unavailable']);
      if (request.params.get('rest_total_hits_as_int') === 'true' || request.params.get('typed_keys') === 'true') {
        throw illegalArgument('rest_total_hits_as_int and typed_keys are not supported by the local engine');
      }
      const body = jsonBody(request, false);
      for (const key of ['size', 'from'] as const) {
        const value = numberParam(request.params, key);
        if (value !== undefined) body[key] = value;
      }
      const track = request.params.get('track_total_hits');
      if (track !== null) body.track_total_hits = track === 'true' ? true : track === 'false' ? false : Number(track);
      return engine.search(index, body);
    }
    case '_count':
      if (!is('GET', 'POST')) methodNotAllowed(request, ['GET', 'POST']);
      checkParams(request, []);
      return engine.count(index, jsonBody(request, false));
    case '_delete_by_query':
      if (!is('POST')) methodNotAllowed(request, ['POST']);
      checkParams(request, ['refresh', 'conflicts', 'wait_for_completion']);
      return engine.deleteByQuery(index, jsonBody(request, true));
    case '_refresh':
      if (!is('GET', 'POST')) methodNotAllowed(request, ['GET', 'POST']);
      return engine.refresh(index);
    case '_mapping':
      if (!is('GET')) methodNotAllowed(request, ['GET']);
      return engine.getMapping(index);
    default:
      throw illegalArgument(`no handler found for uri [${request.path}] and method [${method}]`);
  }
}

function send(res: ServerResponse, method: string, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  // HEAD answers with the status (and length) only.
  res.end(method === 'HEAD' ? undefined : text);
}

export interface SearchServerOptions {
  /** The key pair and region requests must be signed with (SigV4, service `es`), as a domain with IAM access requires. */
  auth: { credentials: KeyPair; region: string };
  /**
   * Called after each reply with the size of the request body (in UTF-16 units) and whether the
   * request only reads (search, count, get, refresh), e.g. to pace heap compaction.
   */
  afterRequest?: (bodyLength: number, read: boolean) => void;
}

/**
 * Amazon OpenSearch Service answers what IAM refuses with 403 and a bare `{"message"}` body; an
 * unsigned request is the anonymous user, denied the es:ESHttp<Method> action.
 */
function accessDenied(res: ServerResponse, method: string, message: string): void {
  send(res, method, { status: 403, body: { message } });
}

function anonymousMessage(method: string): string {
  const action = `es:ESHttp${method.charAt(0)}${method.slice(1).toLowerCase()}`;
  return `User: anonymous is not authorized to perform: ${action} because no resource-based policy allows the ${action} action`;
}

export function createSearchServer(engine: Engine, options: SearchServerOptions): Server {
  const scope: SigV4Scope = { service: 'es', region: options.auth.region, credentials: options.auth.credentials, maxSkewMs: FIVE_MINUTES_MS };
  return createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = guardRefusal(req, { kind: 'none', service: 'search engine' });
    if (refused) {
      req.resume();
      accessDenied(res, method, refused.message);
      return;
    }
    Promise.resolve()
      .then(() => {
        // A caller without this domain's key is refused before its body is buffered.
        checkSigV4Headers(req.headers, scope);
        return readBody(req, MAX_BODY_BYTES, () => new OpenSearchError(413, 'content_too_long_exception', 'request body is too large'));
      })
      .then(async (body) => {
        await verifyIncomingRequest(req, body, scope);
        const text = body.toString('utf8');
        const segments = url.pathname.split('/').filter((s) => s !== '');
        send(res, method, route(engine, { method, path: url.pathname, segments, params: url.searchParams, text }));
        const read = method === 'GET' || method === 'HEAD' || segments.some((s) => s === '_search' || s === '_count' || s === '_refresh');
        options.afterRequest?.(text.length, read);
      })
      .catch((error: unknown) => {
        if (error instanceof SigV4Refused) {
          req.resume();
          accessDenied(res, method, error.problem === 'missing' ? anonymousMessage(method) : error.message);
          return;
        }
        if (error instanceof OpenSearchError) {
          const plain = (error as OpenSearchError & { plain?: boolean }).plain === true;
          send(res, method, { status: error.status, body: plain ? { error: error.reason, status: error.status } : error.toBody() });
          return;
        }
        const reason = error instanceof Error ? error.message : show(error);
        send(res, method, { status: 500, body: new OpenSearchError(500, 'exception', reason).toBody() });
      });
  });
}
