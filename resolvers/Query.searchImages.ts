import type { Context, OpenSearchRequest } from '@aws-appsync/utils';
import type { ImageConnection, ImageFacets, ImageSort, QuerySearchImagesArgs } from '../schema/generated/graphql.ts';
import { encodeCursor } from './lib/cursor.ts';
import { callerSub } from './lib/identity.ts';
import { IMAGES_INDEX, toImage } from './lib/imageDocument.ts';
import { type SearchExtras, searchPlan } from './lib/imageSearch.ts';
import { duplicateCount, facetCounts, searchResult, type SearchResponse } from './lib/searchResponse.ts';
import { maySelect } from './lib/selection.ts';

type Stash = { page: { first: number; sort: ImageSort }; extras: SearchExtras };

export function request(ctx: Context<QuerySearchImagesArgs, Stash>): OpenSearchRequest {
  const extras = maySelect(ctx.info);
  const plan = searchPlan(callerSub(ctx.identity), ctx.args, extras);
  ctx.stash.page = plan.page;
  ctx.stash.extras = extras;
  return { operation: 'POST', path: `/${IMAGES_INDEX}/_search`, params: { body: plan.body } };
}

/** Fields the query did not select are answered empty: AppSync never sends them. */
export function response(ctx: Context<QuerySearchImagesArgs, Stash>): ImageConnection {
  const result = searchResult(ctx);
  const { page: { first, sort }, extras } = ctx.stash;
  const hits = result.hits.hits;
  const page = hits.slice(0, first);
  const last = page[page.length - 1];
  return {
    items: page.map((hit) => toImage(hit._source)),
    totalCount: extras.totalCount && result.hits.total ? result.hits.total.value : 0,
    pageInfo: {
      hasNextPage: hits.length > first,
      endCursor: last && last.sort ? encodeCursor(sort, last.sort) : null,
    },
    facets: extras.facets ? facets(result) : { labels: [], formats: [], cameras: [], years: [], duplicates: 0 },
  };
}

function facets(result: SearchResponse): ImageFacets {
  return {
    labels: facetCounts(result, 'labels'),
    formats: facetCounts(result, 'formats'),
    cameras: facetCounts(result, 'cameras'),
    years: facetCounts(result, 'years'),
    duplicates: duplicateCount(result),
  };
}
