import { randomBytes, randomUUID } from 'node:crypto';
import { analyzerOf, buildAnalyzers, type AnalyzerRegistry } from './analysis.ts';
import { parseBulk, type BulkAction } from './bulk.ts';
import { checkTermLengths, nextVersion, type WriteConditions } from './documents.ts';
import { OpenSearchError, illegalArgument, indexNotFound, parsingError, show, validationFailed } from './errors.ts';
import { IndexData, type DocMeta, type Postings } from './index-data.ts';
import { indexLimits, nestingTooDeep, type IndexLimits } from './limits.ts';
import { parseDocument, parseMapping, type Mapping, type ParsedDocument } from './mapping.ts';
import { knnEnabled } from './vectors.ts';
import { ClauseBudget } from './query/clauses.ts';
import type { ExpansionCache, QueryContext } from './query/types.ts';
import { count, matchingDocs, search } from './search.ts';
import { filterSource, parseSourceFilter } from './source-filter.ts';
import type { Storage, StoredDoc } from './storage.ts';

type Json = Record<string, unknown>;

/** A response: HTTP status and JSON body. */
export interface Reply {
  status: number;
  body: Json;
}

interface IndexState {
  name: string;
  uuid: string;
  createdAt: number;
  settings: Json;
  limits: IndexLimits;
  mapping: Mapping;
  analyzers: AnalyzerRegistry;
  data: IndexData;
  nextSeqNo: number;
  cache: ExpansionCache;
}

export interface WriteParams extends Omit<WriteConditions, 'opType'> {
  opType?: 'index' | 'create';
  refresh?: string | undefined;
}

/** A write ready to commit: the new stored doc (or a delete) and the parsed fields to index. */
interface PreparedWrite {
  state: IndexState;
  id: string;
  doc: StoredDoc | null;
  parsed: ParsedDocument | null;
  result: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
  seqNo: number;
  version: number;
}

