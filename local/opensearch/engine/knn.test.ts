/**
 * What the local engine's `knn` leaves out (README, k-NN): radial search, method parameters,
 * rescoring and nested expansion are refused by name, never ignored.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.ts';
import { OpenSearchError } from './errors.ts';
import { Storage } from './storage.ts';

const INDEX = {
  settings: { index: { knn: true } },
  mappings: { properties: { v: { type: 'knn_vector', dimension: 8, data_type: 'binary', space_type: 'hamming', method: { name: 'hnsw', engine: 'faiss' } } } },
};

describe('knn options the local engine does not implement', () => {
  it.each([
    ['max_distance', 2],
    ['min_score', 0.5],
    ['method_parameters', { ef_search: 10 }],
    ['rescore', { oversample_factor: 2 }],
    ['expand_nested_docs', true],
  ])('%s: 400 naming it, not a silently different answer', (option, value) => {
    const engine = new Engine(new Storage(':memory:'));
    engine.createIndex('t', INDEX);
    const search = () => engine.search('t', { query: { knn: { v: { vector: [8], k: 1, [option]: value } } } });
    expect(search).toThrow(OpenSearchError);
    try {
      search();
    } catch (error) {
      expect((error as OpenSearchError).status).toBe(400);
      expect(JSON.stringify((error as OpenSearchError).toBody())).toContain(`[knn] option [${option}] is not supported by the local engine`);
    }
  });
});
