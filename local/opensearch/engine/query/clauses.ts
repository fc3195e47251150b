import { OpenSearchError, queryShardException, shardFailure } from '../errors.ts';
import { LIMITS } from '../limits.ts';

/**
 * indices.query.bool.max_clause_count, enforced where Lucene enforces it, so that a query fails
 * locally exactly when it fails on OpenSearch 2.x, and before the engine does its expensive part:
 *
 * - BooleanQuery.Builder.add refuses a clause past the limit. That happens while OpenSearch builds
 *   the Lucene query (a bool's clauses, one clause per position of an analyzed match text), inside
 *   QueryShardContext.toQuery, which wraps it: query_shard_exception "failed to create query:
 *   maxClauseCount is set to 1024" caused by too_many_clauses, HTTP 400.
 * - IndexSearcher.rewrite then counts the leaves of the rewritten query (terms, fuzzy expansions,
 *   ranges...) and throws TooManyNestedClauses on the leaf after max + 1 (the visitor checks the count
 *   before adding to it). That exception reaches the client unwrapped: too_many_nested_clauses,
 *   HTTP 500 in 2.x (OpenSearch answers 400 only from 3.x, opensearch-project/OpenSearch#21725).
 * - Before that count, BooleanQuery.rewrite (Lucene 9.12) flattens SHOULD clauses that are pure
 *   disjunctions into their parent when the parent requires at most one SHOULD match, through a
 *   new BooleanQuery.Builder: more than max clauses there throw TooManyClauses during the rewrite,
 *   unwrapped: too_many_clauses "maxClauseCount is set to 1024", HTTP 500 (seen on OpenSearch
 *   2.19.1 by the conformance suite's oracle run).
 *
 * Sources: Lucene 9 IndexSearcher (getNumClausesCheckVisitor, TooManyClauses, TooManyNestedClauses)
 * and BooleanQuery.Builder.add; OpenSearch QueryShardContext.toQuery.
 */
export class ClauseBudget {
  private leaves = 0;
  private flattenedTooWide = false;

  constructor(
    private readonly index: { name: string; uuid: string },
    readonly max: number = LIMITS.maxClauseCount,
  ) {}

  /** A BooleanQuery about to be built with `clauses` clauses. */
  checkBuilder(clauses: number): void {
    if (clauses > this.max) {
      const cause = new OpenSearchError(500, 'too_many_clauses', `maxClauseCount is set to ${this.max}`);
      throw shardFailure(this.index.name, queryShardException(this.index, cause));
    }
  }

  /** A BooleanQuery whose rewrite flattens nested disjunctions into `clauses` clauses. */
  flattened(clauses: number): void {
    if (clauses > this.max) this.flattenedTooWide = true;
  }

  /** Counts leaves of the rewritten query. */
  add(leaves: number): void {
    this.leaves += leaves;
  }

  /** True once the query is sure to fail: further term expansions would be wasted work. */
  get exhausted(): boolean {
    return this.leaves > this.max + 1;
  }

  /** After the whole query compiled: the rewrite-time checks, flattening first. */
  check(): void {
    if (this.flattenedTooWide) {
      throw shardFailure(this.index.name, new OpenSearchError(500, 'too_many_clauses', `maxClauseCount is set to ${this.max}`));
    }
    if (this.exhausted) {
      const cause = new OpenSearchError(500, 'too_many_nested_clauses', `Query contains too many nested clauses; maxClauseCount is set to ${this.max}`);
      throw shardFailure(this.index.name, cause);
    }
  }
}
