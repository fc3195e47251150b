import type { Context, OpenSearchRequest } from '@aws-appsync/utils';
import type { QueryImageArgs } from '../schema/generated/graphql.ts';
import { callerSub } from './lib/identity.ts';
import { FIELD, IMAGES_INDEX, toImage } from './lib/imageDocument.ts';
import { checkImageId } from './lib/inputChecks.ts';
import { searchResult } from './lib/searchResponse.ts';

/**
 * A search rather than GET /_doc/{id}: the owner filter sits in the query itself, so another
 * user's image is indistinguishable from a missing one, and the id never becomes part of a path.
 */
export function request(ctx: Context<QueryImageArgs>): OpenSearchRequest {
  const owner = callerSub(ctx.identity);
  checkImageId('id', ctx.args.id);
  const body = {
    size: 1,
    query: {
      bool: {
        filter: [{ ids: { values: [ctx.args.id] } }, { term: { [FIELD.owner]: owner } }],
        must_not: [{ term: { [FIELD.status]: 'DELETED' } }],
      },
    },
  };
  return { operation: 'POST', path: `/${IMAGES_INDEX}/_search`, params: { body } };
}

export function response(ctx: Context<QueryImageArgs>): ReturnType<typeof toImage> | null {
  const hit = searchResult(ctx).hits.hits[0];
  return hit ? toImage(hit._source) : null;
}
