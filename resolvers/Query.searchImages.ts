import type { Context, OpenSearchRequest } from '@aws-appsync/utils';
import type { ImageConnection, ImageSort, QuerySearchImagesArgs } from '../schema/generated/graphql.ts';
import { encodeCursor } from './lib/cursor.ts';
import { callerSub } from './lib/identity.ts';
import { IMAGES_INDEX, toImage } from './lib/imageDocument.ts';
import { searchPlan } from './lib/imageSearch.ts';
import { duplicateCount, facetCounts, searchResult } from './lib/searchResponse.ts';

type Stash = { page: { first: number; sort: ImageSort } };

export function request(ctx: Context<QuerySearchImagesArgs, Stash>): OpenSearchRequest {
  const plan = searchPlan(callerSub(ctx.identity), ctx.args);
  ctx.stash.page = plan.page;
  return { operation: 'POST', path: `/${IMAGES_INDEX}/_search`, params: { body: plan.body } };
}

export function response(ctx: Context<QuerySearchImagesArgs, Stash>): ImageConnection {
  const result = searchResult(ctx);
  const { first, sort } = ctx.stash.page;
  const hits = result.hits.hits;
  const page = hits.slice(0, first);
  const last = page[page.length - 1];
  return {
    items: page.map((hit) => toImage(hit._source)),
    totalCount: result.hits.total.value,
    pageInfo: {
      hasNextPage: hits.length > first,
      endCursor: last && last.sort ? encodeCursor(sort, last.sort) : null,
    },
    facets: {
      labels: facetCounts(result, 'labels'),
      formats: facetCounts(result, 'formats'),
      cameras: facetCounts(result, 'cameras'),
      years: facetCounts(result, 'years'),
      duplicates: duplicateCount(result),
    },
  };
}
