import { util } from '@aws-appsync/utils';
import type { Context, OpenSearchRequest } from '@aws-appsync/utils';
import type { ImageConnection, QuerySimilarImagesArgs } from '../schema/generated/graphql.ts';
import { callerSub } from './lib/identity.ts';
import { IMAGES_INDEX, toImage } from './lib/imageDocument.ts';
import { checkImageId, pageSize } from './lib/inputChecks.ts';
import { INPUT_LIMITS } from './lib/inputLimits.ts';
import { searchResult } from './lib/searchResponse.ts';
import { rankSimilar, similarImagesQuery } from './lib/similarity.ts';

type Stash = { first: number };

/** One search finds the caller's image and its candidates together (see similarImagesQuery). */
export function request(ctx: Context<QuerySimilarImagesArgs, Stash>): OpenSearchRequest {
  const owner = callerSub(ctx.identity);
  checkImageId('id', ctx.args.id);
  ctx.stash.first = pageSize(ctx.args.first, INPUT_LIMITS.similarFirst);
  const body = similarImagesQuery(owner, ctx.args.id, INPUT_LIMITS.similarFirst.max);
  return { operation: 'POST', path: `/${IMAGES_INDEX}/_search`, params: { body } };
}

export function response(ctx: Context<QuerySimilarImagesArgs, Stash>): ImageConnection {
  const hits = searchResult(ctx).hits.hits;
  const source = hits.find((hit) => hit._id === ctx.args.id);
  if (!source) {
    // Unknown, deleted and other users' ids alike, in deleteImage's words.
    util.error(`No image ${ctx.args.id}`, 'NotFound');
  }
  const candidates = hits.filter((hit) => hit._id !== ctx.args.id).map((hit) => ({ doc: hit._source, score: hit._score ?? 0 }));
  const items = rankSimilar(source._source, candidates).slice(0, ctx.stash.first).map(toImage);
  return {
    items,
    totalCount: items.length,
    pageInfo: { hasNextPage: false, endCursor: null },
    facets: { labels: [], formats: [], cameras: [], years: [], duplicates: 0 },
  };
}
