import type { Context, OpenSearchRequest } from '@aws-appsync/utils';
import type { ImageStats } from '../schema/generated/graphql.ts';
import { callerSub } from './lib/identity.ts';
import { FIELD, IMAGES_INDEX } from './lib/imageDocument.ts';
import { DUPLICATE_AGGS, duplicateCount, facetCounts, searchResult } from './lib/searchResponse.ts';

export function request(ctx: Context): OpenSearchRequest {
  const body = {
    size: 0,
    query: { bool: { filter: [{ term: { [FIELD.owner]: callerSub(ctx.identity) } }] } },
    // Deleted images keep only a tombstone, without duplicateOf or nearDuplicateOf: never counted.
    aggs: { statuses: { terms: { field: FIELD.status, size: 10 } }, ...DUPLICATE_AGGS },
  };
  return { operation: 'POST', path: `/${IMAGES_INDEX}/_search`, params: { body } };
}

export function response(ctx: Context): ImageStats {
  const counts: Record<string, number> = {};
  const result = searchResult(ctx);
  for (const bucket of facetCounts(result, 'statuses')) {
    counts[bucket.value] = bucket.count;
  }
  const processing = counts.PROCESSING ?? 0;
  const processed = counts.PROCESSED ?? 0;
  const failed = counts.FAILED ?? 0;
  return { total: processing + processed + failed, processing, processed, failed, duplicates: duplicateCount(result) };
}
