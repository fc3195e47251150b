import { OpenSearchError, illegalArgument, parsingError, queryShardException, shardFailure, show } from '../errors.ts';
import { VectorField } from '../index-data.ts';
import { hamming, vectorByte } from '../vectors.ts';
import { compileQuery } from './compile.ts';
import { NO_MATCH, asObject, fieldEntry, leafField, numberOption, type Matcher, type QueryContext } from './types.ts';

/**
 * The score as OpenSearch sends it: a Java float, written as the shortest decimal that reads back
 * as the same float (1/3 is 0.33333334, not 0.3333333432674408).
 */
export function javaFloat(value: number): number {
  const float = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(float.toPrecision(digits));
    if (Math.fround(shortest) === float) return shortest;
  }
  return Number(float.toPrecision(9));
}

/** KNNQueryBuilder.K_MAX: the most neighbours one query asks for. */
export const K_MAX = 10_000;
/**
 * What KNNQueryBuilderParser reads. Radial search, method parameters, rescoring and nested
 * expansion are refused with a 400 naming the option (knn.test.ts): the pipeline uses none of them.
 */
const KNN_KEYS = ['vector', 'k', 'filter', 'boost', '_name', 'ignore_unmapped'];
const REFUSED_LOCALLY = ['max_distance', 'min_score', 'method_parameters', 'rescore', 'expand_nested_docs'];

/**
 * The k-NN plugin's `knn` query on a binary knn_vector field (hamming space): the k documents whose
 * vectors are nearest the query vector, among those matching `filter` when there is one, each
 * scored 1 / (1 + hamming distance) (times boost), as a 32-bit float.
 *
 * Exact, where the plugin's HNSW graph is approximate: Faiss may miss a neighbour, the local engine
 * never does (the plugin switches to exact search too when the filter leaves few documents).
 * Linear in the candidates: a first pass counts candidates per distance (0..dimension), which fixes
 * the cut-off distance of the k nearest; a second takes them, lower doc numbers first among equals.
 */
export function knnQuery(ctx: QueryContext, spec: unknown): Matcher {
  const [name, raw] = fieldEntry(asObject(spec, 'knn'), 'knn');
  const options = asObject(raw, 'knn');
  for (const key of Object.keys(options)) {
    if (REFUSED_LOCALLY.includes(key)) throw parsingError(`[knn] option [${key}] is not supported by the local engine`);
    if (!KNN_KEYS.includes(key)) throw parsingError(`[knn] unknown field [${key}]`);
  }
  // KNNQueryBuilder.Builder.validate, at parse time: plain illegal_argument_exception, 400.
  const vector = options.vector;
  if (vector === undefined || vector === null) throw illegalArgument('[knn] requires query vector');
  if (!Array.isArray(vector)) throw parsingError(`[knn] field [vector] must be an array of numbers, got [${show(vector)}]`);
  if (vector.length === 0) throw illegalArgument('[knn] query vector is empty');
  if (vector.some((v) => typeof v !== 'number')) throw parsingError('[knn] field [vector] must be an array of numbers');
  if (options.k === undefined) throw illegalArgument('[knn] requires exactly one of k, distance or score to be set');
  const k = Number(options.k);
  if (!Number.isInteger(k)) throw parsingError(`[knn] field [k] must be an integer, got [${show(options.k)}]`);
  if (k <= 0 || k > K_MAX) throw illegalArgument(`[knn] requires k to be in the range (0, ${K_MAX}]`);
  const boost = numberOption(options.boost, 1);
  const filter = options.filter === undefined ? undefined : compileQuery(ctx, options.filter, false);
  ctx.clauses.add(1);

  // KNNQueryBuilder.doToQuery, on the shard: query_shard_exception "failed to create query: ...".
  const refuse = (reason: string): OpenSearchError =>
    shardFailure(ctx.index, queryShardException({ name: ctx.index, uuid: ctx.uuid }, illegalArgument(reason)));
  const field = leafField(ctx, name);
  if (!field && options.ignore_unmapped === true) return NO_MATCH;
  if (!field?.vector) throw refuse(`Field '${name}' is not knn_vector type.`);
  if (!field.vector.annIndexed) throw refuse(`Field '${name}' is not built for ANN search.`);
  const dimension = field.vector.dimension;
  if (vector.length * 8 !== dimension) throw refuse(`Query vector has invalid dimension: ${vector.length * 8}. Dimension should be: ${dimension}`);
  let query: Uint8Array;
  try {
    query = Uint8Array.from(vector, (v) => vectorByte(v) & 0xff);
  } catch (error) {
    if (error instanceof OpenSearchError) throw refuse(error.reason);
    throw error;
  }

  const data = ctx.data.fieldData(field);
  if (!(data instanceof VectorField) || (filter && filter === NO_MATCH)) return NO_MATCH;
  const candidates = filter ? filter.docs() : ctx.data.live();
  const width = data.width;
  const perDistance = new Int32Array(dimension + 1);
  // Each candidate's distance, -1 without a vector: computed once, read by both passes.
  const distances = new Int32Array(candidates.length).fill(-1);
  for (let i = 0; i < candidates.length; i++) {
    const doc = candidates[i] ?? 0;
    if (!data.has(doc)) continue;
    const distance = hamming(data.bytes, doc * width, query, width);
    distances[i] = distance;
    perDistance[distance]!++;
  }
  let cutoff = 0;
  let taken = 0;
  for (; cutoff <= dimension && taken + (perDistance[cutoff] ?? 0) < k; cutoff++) taken += perDistance[cutoff] ?? 0;
  // Of the cut-off distance, only as many as fill k.
  let roomAtCutoff = k - taken;
  const scores = new Map<number, number>();
  const docs: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const distance = distances[i] ?? -1;
    if (distance < 0) continue;
    const doc = candidates[i] ?? 0;
    if (distance > cutoff || (distance === cutoff && roomAtCutoff-- <= 0)) continue;
    docs.push(doc);
    scores.set(doc, javaFloat((1 / (1 + distance)) * boost));
  }
  return { cost: docs.length, docs: () => docs, matches: (doc) => scores.has(doc), score: (doc) => scores.get(doc) ?? 0 };
}