const PRIMARY_TERM = 1;
const MAX_CACHE_ENTRIES = 10_000;
const INVALID_INDEX_CHARS = /[\\/*?"<>| ,#:]/;

class LrulessCache implements ExpansionCache {
  private readonly entries = new Map<string, { generation: number; value: Postings[] }>();
  get(key: string, generation: number) {
    const entry = this.entries.get(key);
    return entry && entry.generation === generation ? entry.value : undefined;
  }
  set(key: string, generation: number, value: Postings[]) {
    // Entries go stale as terms arrive; dropping all at a bound keeps memory flat without bookkeeping.
    if (this.entries.size >= MAX_CACHE_ENTRIES) this.entries.clear();
    this.entries.set(key, { generation, value });
  }
}

/**
 * The engine facade: OpenSearch's document and search operations over the durable store and the
 * in-memory indexes. Every write commits to SQLite before the in-memory index changes and before
 * it is acknowledged; search sees it immediately (always refreshed, unlike OpenSearch's 1 s).
 */
export class Engine {
  private readonly indices = new Map<string, IndexState>();

  constructor(private readonly storage: Storage) {
    for (const stored of storage.indices()) {
      const settings = JSON.parse(stored.settings) as Json;
      const state = this.newState(stored.name, stored.uuid, stored.createdAt, settings, JSON.parse(stored.mappings), stored.nextSeqNo);
      this.loadDocs(state, state.data);
      this.indices.set(stored.name, state);
    }
  }

  private newState(name: string, uuid: string, createdAt: number, settings: Json, mappings: unknown, nextSeqNo: number): IndexState {
    const limits = indexLimits(settings);
    const analyzers = buildAnalyzers(analysisSettings(settings));
    const mapping = parseMapping(mappings, { index: name, totalFields: limits.totalFields, depth: limits.mappingDepth, knn: knnEnabled(settings) });
    for (const field of mapping.fields.values()) {
      if (field.type === 'text') analyzerOf(analyzers, field.analyzer);
    }
    return { name, uuid, createdAt, settings, limits, mapping, analyzers, data: emptyData(analyzers), nextSeqNo, cache: new LrulessCache() };
  }

  /** Adds the index's stored docs to an empty `data`, in seq_no (= doc number) order. */
  private loadDocs(state: IndexState, data: IndexData): IndexData {
    for (const doc of this.storage.docs(state.name)) {
      data.add(doc, parseDocument(state.mapping, JSON.parse(doc.source) as Json, doc.id).fields);
    }
    return data;
  }

  private state(name: string): IndexState {
    const state = this.indices.get(name);
    if (!state) throw indexNotFound(name);
    return state;
  }

  exists(name: string): boolean {
    return this.indices.has(name);
  }

  createIndex(name: string, body: Json = {}): Reply {
    validateIndexName(name);
    if (this.indices.has(name)) {
      throw new OpenSearchError(400, 'resource_already_exists_exception', `index [${name}/${this.state(name).uuid}] already exists`, { index: name });
    }
    for (const key of Object.keys(body)) {
      if (key !== 'settings' && key !== 'mappings' && key !== 'aliases') throw parsingError(`unknown key [${key}] for create index`);
    }
    if (body.aliases !== undefined && Object.keys(body.aliases as Json).length > 0) throw illegalArgument('aliases are not supported by the local engine');
    const settings = (body.settings ?? {}) as Json;
    const uuid = randomBytes(16).toString('base64url').slice(0, 22);
    const state = this.newState(name, uuid, Date.now(), settings, body.mappings ?? {}, 0);
    this.storage.createIndex({ name, uuid, createdAt: state.createdAt, settings: JSON.stringify(settings), mappings: JSON.stringify(state.mapping.raw) });
    this.indices.set(name, state);
    return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } };
  }

  deleteIndex(name: string): Reply {
    this.state(name);
    this.storage.deleteIndex(name);
    this.indices.delete(name);
    return { status: 200, body: { acknowledged: true } };
  }

  getIndex(name: string): Reply {
    const state = this.state(name);
    const replicas = replicaCount(state.settings);
    const analysis = analysisSettings(state.settings);
    return {
      status: 200,
      body: {
        [name]: {
          aliases: {},
          mappings: state.mapping.raw,
          settings: {
            index: {
              ...((state.settings.index ?? {}) as Json),
              ...(analysis ? { analysis } : {}),
              number_of_shards: '1',
              number_of_replicas: show(replicas),
              uuid: state.uuid,
              provided_name: name,
              creation_date: show(state.createdAt),
              version: { created: '136407827' },
            },
          },
        },
      },
    };
  }

  getMapping(name: string): Reply {
    return { status: 200, body: { [name]: { mappings: this.state(name).mapping.raw } } };
  }

  /** PUT/POST /{index}/_doc[/{id}] and _create; a missing index is created, as OpenSearch does by default. */
  index(name: string, id: string | undefined, source: unknown, params: WriteParams): Reply {
    const state = this.autoCreate(name);
    const write = this.prepareIndex(state, id, source, { ...params, opType: params.opType ?? 'index' }, new Map());
    this.commit([write]);
    return { status: write.result === 'created' ? 201 : 200, body: writeBody(write, params.refresh) };
  }

  get(name: string, id: string, sourceParams: { source?: unknown; includes?: unknown; excludes?: unknown } = {}): Reply {
    const state = this.state(name);
    const doc = state.data.byId.get(id);
    const meta = doc === undefined ? undefined : state.data.meta(doc);
    if (!meta) return { status: 404, body: { _index: name, _id: id, found: false } };
    const filter = parseSourceFilter(
      sourceParams.includes !== undefined || sourceParams.excludes !== undefined
        ? { includes: sourceParams.includes ?? [], excludes: sourceParams.excludes ?? [] }
        : sourceParams.source,
    );
    return {
      status: 200,
      body: {
        _index: name,
        _id: id,
        _version: meta.version,
        _seq_no: meta.seqNo,
        _primary_term: meta.primaryTerm,
        found: true,
        ...(filter.enabled ? { _source: filterSource(JSON.parse(this.storage.source(name, id) ?? '{}') as Json, filter) } : {}),
      },
    };
  }

  delete(name: string, id: string, params: WriteParams): Reply {
    const state = this.state(name);
    const write = this.prepareDelete(state, id, { ...params, opType: 'delete' }, new Map());
    this.commit([write]);
    return { status: write.result === 'deleted' ? 200 : 404, body: writeBody(write, params.refresh) };
  }

  update(name: string, id: string, body: Json, params: WriteParams): Reply {
    const write = this.prepareUpdate(this.updateTarget(name, body), id, body, params, new Map());
    if (write.result !== 'noop') this.commit([write]);
    return { status: write.result === 'created' ? 201 : 200, body: writeBody(write, params.refresh) };
  }

  /** All actions are decided in order (later ones see earlier ones), then committed in one transaction. */
  bulk(defaultIndex: string | undefined, text: string, refresh?: string): Reply {
    const started = Date.now();
    const actions = parseBulk(text);
    const pending = new Map<string, StoredDoc | null>();
    const outcomes: (PreparedWrite | { action: BulkAction; index: string; id: string | undefined; error: OpenSearchError })[] = [];
    for (const action of actions) {
      const name = action.index ?? defaultIndex;
      if (name === undefined) {
        outcomes.push({ action, index: '', id: action.id, error: validationFailed('index is missing') });
        continue;
      }
      try {
        const conditions = { version: action.version, versionType: action.versionType, ifSeqNo: action.ifSeqNo, ifPrimaryTerm: action.ifPrimaryTerm };
        if (action.action === 'delete' || action.action === 'update') {
          if (action.id === undefined) throw validationFailed('id is missing');
          if (action.action === 'delete') outcomes.push(this.prepareDelete(this.state(name), action.id, { ...conditions, opType: 'delete' }, pending));
          else outcomes.push(this.prepareUpdate(this.updateTarget(name, action.body ?? {}), action.id, action.body ?? {}, conditions, pending));
        } else {
          outcomes.push(this.prepareIndex(this.autoCreate(name), action.id, JSON.parse(action.text ?? '{}'), { ...conditions, opType: action.action }, pending, action.text));
        }
      } catch (error) {
        if (!(error instanceof OpenSearchError)) throw error;
        outcomes.push({ action, index: name, id: action.id, error });
      }
    }
    this.commit(outcomes.filter((o): o is PreparedWrite => !('error' in o) && o.result !== 'noop'));
    const items = outcomes.map((o, i) => {
      const action = actions[i]?.action ?? 'index';
      if ('error' in o) {
        return { [action]: { _index: o.index, _id: o.id ?? null, status: o.error.status, error: { ...o.error.detail(), index: o.index } } };
      }
      const status = o.result === 'created' ? 201 : o.result === 'not_found' ? 404 : 200;
      return { [action]: { ...writeBody(o, refresh), status } };
    });
    return { status: 200, body: { took: Date.now() - started, errors: outcomes.some((o) => 'error' in o), items } };
  }

  search(name: string, body: Json): Reply {
    return { status: 200, body: search(this.context(this.state(name)), body) };
  }

  count(name: string, body: Json): Reply {
    return { status: 200, body: count(this.context(this.state(name)), body) };
  }

  deleteByQuery(name: string, body: Json): Reply {
    const started = Date.now();
    const state = this.state(name);
    for (const key of Object.keys(body)) if (key !== 'query') throw parsingError(`[delete_by_query] does not support [${key}]`);
    if (body.query === undefined) throw validationFailed('query is missing');
    const { docs } = matchingDocs(this.context(state), body.query, false);
    const pending = new Map<string, StoredDoc | null>();
    const writes = Array.from(docs, (doc) => this.prepareDelete(state, state.data.ids[doc] ?? '', { opType: 'delete' }, pending));
    this.commit(writes);
    return {
      status: 200,
      body: {
        took: Date.now() - started, timed_out: false, total: writes.length, deleted: writes.length, batches: writes.length > 0 ? 1 : 0,
        version_conflicts: 0, noops: 0, retries: { bulk: 0, search: 0 }, throttled_millis: 0, requests_per_second: -1,
        throttled_until_millis: 0, failures: [],
      },
    };
  }

  /** Writes are visible at once, so a refresh only checks that the index exists. */
  refresh(name: string | undefined): Reply {
    if (name !== undefined) this.state(name);
    const total = name === undefined ? this.indices.size : 1;
    return { status: 200, body: { _shards: { total: total * 2, successful: total, failed: 0 } } };
  }

  private context(state: IndexState): QueryContext {
    return {
      index: state.name, uuid: state.uuid, limits: state.limits, clauses: new ClauseBudget({ name: state.name, uuid: state.uuid }),
      data: state.data, mapping: state.mapping, analyzers: state.analyzers, now: Date.now(), cache: state.cache,
      sources: (ids) => this.storage.sources(state.name, ids),
    };
  }

  private autoCreate(name: string): IndexState {
    if (!this.indices.has(name)) this.createIndex(name);
    return this.state(name);
  }

  /** An update that may upsert creates a missing index; one that may not fails on it. */
  private updateTarget(name: string, body: Json): IndexState {
    return body.upsert !== undefined || body.doc_as_upsert === true ? this.autoCreate(name) : this.state(name);
  }

  /** The stored version of a doc, as seen by a bulk that may already have written it. */
  private current(state: IndexState, id: string, pending: Map<string, StoredDoc | null>): StoredDoc | DocMeta | undefined {
    const key = pendingKey(state, id);
    if (pending.has(key)) return pending.get(key) ?? undefined;
    const doc = state.data.byId.get(id);
    return doc === undefined ? undefined : state.data.meta(doc);
  }

  /** `text`, when given, is `source` as JSON text: stored as is, which saves serializing it again. */
  private prepareIndex(state: IndexState, id: string | undefined, source: unknown, conditions: WriteConditions, pending: Map<string, StoredDoc | null>, text?: string): PreparedWrite {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      throw new OpenSearchError(400, 'mapper_parsing_exception', 'failed to parse, document is empty');
    }
    if (id !== undefined) validateId(id);
    // OpenSearch's document parser wraps what the JSON parser refuses: "failed to parse".
    const tooDeep = nestingTooDeep(source);
    if (tooDeep) throw new OpenSearchError(400, 'mapper_parsing_exception', 'failed to parse', {}, tooDeep);
    const docId = id ?? randomUUID().replaceAll('-', '').slice(0, 20);
    const stored = this.current(state, docId, pending);
    const version = nextVersion(stored, conditions, docId, state.name);
    const parsed = parseDocument(state.mapping, source as Json, docId);
    checkTermLengths(parsed.fields, (field) => analyzerOf(state.analyzers, field.analyzer));
    const seqNo = state.nextSeqNo++;
    const doc: StoredDoc = { id: docId, source: text ?? JSON.stringify(source), version, seqNo, primaryTerm: PRIMARY_TERM };
    pending.set(pendingKey(state, docId), doc);
    return { state, id: docId, doc, parsed, result: stored ? 'updated' : 'created', seqNo, version };
  }

  private prepareDelete(state: IndexState, id: string, conditions: WriteConditions, pending: Map<string, StoredDoc | null>): PreparedWrite {
    const stored = this.current(state, id, pending);
    const version = nextVersion(stored, conditions, id, state.name);
    const seqNo = state.nextSeqNo++;
    pending.set(pendingKey(state, id), null);
    return { state, id, doc: null, parsed: null, result: stored ? 'deleted' : 'not_found', seqNo, version };
  }

  private prepareUpdate(state: IndexState, id: string, body: Json, conditions: Omit<WriteConditions, 'opType'>, pending: Map<string, StoredDoc | null>): PreparedWrite {
    for (const key of Object.keys(body)) {
      if (key === 'script') throw illegalArgument('scripted updates are not supported by the local engine');
      if (!['doc', 'upsert', 'doc_as_upsert', 'detect_noop', '_source'].includes(key)) throw parsingError(`[UpdateRequest] unknown field [${key}]`);
    }
    if (body.doc === undefined) throw validationFailed('script or doc is missing');
    const stored = this.current(state, id, pending);
    if (!stored) {
      if (conditions.ifSeqNo !== undefined) nextVersion(undefined, { ...conditions, opType: 'index' }, id, state.name);
      const upsert = body.doc_as_upsert === true ? body.doc : body.upsert;
      if (upsert === undefined) {
        throw new OpenSearchError(404, 'document_missing_exception', `[${id}]: document missing`, { index: state.name, shard: '0', index_uuid: state.uuid });
      }
      return this.prepareIndex(state, id, upsert, { ...conditions, opType: 'create' }, pending);
    }
    const source = 'source' in stored ? stored.source : (this.storage.source(state.name, id) ?? '{}');
    const old = JSON.parse(source) as Json;
    const merged = deepMerge(old, body.doc as Json);
    // Stored text may be formatted as sent, so both sides are serialized alike.
    if (body.detect_noop !== false && JSON.stringify(merged) === JSON.stringify(old)) {
      nextVersion(stored, { ...conditions, opType: 'index' }, id, state.name);
      return { state, id, doc: null, parsed: null, result: 'noop', seqNo: stored.seqNo, version: stored.version };
    }
    return this.prepareIndex(state, id, merged, { ...conditions, opType: 'index' }, pending);
  }

  /** One transaction for all writes, then the in-memory indexes (which cannot fail). */
  private commit(writes: PreparedWrite[]): void {
    if (writes.length === 0) return;
    // Unindexing a replaced doc needs its fields: its source is read before the transaction overwrites it.
    const latest = new Map<IndexState, Map<string, string>>();
    for (const w of writes) {
      if (latest.has(w.state)) continue;
      const replaced = writes.filter((o) => o.state === w.state && o.state.data.byId.has(o.id)).map((o) => o.id);
      latest.set(w.state, this.storage.sources(w.state.name, replaced));
    }
    const touched = new Set<IndexState>();
    this.storage.transaction(() => {
      for (const w of writes) {
        if (w.doc) this.storage.putDoc(w.state.name, w.doc);
        else this.storage.deleteDoc(w.state.name, w.id);
        touched.add(w.state);
      }
      for (const state of touched) {
        this.storage.setNextSeqNo(state.name, state.nextSeqNo);
        // Dynamic mapping may have added fields while the documents were parsed.
        this.storage.setMappings(state.name, JSON.stringify(state.mapping.raw));
      }
    });
    for (const w of writes) {
      const data = w.state.data;
      const old = data.byId.get(w.id);
      const sources = latest.get(w.state);
      const oldSource = sources?.get(w.id);
      if (old !== undefined && data.ids[old] !== undefined && oldSource !== undefined) {
        data.remove(old, parseDocument(w.state.mapping, JSON.parse(oldSource) as Json, w.id).fields);
      }
      if (w.doc && w.parsed) {
        data.add(w.doc, w.parsed.fields);
        sources?.set(w.id, w.doc.source);
      } else {
        sources?.delete(w.id);
      }
    }
    for (const state of touched) this.compactIfNeeded(state);
  }

  /** Rebuilds an index whose dead doc numbers outnumber live ones, to bound memory and postings scans. */
  private compactIfNeeded(state: IndexState): void {
    const data = state.data;
    if (data.deadCount < 1000 || data.deadCount < data.liveCount) return;
    // Committed by now, so storage holds exactly the live docs.
    state.data = this.loadDocs(state, emptyData(state.analyzers));
    state.cache = new LrulessCache();
  }

  close(): void {
    this.storage.close();
  }
}

