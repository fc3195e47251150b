/**
 * Search conformance cases as data: a corpus (mapping + documents), then requests with the hits,
 * totals, aggregations or error each must produce. Every group names the documentation page its
 * expectations come from; the expectations are OpenSearch's documented behaviour, not whatever the
 * local engine happens to do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  type SearchResult,
  type Target,
  createIndex,
  expectErrorShape,
  expectRankedGroups,
  ids,
  loadDocuments,
  raw,
  search,
} from './harness.ts';

export interface Corpus {
  /** Short name, part of the index name. */
  name: string;
  /** The body of PUT /{index}. */
  index: Json;
  docs: Record<string, Json>;
}

export interface SearchCase {
  name: string;
  /** The body of POST /{index}/_search. */
  body: Json;
  /** The hits, in exactly this order. */
  ids?: string[];
  /** The hits in these groups: groups in order, any order within a group (documented ties). */
  ranked?: string[][];
  /** The hits, in any order. */
  anyOrder?: string[];
  total?: { value: number; relation: string };
  /** Matched (toMatchObject) against `aggregations`. */
  aggregations?: Json;
  /**
   * The request must fail with this status, error type (top level) and/or first root cause type;
   * checked on the raw HTTP response.
   */
  error?: { status: number; type?: string; rootCause?: string; reasonIncludes?: string };
  /** Further checks on the response. */
  check?: (result: SearchResult) => void;
}

export interface CaseGroup {
  title: string;
  /** The documentation page the expectations come from. */
  doc: string;
  cases: SearchCase[];
}

/** One index per corpus per file, created and filled before its cases run. */
export function describeSearchCases(target: () => Target, corpus: Corpus, groups: CaseGroup[]): void {
  let index = '';
  describe(`corpus ${corpus.name}`, () => {
    beforeAll(async () => {
      index = target().indexName(corpus.name);
      await createIndex(target(), index, corpus.index);
      await loadDocuments(target(), index, corpus.docs);
    }, 60_000);

    for (const group of groups) {
      describe(group.title, () => {
        for (const testCase of group.cases) {
          it(testCase.name, async () => {
            await runCase(target(), index, testCase, group.doc);
          });
        }
      });
    }
  });
}

export async function runCase(target: Target, index: string, testCase: SearchCase, doc: string): Promise<void> {
  const context = `${testCase.name}\nrequest: POST /${index}/_search ${JSON.stringify(testCase.body)}\nper ${doc}`;
  if (testCase.error) {
    const response = await raw(target, 'POST', `/${index}/_search`, testCase.body);
    const { status, type, rootCause, reasonIncludes } = testCase.error;
    expectErrorShape(response, status, type, { rootCause, reasonIncludes });
    return;
  }
  const result = await search(target, index, testCase.body);
  if (testCase.ids) expect(ids(result), context).toEqual(testCase.ids);
  if (testCase.anyOrder) expect([...ids(result)].sort(), context).toEqual([...testCase.anyOrder].sort());
  if (testCase.ranked) expectRankedGroups(result, testCase.ranked);
  if (testCase.total) expect(result.hits.total, context).toEqual(testCase.total);
  if (testCase.aggregations) expect(result.aggregations, context).toMatchObject(testCase.aggregations);
  testCase.check?.(result);
}
