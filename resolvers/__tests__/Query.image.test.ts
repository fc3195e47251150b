import { describe, expect, it } from 'vitest';
import * as image from '../Query.image.ts';
import * as stats from '../Query.imageStats.ts';
import { ALICE, IAM_IDENTITY, context, run } from './context.ts';

describe('Query.image', () => {
  it('looks the id up within the caller’s own, undeleted images', () => {
    const { result } = run(image.request, context({ args: { id: '01JD0000000000000000000000' } }));
    expect(result).toEqual({
      operation: 'POST',
      path: '/images/_search',
      params: {
        body: {
          size: 1,
          query: {
            bool: {
              filter: [{ ids: { values: ['01JD0000000000000000000000'] } }, { term: { ownerSub: ALICE } }],
              must_not: [{ term: { status: 'DELETED' } }],
            },
          },
        },
      },
    });
  });

  it('refuses callers without a user identity', () => {
    expect(run(image.request, context({ args: { id: 'x' }, identity: IAM_IDENTITY })).error?.errorType).toBe('Unauthorized');
  });

  it('returns the image, or null when nothing matched', () => {
    const source = { id: 'A', ownerSub: ALICE, location: { lat: 10, lon: 20 }, altitude: null };
    const found = run(image.response, context({ result: { hits: { total: { value: 1 }, hits: [{ _id: 'A', _source: source }] } } }));
    expect(found.result).toEqual({ ...source, location: { lat: 10, lon: 20, altitude: null } });
    const missing = run(image.response, context({ result: { hits: { total: { value: 0 }, hits: [] } } }));
    expect(missing.result).toBeNull();
    expect(missing.error).toBeUndefined();
  });

  it('raises data source failures', () => {
    const { error } = run(image.response, context({ error: { message: 'timeout', type: 'OpenSearch:Timeout' } }));
    expect(error).toEqual(expect.objectContaining({ message: 'timeout', errorType: 'OpenSearch:Timeout' }));
  });
});

describe('Query.imageStats', () => {
  it('counts the caller’s images per status', () => {
    expect(run(stats.request, context()).result).toEqual({
      operation: 'POST',
      path: '/images/_search',
      params: {
        body: {
          size: 0,
          query: { bool: { filter: [{ term: { ownerSub: ALICE } }] } },
          aggs: {
            statuses: { terms: { field: 'status', size: 10 } },
            duplicates: { value_count: { field: 'duplicateOf' } },
            nearDuplicates: { value_count: { field: 'nearDuplicateOf' } },
          },
        },
      },
    });
  });

  it('maps buckets to counts; deleted images are not counted in the total', () => {
    const buckets = [
      { key: 'PROCESSED', doc_count: 12 },
      { key: 'DELETED', doc_count: 4 },
      { key: 'FAILED', doc_count: 1 },
    ];
    const { result } = run(
      stats.response,
      context({
        result: { hits: { total: { value: 17 }, hits: [] }, aggregations: { statuses: { buckets }, duplicates: { value: 2 }, nearDuplicates: { value: 3 } } },
      }),
    );
    expect(result).toEqual({ total: 13, processing: 0, processed: 12, failed: 1, duplicates: 5 });
  });
});