/** The key of a doc in a bulk's map of pending writes (which may span indices). */
function pendingKey(state: IndexState, id: string): string {
  return `${state.name}\u0000${id}`;
}

function emptyData(analyzers: AnalyzerRegistry): IndexData {
  return new IndexData((field) => analyzerOf(analyzers, field.analyzer));
}

function writeBody(w: PreparedWrite, refresh: string | undefined): Json {
  const replicas = replicaCount(w.state.settings);
  return {
    _index: w.state.name,
    _id: w.id,
    _version: w.version,
    result: w.result,
    ...(refresh === 'true' || refresh === '' ? { forced_refresh: true } : {}),
    _shards: w.result === 'noop' ? { total: 0, successful: 0, failed: 0 } : { total: 1 + replicas, successful: 1, failed: 0 },
    _seq_no: w.seqNo,
    _primary_term: PRIMARY_TERM,
  };
}

/** Replicas as configured; one node holds none, but OpenSearch still counts them in `total`. */
function replicaCount(settings: Json): number {
  const index = (settings.index ?? {}) as Json;
  const auto = index.auto_expand_replicas ?? settings['index.auto_expand_replicas'];
  if (typeof auto === 'string' && auto !== 'false') return Number(auto.split('-')[0]) || 0;
  return Number(index.number_of_replicas ?? settings['index.number_of_replicas'] ?? settings.number_of_replicas ?? 1);
}

function analysisSettings(settings: Json): unknown {
  return settings.analysis ?? (settings.index as Json | undefined)?.analysis;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const existing = out[key];
    out[key] = isObject(existing) && isObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

function validateIndexName(name: string): void {
  const invalid = (why: string) => new OpenSearchError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${why}`, { index: name, index_uuid: '_na_' });
  if (name !== name.toLowerCase()) throw invalid('must be lowercase');
  if (/^[_\-+]/.test(name)) throw invalid("must not start with '_', '-', or '+'");
  if (INVALID_INDEX_CHARS.test(name)) throw invalid('must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  if (name === '.' || name === '..' || Buffer.byteLength(name) > 255) throw invalid('must not be \'.\' or \'..\' or longer than 255 bytes');
}

function validateId(id: string): void {
  if (Buffer.byteLength(id) > 512) {
    throw validationFailed(`id [${id}] is too long, must be no longer than 512 bytes but was: ${Buffer.byteLength(id)}`);
  }
  if (id === '') throw validationFailed('if _id is specified it must not be empty');
}
