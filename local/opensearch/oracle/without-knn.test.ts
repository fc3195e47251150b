import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { IMAGE_INDEX_MAPPING } from '../../../functions/process-image/image-index-mapping.ts';
import { startWithoutKnnProxy, withoutKnn } from './without-knn.ts';

describe('the oracle without k-NN', () => {
  it('maps knn_vector fields to byte arrays and drops index.knn, leaving the rest as it was', () => {
    const body = { settings: { 'index.knn': true, index: { knn: true, number_of_shards: 1 }, analysis: { analyzer: {} } }, mappings: { dynamic: 'strict', properties: { v: { type: 'knn_vector', dimension: 64 }, o: { type: 'object', properties: { w: { type: 'knn_vector' } } }, t: { type: 'text', fields: { k: { type: 'keyword' } } } } } };
    expect(withoutKnn(body)).toEqual({ settings: { index: { number_of_shards: 1 }, analysis: { analyzer: {} } }, mappings: { dynamic: 'strict', properties: { v: { type: 'byte' }, o: { type: 'object', properties: { w: { type: 'byte' } } }, t: { type: 'text', fields: { k: { type: 'keyword' } } } } } });
    expect(JSON.stringify(withoutKnn(IMAGE_INDEX_MAPPING as never))).not.toContain('knn');
  });

  it('rewrites only index creation, and passes bodies it cannot parse through unchanged', async () => {
    const seen: { method?: string; url?: string; body: string }[] = [];
    const upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, body });
        response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const proxy = await startWithoutKnnProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    try {
      const mapping = JSON.stringify({ mappings: { properties: { v: { type: 'knn_vector' } } } });
      const created = await fetch(`${proxy.url}/images`, { method: 'PUT', body: mapping, headers: { 'content-type': 'application/json' } });
      expect([created.status, await created.json()]).toEqual([201, { ok: true }]);
      await fetch(`${proxy.url}/images/_doc/1`, { method: 'PUT', body: mapping, headers: { 'content-type': 'application/json' } });
      await fetch(`${proxy.url}/broken`, { method: 'PUT', body: '{not json', headers: { 'content-type': 'application/json' } });
      expect(seen).toEqual([
        { method: 'PUT', url: '/images', body: JSON.stringify({ mappings: { properties: { v: { type: 'byte' } } } }) },
        { method: 'PUT', url: '/images/_doc/1', body: mapping },
        { method: 'PUT', url: '/broken', body: '{not json' },
      ]);
    } finally {
      await proxy.close();
      upstream.close();
    }
  });
});
