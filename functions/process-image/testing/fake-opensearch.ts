import { IMAGES_INDEX, type ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import { type FieldMapping, IMAGE_INDEX_MAPPING } from '../image-index-mapping.ts';
import type { FakeResponse, RecordedRequest } from './http-fake.ts';

const properties: Record<string, FieldMapping> = IMAGE_INDEX_MAPPING.mappings.properties;

/**
 * OpenSearch's document and index APIs as the client calls them, over one in-memory index, with
 * the documented response shapes: optimistic concurrency by sequence number and primary term,
 * 409 version_conflict_engine_exception, 404 for missing documents and indices, and the strict
 * mapping's refusal of unmapped fields. Search answers whatever the test sets.
 */
export class FakeOpenSearch {
  constructor(readonly name: string = IMAGES_INDEX) {}

  indexCreated = false;
  readonly docs = new Map<string, { source: ImageDocument; seqNo: number; version: number }>();
  private nextSeqNo = 0;
  /** Runs just before a conditional write is checked: a concurrent writer can strike here. */
  beforeWrite: (id: string) => void = () => undefined;
  searchHits: { _id: string; _source?: ImageDocument }[] = [];
  /** Replaces the answer to the next write, when set. */
  failWrite: FakeResponse | null = null;

  handle = (request: RecordedRequest): FakeResponse => {
    const url = new URL(request.url, 'http://fake');
    const [, index, action, id] = url.pathname.split('/');
    if (request.method === 'HEAD' && index === this.name && !action) return { status: this.indexCreated ? 200 : 404 };
    if (request.method === 'PUT' && index === this.name && !action) return this.createIndex();
    if (index === '_bulk') return this.bulk(request.body);
    if (index !== this.name) return this.error(400, 'illegal_argument_exception', `unexpected ${request.method} ${request.url}`);
    if (!this.indexCreated) return this.error(404, 'index_not_found_exception', `no such index [${index}]`);
    if (action === '_search') return this.search();
    if (action === '_doc' && id && request.method === 'GET') return this.get(decodeURIComponent(id));
    if (action === '_doc' && id && request.method === 'PUT') return this.write(decodeURIComponent(id), url.searchParams, request.body);
    return this.error(400, 'illegal_argument_exception', `unexpected ${request.method} ${request.url}`);
  };

  /** Stores a document as another writer would, bumping its sequence number. */
  store(source: ImageDocument): number {
    const seqNo = this.nextSeqNo++;
    this.docs.set(source.id, { source, seqNo, version: (this.docs.get(source.id)?.version ?? 0) + 1 });
    return seqNo;
  }

  private createIndex(): FakeResponse {
    if (this.indexCreated) return this.error(400, 'resource_already_exists_exception', `index [${this.name}/3xNlVHbZRnGe4QPrE9Pxsw] already exists`);
    this.indexCreated = true;
    return { body: { acknowledged: true, shards_acknowledged: true, index: this.name } };
  }

  private get(id: string): FakeResponse {
    const stored = this.docs.get(id);
    if (!stored) return { status: 404, body: { _index: this.name, _id: id, found: false } };
    return {
      body: { _index: this.name, _id: id, _version: stored.version, _seq_no: stored.seqNo, _primary_term: 1, found: true, _source: stored.source },
    };
  }

  private write(id: string, params: URLSearchParams, body: string): FakeResponse {
    this.beforeWrite(id);
    if (this.failWrite) {
      const failure = this.failWrite;
      this.failWrite = null;
      return failure;
    }
    const stored = this.docs.get(id);
    if (params.get('op_type') === 'create' && stored) {
      return this.error(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists (current version [${stored.version}])`);
    }
    const ifSeqNo = params.get('if_seq_no');
    if (ifSeqNo !== null && (Number(ifSeqNo) !== stored?.seqNo || params.get('if_primary_term') !== '1')) {
      return this.error(
        409,
        'version_conflict_engine_exception',
        `[${id}]: version conflict, required seqNo [${ifSeqNo}], primary term [1]. current document has seqNo [${stored?.seqNo}] and primary term [1]`,
      );
    }
    const refused = this.unmapped(JSON.parse(body) as ImageDocument);
    if (refused) return refused;
    const seqNo = this.store(JSON.parse(body) as ImageDocument);
    return { status: stored ? 200 : 201, body: this.writeResult(id, stored ? 'updated' : 'created', seqNo) };
  }

  private bulk(body: string): FakeResponse {
    const lines = body.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const { _id: id } = (lines[i] as { index: { _id: string } }).index;
      const source = lines[i + 1] as unknown as ImageDocument;
      const refused = this.unmapped(source);
      if (refused) {
        items.push({ index: { _index: this.name, _id: id, status: 400, error: (refused.body as { error: unknown }).error } });
      } else {
        const existed = this.docs.has(id);
        items.push({ index: { ...this.writeResult(id, existed ? 'updated' : 'created', this.store(source)), status: existed ? 200 : 201 } });
      }
    }
    return { body: { took: 30, errors: items.some((item) => 'error' in item.index), items } };
  }

  private search(): FakeResponse {
    const hits = this.searchHits.map((hit) => ({ _index: this.name, _score: null, ...hit }));
    return {
      body: {
        took: 2,
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits },
      },
    };
  }

  private unmapped(source: ImageDocument): FakeResponse | null {
    const field = Object.keys(source).find((key) => !(key in properties));
    return field
      ? this.error(400, 'strict_dynamic_mapping_exception', `mapping set to strict, dynamic introduction of [${field}] within [_doc] is not allowed`)
      : null;
  }

  private writeResult(id: string, result: string, seqNo: number) {
    const version = this.docs.get(id)?.version ?? 1;
    return { _index: this.name, _id: id, _version: version, result, _shards: { total: 2, successful: 1, failed: 0 }, _seq_no: seqNo, _primary_term: 1 };
  }

  private error(status: number, type: string, reason: string): FakeResponse {
    const cause = { type, reason, index: this.name };
    return { status, body: { error: { root_cause: [cause], ...cause }, status } };
  }
}