import { describe, expect, it } from 'vitest';
import * as similar from '../Query.similarImages.ts';
import type { ImageDocument } from '../lib/imageDocument.ts';
import { colorOverlap, duplicateTier, hammingDistance, rankSimilar, sharedColors } from '../lib/similarity.ts';
import { imageDocument } from '../../local/appsync/testing/fixtures.ts';
import { ALICE, IAM_IDENTITY, context, run } from './context.ts';

const SOURCE_ID = '01JD00000000000000000000S0';
const doc = (id: string, overrides: Partial<ImageDocument> = {}) => imageDocument(ALICE, id, overrides);
const hit = (source: ImageDocument, score: number) => ({ _id: source.id, _score: score, _source: source });

function respond(hits: ReturnType<typeof hit>[], first = 12) {
  const result = { hits: { total: { value: hits.length, relation: 'eq' }, hits } };
  return run(similar.response, context({ args: { id: SOURCE_ID }, result, stash: { first } }));
}

describe('Query.similarImages request', () => {
  it('one search: the caller’s image by id, and more_like_this candidates, both within the caller’s undeleted images', () => {
    const ctx = context({ args: { id: SOURCE_ID, first: 5 } });
    const { result, error } = run(similar.request, ctx);
    expect(error).toBeUndefined();
    expect(ctx.stash).toEqual({ first: 5 });
    const body = (result as { path: string; params: { body: Record<string, unknown> } }).params.body;
    expect((result as { path: string }).path).toBe('/images/_search');
    expect(body).toMatchObject({
      size: 51,
      track_scores: true,
      query: {
        bool: {
          filter: [{ term: { ownerSub: ALICE } }],
          must_not: [{ term: { status: 'DELETED' } }],
          should: [
            { constant_score: { filter: { ids: { values: [SOURCE_ID] } } } },
            {
              bool: {
                filter: [{ term: { status: 'PROCESSED' } }],
                must_not: [{ term: { moderated: true } }],
                should: [
                  { more_like_this: { like: [{ _id: SOURCE_ID }], fields: ['labelNames.keyword', 'detectedText', 'sha256', 'perceptualHash'] } },
                  { term: { duplicateOf: SOURCE_ID } },
                  { term: { nearDuplicateOf: SOURCE_ID } },
                ],
                minimum_should_match: 1,
              },
            },
          ],
          minimum_should_match: 1,
        },
      },
    });
  });

  it('refuses callers without a user identity', () => {
    expect(run(similar.request, context({ args: { id: SOURCE_ID }, identity: IAM_IDENTITY })).error?.errorType).toBe('Unauthorized');
  });
});

describe('Query.similarImages response', () => {
  const source = doc(SOURCE_ID, { sha256: 'a'.repeat(64), perceptualHash: 'ffff0000ffff0000', dominantColors: [{ hex: '#336699', pixelPercent: 60 }] });

  it('fails with NotFound when the image itself is not among the hits (unknown, deleted or someone else’s)', () => {
    const { result, error } = respond([hit(doc('01JD00000000000000000000C1'), 3)]);
    expect(result).toBeUndefined();
    expect(error).toEqual(expect.objectContaining({ errorType: 'NotFound', message: `No image ${SOURCE_ID}` }));
  });

  it('puts the same bytes first, then near-duplicates, then by relevance; never the image itself', () => {
    const related = doc('01JD00000000000000000000C1', { perceptualHash: 'ffff0000ffff01ff' });
    const copy = doc('01JD00000000000000000000C2', { sha256: 'a'.repeat(64), duplicateOf: SOURCE_ID });
    const resized = doc('01JD00000000000000000000C3', { perceptualHash: 'ffff0000ffff000f' });
    const weaker = doc('01JD00000000000000000000C4');
    const { result, error } = respond([hit(source, 1_000_000), hit(related, 9), hit(weaker, 1), hit(resized, 2), hit(copy, 3)]);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false, endCursor: null }, facets: { labels: [], formats: [], cameras: [], years: [] } });
    expect(result?.items.map((item) => item.id)).toEqual([copy.id, resized.id, related.id, weaker.id]);
  });

  it('lets matching colours lift an image among equally relevant ones, and cuts at first', () => {
    const grey = doc('01JD00000000000000000000C1', { dominantColors: [{ hex: '#808080', pixelPercent: 80 }] });
    const blue = doc('01JD00000000000000000000C2', { dominantColors: [{ hex: '#30659a', pixelPercent: 70 }] });
    const other = doc('01JD00000000000000000000C3');
    expect(respond([hit(source, 1_000_000), hit(grey, 2), hit(other, 2), hit(blue, 2)], 2).result?.items.map((item) => item.id)).toEqual([blue.id, grey.id]);
  });

  it('raises data source failures', () => {
    const { error } = run(similar.response, context({ args: { id: SOURCE_ID }, error: { message: 'timeout', type: 'OpenSearch:Timeout' }, stash: { first: 1 } }));
    expect(error).toEqual(expect.objectContaining({ message: 'timeout', errorType: 'OpenSearch:Timeout' }));
  });
});

