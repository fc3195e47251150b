import { describe, expect, it } from 'vitest';
import { loadJudgedSet } from '../../../../bench/eval/judged-set.ts';
import { SEARCH_EXAMPLES, SEARCH_HINT } from './search-examples.ts';

describe('the search box hint', () => {
  const judged = loadJudgedSet();

  it('suggests only judged queries that local vision and Rekognition both answer (no scenes)', () => {
    for (const example of SEARCH_EXAMPLES) {
      const query = judged.queries.find((q) => q.query === example);
      expect(query, `${example} is a judged query of bench/eval`).toBeDefined();
      expect(['object', 'stem', 'synonym']).toContain(query?.kind);
    }
  });

  it('names the examples and printed words, and no scene', () => {
    expect(SEARCH_HINT).toBe('Search: people, cars, cups, words on signs…');
    for (const scene of judged.queries.filter((q) => q.kind === 'scene')) expect(SEARCH_HINT).not.toContain(scene.query);
    expect(SEARCH_HINT).not.toMatch(/beach/);
  });
});
