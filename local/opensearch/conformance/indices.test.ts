/** Index APIs: create, exists, delete, and their documented errors. */
import { describe, expect, it } from 'vitest';
import { clientError, expectErrorShape, raw, useTarget } from './harness.ts';

const target = useTarget();

// https://docs.opensearch.org/docs/latest/api-reference/index-apis/create-index/
// https://docs.opensearch.org/3.9/api-reference/index-apis/exists/
// https://docs.opensearch.org/3.0/api-reference/index-apis/delete-index
// https://docs.opensearch.org/latest/mappings (field types a mapping may declare)
// (the pages state the naming and type rules; the error type names are those OpenSearch answers with)
describe('index create / exists / delete', () => {
  it('creates an index: acknowledged, named in the response; then it exists', async () => {
    const { client, indexName } = target();
    const index = indexName('create');
    const created = await client.indices.create({
      index,
      body: { settings: { number_of_shards: 1 }, mappings: { properties: { title: { type: 'text' } } } },
    });
    expect(created.body).toMatchObject({ acknowledged: true, index });
    expect((await client.indices.exists({ index })).body).toBe(true);
  });

  it('HEAD /{index}: 200 when it exists, 404 when it does not', async () => {
    const { indexName, client } = target();
    const index = indexName('head');
    await client.indices.create({ index });
    expect((await raw(target(), 'HEAD', `/${index}`)).status).toBe(200);
    expect((await raw(target(), 'HEAD', `/${indexName('never-created')}`)).status).toBe(404);
    expect((await client.indices.exists({ index: indexName('never-created-either') })).body).toBe(false);
  });

  it('creating an existing index fails: 400 resource_already_exists_exception', async () => {
    const { client, indexName } = target();
    const index = indexName('twice');
    await client.indices.create({ index });
    const error = await clientError(client.indices.create({ index }));
    expect(error).toMatchObject({ status: 400, type: 'resource_already_exists_exception' });
    expectErrorShape(await raw(target(), 'PUT', `/${index}`, {}), 400, 'resource_already_exists_exception');
  });

  it('a mapping with an unknown field type is refused: 400 mapper_parsing_exception, no index created', async () => {
    const { client, indexName } = target();
    const index = indexName('bad-mapping');
    const response = await raw(target(), 'PUT', `/${index}`, { mappings: { properties: { title: { type: 'no_such_type' } } } });
    expectErrorShape(response, 400, 'mapper_parsing_exception', { reasonIncludes: 'no_such_type' });
    expect((await client.indices.exists({ index })).body).toBe(false);
  });

  it('deletes an index: acknowledged, then it no longer exists', async () => {
    const { client, indexName } = target();
    const index = indexName('delete');
    await client.indices.create({ index });
    expect((await client.indices.delete({ index })).body).toMatchObject({ acknowledged: true });
    expect((await client.indices.exists({ index })).body).toBe(false);
  });

  it('deleting a missing index fails: 404 index_not_found_exception', async () => {
    const { client, indexName } = target();
    const index = indexName('missing');
    expect(await clientError(client.indices.delete({ index }))).toMatchObject({ status: 404, type: 'index_not_found_exception' });
    expectErrorShape(await raw(target(), 'DELETE', `/${index}`), 404, 'index_not_found_exception');
  });

  it('index names must be lowercase and not start with _ or -: 400 invalid_index_name_exception', async () => {
    const { indexName } = target();
    const lower = indexName('naming');
    expectErrorShape(await raw(target(), 'PUT', `/${lower.toUpperCase()}`, {}), 400, 'invalid_index_name_exception');
    expectErrorShape(await raw(target(), 'PUT', `/_${lower}`, {}), 400, 'invalid_index_name_exception');
    expectErrorShape(await raw(target(), 'PUT', `/-${lower}`, {}), 400, 'invalid_index_name_exception');
  });

  it('searching or reading a document of a missing index fails: 404 index_not_found_exception', async () => {
    const { indexName } = target();
    const index = indexName('missing-search');
    expectErrorShape(await raw(target(), 'POST', `/${index}/_search`, { query: { match_all: {} } }), 404, 'index_not_found_exception');
    expectErrorShape(await raw(target(), 'GET', `/${index}/_doc/1`), 404, 'index_not_found_exception');
  });
});
