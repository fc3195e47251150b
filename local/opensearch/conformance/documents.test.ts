/** Document APIs: index, get, delete, versions and sequence numbers, conflicts, update, bulk, strict mappings. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Json, clientError, createIndex, expectErrorShape, raw, useTarget } from './harness.ts';

const target = useTarget();

const STRICT_INDEX: Json = {
  settings: { number_of_shards: 1 },
  mappings: {
    dynamic: 'strict',
    properties: { title: { type: 'text' }, count: { type: 'integer' }, tags: { type: 'keyword' } },
  },
};

let index = '';
beforeAll(async () => {
  index = target().indexName('documents');
  await createIndex(target(), index, STRICT_INDEX);
});

interface WriteBody {
  _index: string;
  _id: string;
  _version: number;
  _seq_no: number;
  _primary_term: number;
  result: string;
}

// https://docs.opensearch.org/docs/api-reference/document-apis/index-document
// https://docs.opensearch.org/2.16/api-reference/document-apis/get-documents
// https://docs.opensearch.org/3.5/api-reference/document-apis/delete-document/
// https://elastic.co/docs/reference/elasticsearch/rest-apis/optimistic-concurrency-control (the
// page OpenSearch's own error-log article points at for _seq_no/_primary_term semantics)
describe('index, get, delete: result, _version, _seq_no, _primary_term', () => {
  it('walks a document through created, updated, deleted and not_found', async () => {
    const { client } = target();
    const created = await client.index({ index, id: 'life', body: { title: 'first', count: 1 }, refresh: true });
    const first = created.body as unknown as WriteBody;
    expect(created.statusCode).toBe(201);
    expect(first).toMatchObject({ _index: index, _id: 'life', _version: 1, result: 'created' });
    expect(Number.isInteger(first._seq_no) && first._seq_no >= 0).toBe(true);
    expect(Number.isInteger(first._primary_term) && first._primary_term >= 1).toBe(true);

    const updated = await client.index({ index, id: 'life', body: { title: 'second', count: 2 }, refresh: true });
    const second = updated.body as unknown as WriteBody;
    expect(updated.statusCode).toBe(200);
    expect(second).toMatchObject({ _version: 2, result: 'updated', _primary_term: first._primary_term });
    // Every operation gets a higher sequence number than the ones before it.
    expect(second._seq_no).toBeGreaterThan(first._seq_no);

    const read = await client.get({ index, id: 'life' });
    expect(read.body).toMatchObject({
      _index: index,
      _id: 'life',
      found: true,
      _version: 2,
      _seq_no: second._seq_no,
      _primary_term: second._primary_term,
      _source: { title: 'second', count: 2 },
    });

    const deleted = await client.delete({ index, id: 'life', refresh: true });
    const third = deleted.body as unknown as WriteBody;
    expect(deleted.statusCode).toBe(200);
    expect(third).toMatchObject({ _id: 'life', _version: 3, result: 'deleted' });
    expect(third._seq_no).toBeGreaterThan(second._seq_no);

    const gone = await client.get({ index, id: 'life' }, { ignore: [404] });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toMatchObject({ _index: index, _id: 'life', found: false });

    const again = await client.delete({ index, id: 'life' }, { ignore: [404] });
    expect(again.statusCode).toBe(404);
    expect(again.body).toMatchObject({ _id: 'life', result: 'not_found' });
  });

  it('HEAD tells whether a document exists; GET _source returns the source alone', async () => {
    const { client } = target();
    await client.index({ index, id: 'head', body: { title: 'here', count: 3 } });
    expect((await raw(target(), 'HEAD', `/${index}/_doc/head`)).status).toBe(200);
    expect((await raw(target(), 'HEAD', `/${index}/_doc/not-here`)).status).toBe(404);
    expect((await client.exists({ index, id: 'head' })).body).toBe(true);
    const source = await raw(target(), 'GET', `/${index}/_source/head`);
    expect(source).toEqual({ status: 200, body: { title: 'here', count: 3 } });
  });

  it('POST /{index}/_doc without an id: a generated id, result created', async () => {
    const response = await target().client.index({ index, body: { title: 'no id' } });
    expect(response.statusCode).toBe(201);
    const body = response.body as unknown as WriteBody;
    expect(body).toMatchObject({ result: 'created', _version: 1 });
    expect(typeof body._id === 'string' && body._id.length > 0).toBe(true);
    expect((await target().client.get({ index, id: body._id })).body).toMatchObject({ found: true, _source: { title: 'no id' } });
  });

  it('GET of an id never indexed: 404 with found: false (not an error object)', async () => {
    const response = await raw(target(), 'GET', `/${index}/_doc/never-indexed`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ _index: index, _id: 'never-indexed', found: false });
    expect(response.body.error).toBeUndefined();
  });
});

// https://docs.opensearch.org/docs/api-reference/document-apis/index-document (op_type, PUT <index>/_create/<_id>)
describe('op_type=create', () => {
  it('creates a document that does not exist yet', async () => {
    const response = await target().client.index({ index, id: 'create-new', op_type: 'create', body: { title: 'x' } });
    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({ result: 'created', _version: 1 });
  });

  it('refuses an existing id: 409 version_conflict_engine_exception (op_type=create and _create alike)', async () => {
    const { client } = target();
    await client.index({ index, id: 'create-twice', body: { title: 'x' } });
    expect(await clientError(client.index({ index, id: 'create-twice', op_type: 'create', body: { title: 'y' } }))).toMatchObject({
      status: 409,
      type: 'version_conflict_engine_exception',
    });
    expect(await clientError(client.create({ index, id: 'create-twice', body: { title: 'y' } }))).toMatchObject({
      status: 409,
      type: 'version_conflict_engine_exception',
    });
    expectErrorShape(await raw(target(), 'PUT', `/${index}/_create/create-twice`, { title: 'y' }), 409, 'version_conflict_engine_exception');
    expect((await client.get({ index, id: 'create-twice' })).body).toMatchObject({ _version: 1, _source: { title: 'x' } });
  });
});

// https://docs.opensearch.org/2.5/api-reference/document-apis/index-document (if_seq_no, if_primary_term)
// https://opensearch.org/?p=7864 (OpenSearch error log: VersionConflictEngineException, status 409)
describe('if_seq_no / if_primary_term', () => {
  it('writes with the current sequence number and primary term, refuses stale ones with 409', async () => {
    const { client } = target();
    const first = (await client.index({ index, id: 'occ', body: { count: 1 } })).body as unknown as WriteBody;
    const second = (
      await client.index({ index, id: 'occ', body: { count: 2 }, if_seq_no: first._seq_no, if_primary_term: first._primary_term })
    ).body as unknown as WriteBody;
    expect(second).toMatchObject({ result: 'updated', _version: 2 });

    const stale = await clientError(client.index({ index, id: 'occ', body: { count: 3 }, if_seq_no: first._seq_no, if_primary_term: first._primary_term }));
    expect(stale).toMatchObject({ status: 409, type: 'version_conflict_engine_exception' });
    const staleDelete = await clientError(client.delete({ index, id: 'occ', if_seq_no: first._seq_no, if_primary_term: first._primary_term }));
    expect(staleDelete).toMatchObject({ status: 409, type: 'version_conflict_engine_exception' });
    expectErrorShape(
      await raw(target(), 'PUT', `/${index}/_doc/occ?if_seq_no=${first._seq_no}&if_primary_term=${first._primary_term}`, { count: 4 }),
      409,
      'version_conflict_engine_exception',
    );
    expect((await client.get({ index, id: 'occ' })).body).toMatchObject({ _version: 2, _source: { count: 2 } });
  });

  it('a conditional write to a document that does not exist is a conflict too', async () => {
    const error = await clientError(target().client.index({ index, id: 'occ-missing', body: { count: 1 }, if_seq_no: 0, if_primary_term: 1 }));
    expect(error).toMatchObject({ status: 409, type: 'version_conflict_engine_exception' });
  });
});

// https://docs.opensearch.org/2.5/api-reference/document-apis/index-document (version, version_type:
// external = the given version must be greater than the stored one; the document takes that version)
describe('version_type=external', () => {
  it('takes the caller’s version when it is higher, refuses a lower or equal one with 409', async () => {
    const { client } = target();
    const created = await client.index({ index, id: 'ext', body: { count: 5 }, version: 5, version_type: 'external' });
    expect(created.body).toMatchObject({ result: 'created', _version: 5 });

    const lower = await clientError(client.index({ index, id: 'ext', body: { count: 3 }, version: 3, version_type: 'external' }));
    expect(lower).toMatchObject({ status: 409, type: 'version_conflict_engine_exception' });
    const equal = await clientError(client.index({ index, id: 'ext', body: { count: 5 }, version: 5, version_type: 'external' }));
    expect(equal).toMatchObject({ status: 409, type: 'version_conflict_engine_exception' });

    const higher = await client.index({ index, id: 'ext', body: { count: 10 }, version: 10, version_type: 'external' });
    expect(higher.body).toMatchObject({ result: 'updated', _version: 10 });
    expect((await client.get({ index, id: 'ext' })).body).toMatchObject({ _version: 10, _source: { count: 10 } });
  });
});

// https://docs.opensearch.org/2.15/api-reference/document-apis/update-document
describe('_update', () => {
  it('merges a partial doc into the stored document', async () => {
    const { client } = target();
    await client.index({ index, id: 'upd', body: { title: 'kept', count: 1, tags: ['a'] } });
    const response = await client.update({ index, id: 'upd', body: { doc: { count: 2 } } });
    expect(response.body).toMatchObject({ _id: 'upd', result: 'updated', _version: 2 });
    expect((await client.get({ index, id: 'upd' })).body).toMatchObject({ _version: 2, _source: { title: 'kept', count: 2, tags: ['a'] } });
  });

  it('an update that changes nothing is a noop and keeps the version', async () => {
    const { client } = target();
    await client.index({ index, id: 'noop', body: { title: 'same', count: 1 } });
    const response = await client.update({ index, id: 'noop', body: { doc: { count: 1 } } });
    expect(response.body).toMatchObject({ result: 'noop', _version: 1 });
  });

  it('updating a missing document without upsert: 404 document_missing_exception', async () => {
    const error = await clientError(target().client.update({ index, id: 'upd-missing', body: { doc: { count: 1 } } }));
    expect(error).toMatchObject({ status: 404, type: 'document_missing_exception' });
  });

  it('upsert: its body becomes the document when none exists; otherwise doc is merged', async () => {
    const { client } = target();
    const created = await client.update({ index, id: 'upsert-body', body: { doc: { count: 2 }, upsert: { title: 'initial', count: 1 } } });
    expect(created.body).toMatchObject({ result: 'created', _version: 1 });
    expect((await client.get({ index, id: 'upsert-body' })).body).toMatchObject({ _source: { title: 'initial', count: 1 } });
    await client.update({ index, id: 'upsert-body', body: { doc: { count: 2 }, upsert: { title: 'initial', count: 1 } } });
    expect((await client.get({ index, id: 'upsert-body' })).body).toMatchObject({ _version: 2, _source: { title: 'initial', count: 2 } });
  });

  it('if_seq_no / if_primary_term apply to _update too: stale values are a 409', async () => {
    const { client } = target();
    const first = (await client.index({ index, id: 'upd-occ', body: { count: 1 } })).body as unknown as WriteBody;
    await client.update({ index, id: 'upd-occ', body: { doc: { count: 2 } }, if_seq_no: first._seq_no, if_primary_term: first._primary_term });
    const stale = await clientError(client.update({ index, id: 'upd-occ', body: { doc: { count: 3 } }, if_seq_no: first._seq_no, if_primary_term: first._primary_term }));
    expect(stale).toMatchObject({ status: 409, type: 'version_conflict_engine_exception' });
  });

  it('a partial doc with an unmapped field is refused by the strict mapping', async () => {
    const { client } = target();
    await client.index({ index, id: 'upd-strict', body: { count: 1 } });
    expect(await clientError(client.update({ index, id: 'upd-strict', body: { doc: { unmapped: 1 } } }))).toMatchObject({
      status: 400,
      type: 'strict_dynamic_mapping_exception',
    });
  });

  it('doc_as_upsert creates a missing document from doc, and merges into an existing one', async () => {
    const { client } = target();
    const created = await client.update({ index, id: 'upsert', body: { doc: { title: 'new', count: 1 }, doc_as_upsert: true } });
    expect(created.body).toMatchObject({ result: 'created', _version: 1 });
    expect((await client.get({ index, id: 'upsert' })).body).toMatchObject({ _source: { title: 'new', count: 1 } });
    const merged = await client.update({ index, id: 'upsert', body: { doc: { count: 7 }, doc_as_upsert: true } });
    expect(merged.body).toMatchObject({ result: 'updated', _version: 2 });
    expect((await client.get({ index, id: 'upsert' })).body).toMatchObject({ _source: { title: 'new', count: 7 } });
  });
});

interface BulkItem {
  _index?: string;
  _id?: string;
  status: number;
  result?: string;
  _version?: number;
  error?: { type: string; reason?: string };
}

// https://docs.opensearch.org/latest/api-reference/document-apis/bulk
// https://docs.opensearch.org/latest/im-plugin/indexing-data/ ("If one action in a bulk request fails,
// OpenSearch runs the remaining actions and reports the outcome of each one in the items array of
// the response, in the order in which you specified the actions.")
describe('_bulk', () => {
  it('reports one item per action, in order, keyed by action; errors: true when one failed', async () => {
    const { client } = target();
    await client.index({ index, id: 'bulk-existing', body: { title: 'x', count: 1 } });
    await client.index({ index, id: 'bulk-delete', body: { title: 'x' } });
    const response = await client.bulk({
      refresh: true,
      body: [
        { index: { _index: index, _id: 'bulk-new' } },
        { title: 'new', count: 1 },
        { create: { _index: index, _id: 'bulk-existing' } },
        { title: 'conflict' },
        { update: { _index: index, _id: 'bulk-existing' } },
        { doc: { count: 2 } },
        { delete: { _index: index, _id: 'bulk-delete' } },
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = response.body as unknown as { errors: boolean; items: Record<string, BulkItem>[] };
    expect(body.errors).toBe(true);
    expect(body.items.map((item) => Object.keys(item))).toEqual([['index'], ['create'], ['update'], ['delete']]);
    const [indexed, conflict, updated, deleted] = body.items.map((item) => Object.values(item)[0]);
    expect(indexed).toMatchObject({ _index: index, _id: 'bulk-new', status: 201, result: 'created', _version: 1 });
    expect(indexed?.error).toBeUndefined();
    expect(conflict).toMatchObject({ _id: 'bulk-existing', status: 409, error: { type: 'version_conflict_engine_exception' } });
    expect(updated).toMatchObject({ _id: 'bulk-existing', status: 200, result: 'updated', _version: 2 });
    expect(deleted).toMatchObject({ _id: 'bulk-delete', status: 200, result: 'deleted' });

    expect((await client.get({ index, id: 'bulk-new' })).body).toMatchObject({ found: true, _source: { title: 'new', count: 1 } });
    expect((await client.get({ index, id: 'bulk-existing' })).body).toMatchObject({ _source: { title: 'x', count: 2 } });
    expect((await client.get({ index, id: 'bulk-delete' }, { ignore: [404] })).body).toMatchObject({ found: false });
  });

  it('errors: false when every action succeeded; the index in the path applies to actions without _index', async () => {
    const response = await target().client.bulk({
      index,
      body: [{ index: { _id: 'bulk-path-1' } }, { title: 'a' }, { index: { _id: 'bulk-path-2' } }, { title: 'b' }],
    });
    const body = response.body as unknown as { errors: boolean; items: Record<string, BulkItem>[] };
    expect(body.errors).toBe(false);
    expect(body.items.map((item) => item.index)).toMatchObject([
      { _index: index, _id: 'bulk-path-1', status: 201, result: 'created' },
      { _index: index, _id: 'bulk-path-2', status: 201, result: 'created' },
    ]);
  });

  it('an item refused by a strict mapping fails alone, with strict_dynamic_mapping_exception', async () => {
    const response = await target().client.bulk({
      body: [
        { index: { _index: index, _id: 'bulk-strict-ok' } },
        { title: 'fine' },
        { index: { _index: index, _id: 'bulk-strict-bad' } },
        { title: 'refused', unmapped: true },
      ],
    });
    const body = response.body as unknown as { errors: boolean; items: Record<string, BulkItem>[] };
    expect(body.errors).toBe(true);
    expect(body.items[0]?.index).toMatchObject({ status: 201, result: 'created' });
    expect(body.items[1]?.index).toMatchObject({ _id: 'bulk-strict-bad', status: 400, error: { type: 'strict_dynamic_mapping_exception' } });
  });
});

// https://docs.opensearch.org/3.9/mappings/mapping-parameters/dynamic/ ("strict: Throws an exception.
// The indexing operation fails when new fields are detected.")
describe('dynamic: strict', () => {
  it('refuses a document with an unmapped field: 400 strict_dynamic_mapping_exception, nothing stored', async () => {
    const { client } = target();
    const error = await clientError(client.index({ index, id: 'strict', body: { title: 'x', surprise: 'field' } }));
    expect(error).toMatchObject({ status: 400, type: 'strict_dynamic_mapping_exception' });
    expectErrorShape(await raw(target(), 'PUT', `/${index}/_doc/strict`, { title: 'x', surprise: 'field' }), 400, 'strict_dynamic_mapping_exception', {
      reasonIncludes: 'surprise',
    });
    expect((await client.get({ index, id: 'strict' }, { ignore: [404] })).body).toMatchObject({ found: false });
  });
});