describe('similarity rules', () => {
  it('counts differing bits of hex hashes, and nothing for missing or unequal ones', () => {
    expect(hammingDistance('ffff0000ffff0000', 'ffff0000ffff0000')).toBe(0);
    expect(hammingDistance('ffff0000ffff0000', 'FFFF0000FFFF00FF')).toBe(8);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance(null, 'ffff')).toBeNull();
    expect(hammingDistance('ff', 'ffff')).toBeNull();
  });

  it('tiers: same bytes 2, a perceptual hash within 8 bits or a nearDuplicateOf link 1, else 0', () => {
    const a = { id: 'A', sha256: 's', perceptualHash: '00000000000000ff', duplicateOf: null, dominantColors: [] };
    expect(duplicateTier(a, { ...a, id: 'B' })).toBe(2);
    expect(duplicateTier(a, { ...a, id: 'B', sha256: 't', duplicateOf: 'A' })).toBe(2);
    expect(duplicateTier({ ...a, duplicateOf: 'B' }, { ...a, id: 'B', sha256: 't' })).toBe(2);
    expect(duplicateTier(a, { ...a, id: 'B', sha256: 't', perceptualHash: '0000000000000000' })).toBe(1);
    expect(duplicateTier(a, { ...a, id: 'B', sha256: 't', perceptualHash: '0000000000ffffff' })).toBe(0);
    expect(duplicateTier(a, { ...a, id: 'B', sha256: 't', perceptualHash: null, nearDuplicateOf: 'A' })).toBe(1);
    expect(duplicateTier({ ...a, nearDuplicateOf: 'B' }, { ...a, id: 'B', sha256: 't', perceptualHash: null })).toBe(1);
  });

  it('colours match within a small RGB distance; overlap weighs them by area', () => {
    const sky = [{ hex: '#3366cc', pixelPercent: 50 }, { hex: '#ffffff', pixelPercent: 30 }];
    expect(sharedColors(sky, [{ hex: '#3a6ad0', pixelPercent: 20 }])).toEqual([sky[0]]);
    expect(sharedColors(sky, [{ hex: '#cc3333', pixelPercent: 90 }])).toEqual([]);
    expect(colorOverlap(sky, [{ hex: '#3a6ad0', pixelPercent: 20 }, { hex: '#fefefe', pixelPercent: 70 }])).toBeCloseTo(0.5);
    expect(colorOverlap(sky, [])).toBe(0);
  });

  it('keeps the engine’s order among equals', () => {
    const plain = (id: string) => ({ id, sha256: id, perceptualHash: null, duplicateOf: null, dominantColors: [] });
    const ranked = rankSimilar(plain('S'), ['1', '2', '3'].map((id) => ({ doc: plain(id), score: 1 })));
    expect(ranked.map((d) => d.id)).toEqual(['1', '2', '3']);
  });
});
