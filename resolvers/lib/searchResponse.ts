import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { FacetCount } from '../../schema/generated/graphql.ts';
import type { ImageDocument } from './imageDocument.ts';

/** The parts of an OpenSearch `_search` response the resolvers read. */
export interface SearchHit {
  _id: string;
  _source: ImageDocument;
  /** Null when the search sorts on fields other than `_score` alone (unless track_scores). */
  _score?: number | null;
  sort?: (string | number)[];
}

export interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
}

export interface SearchResponse {
  hits: { total: { value: number; relation: string }; hits: SearchHit[] };
  aggregations?: Record<string, { buckets: Bucket[] }>;
}

/** The search result, or the data source's failure raised as the field's error. */
export function searchResult(ctx: Context): SearchResponse {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result as SearchResponse;
}

/** Buckets of a terms or date_histogram aggregation as facet counts (dates by their format). */
export function facetCounts(response: SearchResponse, name: string): FacetCount[] {
  const aggregation = response.aggregations ? response.aggregations[name] : undefined;
  const buckets = aggregation ? aggregation.buckets : [];
  return buckets.map((bucket) => ({ value: bucket.key_as_string ?? `${bucket.key}`, count: bucket.doc_count }));
}
