import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { FacetCount } from '../../schema/generated/graphql.ts';
import { FIELD, type ImageDocument } from './imageDocument.ts';

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
  /** `total` is absent when the request set track_total_hits to false. */
  hits: { total?: { value: number; relation: string }; hits: SearchHit[] };
  /** Bucket aggregations (terms, date_histogram) have buckets, metric ones (value_count) a value. */
  aggregations?: Record<string, { buckets?: Bucket[]; value?: number }>;
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
  const buckets = aggregation && aggregation.buckets ? aggregation.buckets : [];
  return buckets.map((bucket) => ({ value: bucket.key_as_string ?? `${bucket.key}`, count: bucket.doc_count }));
}

/**
 * Images that are copies of another of the owner's: the `duplicates` and `nearDuplicates`
 * value_count aggregations of DUPLICATE_AGGS added up (a document has at most one of the two).
 */
export function duplicateCount(response: SearchResponse): number {
  const aggregations = response.aggregations ? response.aggregations : {};
  const count = (name: string): number => {
    const aggregation = aggregations[name];
    return aggregation && aggregation.value ? aggregation.value : 0;
  };
  return count('duplicates') + count('nearDuplicates');
}

/** The aggregations duplicateCount reads. */
export const DUPLICATE_AGGS = {
  duplicates: { value_count: { field: FIELD.duplicateOf } },
  nearDuplicates: { value_count: { field: FIELD.nearDuplicateOf } },
};
