import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../functions/process-image/image-index.ts';
import { type ChildService, startChildService } from '../child-service.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../config.ts';
import { MAX_BODY_BYTES } from './server.ts';
import { SEARCH_ENGINE_NODE_FLAGS } from './start.ts';

/**
 * The engine's process runs with SEARCH_ENGINE_NODE_FLAGS, which make V8 collect garbage sooner
 * (start.ts); they must not cap what it can hold: the largest _bulk body it accepts
 * (http.max_content_length, 100 MB) is indexed whole.
 */
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'opensearch-large-bulk-'));
let engine: ChildService | undefined;

afterAll(async () => {
  await engine?.stop(0);
  rmSync(dataDir, { recursive: true, force: true });
});

/** NDJSON index actions of ~5 KB documents, up to `limit` bytes in all. */
function bulkBody(limit: number): { body: string; docs: number } {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; ; i++) {
    // Each document differs: titles and tags give the index real postings, the payload bulk.
    const action = JSON.stringify({ index: { _index: 'large', _id: `doc-${i}` } });
    const source = JSON.stringify({ title: `photo ${i} of beach ${i % 97} at sunset`, tag: `tag-${i % 1009}`, n: i, payload: { data: `${i}:`.padEnd(5000, 'x') } });
    const size = action.length + source.length + 2;
    if (bytes + size > limit) return { body: lines.join(''), docs: lines.length / 2 };
    lines.push(`${action}\n`, `${source}\n`);
    bytes += size;
  }
}

describe('a _bulk body as large as the engine accepts', () => {
  it('is indexed whole by the engine process, run with its node flags', async () => {
    engine = await startChildService({ name: 'search engine', main: MAIN, args: ['--data-dir', dataDir, '--port', '0'], nodeFlags: SEARCH_ENGINE_NODE_FLAGS });
    const client = createSearchClient({ searchEndpoint: engine.url, region: LOCAL_REGION }, LOCAL_CREDENTIALS, { requestTimeout: 600_000 });
    try {
      await client.indices.create({ index: 'large', body: { mappings: { properties: { title: { type: 'text' }, tag: { type: 'keyword' }, n: { type: 'integer' }, payload: { type: 'object', enabled: false } } } } });
      const { body, docs } = bulkBody(MAX_BODY_BYTES - 1024);
      expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES - 64 * 1024);
      // The body as NDJSON text: the client's bulk() takes it as an array of objects.
      const response = await client.transport.request({ method: 'POST', path: '/_bulk', body });
      expect(response.statusCode).toBe(200);
      expect(response.body.errors).toBe(false);
      expect(response.body.items).toHaveLength(docs);
      expect((await client.count({ index: 'large' })).body.count).toBe(docs);
      const found = await client.search({ index: 'large', body: { query: { bool: { must: { match: { title: 'beach 42' } }, filter: { term: { tag: 'tag-42' } } } } } });
      expect(found.body.hits.hits[0]?._id).toBe('doc-42');
      expect((await client.get({ index: 'large', id: `doc-${docs - 1}` })).body._source).toMatchObject({ n: docs - 1 });
    } finally {
      await client.close();
    }
  }, 600_000);
});
