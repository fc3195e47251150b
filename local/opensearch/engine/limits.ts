import { OpenSearchError, illegalArgument, show } from './errors.ts';

/**
 * The request limits the engine enforces, as OpenSearch 2.x does, with their setting names and
 * defaults (local/opensearch/README.md lists them with their sources). Node and cluster settings
 * are fixed at their defaults; index settings can be set per index like OpenSearch's.
 */
export const LIMITS = {
  /** indices.query.bool.max_clause_count (static node setting): Lucene's IndexSearcher.maxClauseCount. */
  maxClauseCount: 1024,
  /** search.max_buckets (cluster setting): buckets of all multi-bucket aggregations of one response. */
  maxBuckets: 65535,
  /** Lucene's IndexWriter.MAX_TERM_LENGTH: the longest indexed term, in UTF-8 bytes. */
  maxTermBytes: 32766,
  /** max_token_length of the standard, whitespace and letter tokenizers (Lucene's default). */
  maxTokenLength: 255,
  /** opensearch.xcontent.depth.max (JVM property): Jackson's StreamReadConstraints maxNestingDepth. */
  maxNestingDepth: 1000,
} as const;

/**
 * A parsed JSON value nesting objects and arrays deeper than Jackson allows OpenSearch (2.12 and
 * later) to parse: stream_constraints_exception. Walked without recursion, however deep it is.
 */
export function nestingTooDeep(value: unknown): OpenSearchError | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > LIMITS.maxNestingDepth) {
      return new OpenSearchError(
        500,
        'stream_constraints_exception',
        `Document nesting depth (${depth}) exceeds the maximum allowed (${LIMITS.maxNestingDepth}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      );
    }
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}

/** Index settings (index.*) that bound a request, with OpenSearch's defaults. */
export interface IndexLimits {
  /** index.max_result_window: from + size of a search. */
  maxResultWindow: number;
  /** index.max_terms_count: values of one terms query. */
  maxTermsCount: number;
  /** index.mapping.total_fields.limit: object and leaf fields (multi-fields included) of the mapping. */
  totalFields: number;
  /** index.mapping.depth.limit: how deep object fields nest (the root object is depth 1). */
  mappingDepth: number;
}

const INDEX_DEFAULTS: { [K in keyof IndexLimits]: { key: string; value: number } } = {
  maxResultWindow: { key: 'max_result_window', value: 10_000 },
  maxTermsCount: { key: 'max_terms_count', value: 65_536 },
  totalFields: { key: 'mapping.total_fields.limit', value: 1000 },
  mappingDepth: { key: 'mapping.depth.limit', value: 20 },
};

/** The setting's full name, for error messages ("index.max_result_window"). */
export const settingName = (limit: keyof IndexLimits): string => `index.${INDEX_DEFAULTS[limit].key}`;

type Json = Record<string, unknown>;

/**
 * A setting as OpenSearch accepts it in create-index settings: nested (`{index: {max_result_window}}`),
 * flat (`{"index.max_result_window": n}`) or without the `index.` prefix, which it adds.
 */
export function indexSetting(settings: Json, path: string): unknown {
  const nested = (root: unknown, parts: string[]): unknown =>
    parts.reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Json)[part] : undefined), root);
  const parts = path.split('.');
  return settings[`index.${path}`] ?? settings[path] ?? nested(settings.index, parts) ?? nested(settings, parts);
}

/** The index's limits; a value that is not a whole number of at least 1 is refused, as OpenSearch refuses it. */
export function indexLimits(settings: Json): IndexLimits {
  const out = {} as IndexLimits;
  for (const [name, { key, value }] of Object.entries(INDEX_DEFAULTS) as [keyof IndexLimits, { key: string; value: number }][]) {
    const raw = indexSetting(settings, key);
    const n = raw === undefined ? value : typeof raw === 'number' || typeof raw === 'string' ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 1) throw illegalArgument(`Failed to parse value [${show(raw)}] for setting [index.${key}] must be >= 1`);
    out[name] = n;
  }
  return out;
}
