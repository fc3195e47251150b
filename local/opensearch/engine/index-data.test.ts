import { describe, expect, it } from 'vitest';
import { TermField } from './index-data.ts';
import type { LeafField } from './mapping.ts';

const KEYWORD = { kind: 'leaf', path: 'labels', declared: 'keyword', type: 'keyword' } as LeafField;

/** A deterministic stream of numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('Postings.freq', () => {
  // Lists of 1, 3 (pooled), 40 and 3,000 (own lists) docs: every storage form a list takes.
  const field = new TermField(KEYWORD, undefined);
  const random = seeded(7);
  const expected = new Map<string, Map<number, number>>();
  for (let doc = 0; doc < 12_000; doc++) {
    const values: string[] = [];
    if (doc === 5_000) values.push('one');
    if (doc % 4_001 === 3) values.push('three');
    if (random() < 40 / 12_000) values.push('forty');
    if (random() < 0.25) values.push('many', 'many');
    else if (random() < 0.1) values.push('many');
    if (values.length === 0) continue;
    field.add(doc, values);
    for (const term of new Set(values)) {
      const docs = expected.get(term) ?? new Map<number, number>();
      docs.set(doc, values.filter((value) => value === term).length);
      expected.set(term, docs);
    }
  }

  it.each(['one', 'three', 'forty', 'many'])('answers %s for every doc, probed in ascending, descending and random order, by one view', (term) => {
    const postings = field.postings(term);
    if (!postings) throw new Error(`no postings for ${term}`);
    const truth = expected.get(term) ?? new Map<number, number>();
    const ascending = Array.from({ length: 12_001 }, (_, doc) => doc);
    const orders = [ascending, [...ascending].reverse(), ascending.map((doc) => ({ doc, key: random() })).sort((a, b) => a.key - b.key).map(({ doc }) => doc)];
    for (const order of orders) {
      const answers = order.map((doc) => [doc, postings.freq(doc)]);
      expect(answers.filter(([, freq]) => freq !== 0)).toEqual(order.filter((doc) => truth.has(doc)).map((doc) => [doc, truth.get(doc)]));
    }
  });

  it('answers a doc added after the view last looked', () => {
    const postings = field.postings('many');
    expect(postings?.freq(11_999)).toBe(expected.get('many')?.get(11_999) ?? 0);
    field.add(20_000, ['many']);
    expect(postings?.freq(20_000)).toBe(1);
    expect(postings?.freq(3)).toBe(expected.get('many')?.get(3) ?? 0);
  });
});
