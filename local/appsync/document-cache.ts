/**
 * Parsed documents by their query text. Clients send the same few operations again and again (the
 * processing function's publish mutation with every image, the web app's queries), and parsing and
 * validating one took about 3 ms of the API's event loop per processed image (CPU profile of
 * bench:e2e's throughput phase). Bounded both in entries and in the length of a query it keeps, so
 * a client sending ever new queries only pushes older ones out (first in, first out) and costs
 * what parsing costs without a cache.
 */
import type { DocumentNode } from 'graphql';

const MAX_ENTRIES = 128;
/** Longer queries are parsed every time: the web app's largest operation is a few KB. */
const MAX_QUERY_LENGTH = 8_192;

export class DocumentCache {
  private readonly documents = new Map<string, DocumentNode>();
  /** Documents that passed validation against the schema (the schema does not change). */
  private readonly valid = new WeakSet<DocumentNode>();

  constructor(
    private readonly maxEntries = MAX_ENTRIES,
    private readonly maxQueryLength = MAX_QUERY_LENGTH,
  ) {}

  /** The document parsed from `query`, parsed by `parse` unless known; failures are never kept. */
  parsed<E>(query: string, parse: (query: string) => DocumentNode | E): DocumentNode | E {
    const known = this.documents.get(query);
    if (known) return known;
    const parsed = parse(query);
    if (isDocument(parsed) && query.length <= this.maxQueryLength) {
      if (this.documents.size >= this.maxEntries) this.documents.delete(this.documents.keys().next().value as string);
      this.documents.set(query, parsed);
    }
    return parsed;
  }

  /** `validate`'s problems with `document`, run once for a document that has none. */
  problems<P>(document: DocumentNode, validate: (document: DocumentNode) => readonly P[]): readonly P[] {
    if (this.valid.has(document)) return [];
    const problems = validate(document);
    if (problems.length === 0) this.valid.add(document);
    return problems;
  }
}

function isDocument(value: unknown): value is DocumentNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Document';
}
