import { OpenSearchError, illegalArgument, mapperParsing, show } from './errors.ts';
import { indexSetting } from './limits.ts';
import type { LeafField } from './mapping.ts';

/**
 * knn_vector fields of the k-NN plugin, binary only: `data_type: binary`, `space_type: hamming`,
 * each document's vector given as dimension / 8 signed bytes (-128..127). Messages and checks are
 * the plugin's (opensearch-project/k-NN: KNNVectorFieldMapper, KNNValidationUtil, SpaceType,
 * AbstractKNNLibrary); the docs: mappings/supported-field-types/knn-memory-optimized (binary
 * vectors, OpenSearch 2.16 and later) and knn-spaces (hamming: score = 1 / (1 + d)).
 */
export interface VectorSpec {
  /** Bits; a multiple of 8. */
  dimension: number;
  /** False when index.knn is false: the field is stored, but a `knn` query refuses it. */
  annIndexed: boolean;
}

/** The index.knn setting (default false), parsed as OpenSearch parses a boolean setting. */
export function knnEnabled(settings: Record<string, unknown>): boolean {
  const value = indexSetting(settings, 'knn');
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw illegalArgument(`Failed to parse value [${show(value)}] as only [true] or [false] are allowed.`);
}

/** The Faiss engine's largest dimension (KNNEngine.getMaxDimensionByEngine). */
const FAISS_MAX_DIMENSION = 16_000;
const VECTOR_PARAMS = new Set(['type', 'dimension', 'data_type', 'space_type', 'method']);
const METHOD_PARAMS = new Set(['name', 'engine', 'space_type', 'parameters']);
const HNSW_PARAMS = new Set(['m', 'ef_construction']);
const KNOWN_SPACES = new Set(['l2', 'l1', 'linf', 'cosinesimil', 'innerproduct', 'hamming', 'hammingbit']);

/**
 * An IllegalArgumentException thrown while the mapping is parsed: MapperService reports it as
 * mapper_parsing_exception "Failed to parse mapping [_doc]: ..." caused by it.
 */
function mappingRefused(cause: OpenSearchError): OpenSearchError {
  return new OpenSearchError(400, 'mapper_parsing_exception', `Failed to parse mapping [_doc]: ${cause.reason}`, {}, cause);
}

/** A knn_vector mapping, checked as the plugin checks it on an index created with `knn` = index.knn. */
export function parseVectorField(path: string, def: Record<string, unknown>, knn: boolean): VectorSpec {
  for (const key of Object.keys(def)) {
    if (!VECTOR_PARAMS.has(key)) {
      throw mapperParsing(`parameter [${key}] on knn_vector field [${path}] is not supported by the local engine (binary vectors only)`);
    }
  }
  const dataType = def.data_type ?? 'float';
  if (dataType !== 'binary') {
    throw mapperParsing(`data_type [${show(dataType)}] on knn_vector field [${path}] is not supported by the local engine (binary vectors only)`);
  }
  if (def.dimension === undefined) throw mappingRefused(illegalArgument(`Dimension value missing for vector: ${path}`));
  const dimension = Number(def.dimension);
  if (!Number.isInteger(dimension) || typeof def.dimension === 'boolean') {
    throw mappingRefused(illegalArgument(`Unable to parse [dimension] from provided value [${show(def.dimension)}] for vector [${path}]`));
  }
  if (dimension <= 0) throw mappingRefused(illegalArgument(`Dimension value must be greater than 0 for vector: ${path}`));

  const method = def.method as Record<string, unknown> | undefined;
  if (method !== undefined && !knn) {
    throw mappingRefused(illegalArgument('Cannot set modelId or method parameters when index.knn setting is false'));
  }
  const topSpace = def.space_type;
  const methodSpace = method?.space_type;
  if (topSpace !== undefined && methodSpace !== undefined && topSpace !== methodSpace) {
    throw mapperParsing('Space type in "method" and top level space type should be same or one of them should be defined');
  }
  const space = topSpace ?? methodSpace ?? 'hamming';
  if (!KNOWN_SPACES.has(show(space))) throw mappingRefused(illegalArgument(`Unable to find space: ${show(space)}`));
  if (space !== 'hamming') throw mappingRefused(illegalArgument(`Space type [${show(space)}] is not supported with [binary] data type`));
  if (method !== undefined) checkMethod(path, method);
  if (knn) {
    // The method's validation (AbstractKNNLibrary.validateDimension): a ValidationException.
    const problem =
      dimension > FAISS_MAX_DIMENSION
        ? `Dimension value cannot be greater than ${FAISS_MAX_DIMENSION} for vector with engine: faiss`
        : dimension % 8 !== 0
          ? 'Dimension should be multiply of 8 for binary vector data type'
          : undefined;
    if (problem) throw mappingRefused(new OpenSearchError(400, 'validation_exception', `Validation Failed: 1: ${problem};`));
  } else if (dimension % 8 !== 0) {
    throw mapperParsing(`knn_vector field [${path}]: a binary dimension must be a multiple of 8, got [${dimension}]`);
  }
  return { dimension, annIndexed: knn };
}

/** HNSW on Faiss: the one method binary vectors have without training (IVF needs a trained model). */
function checkMethod(path: string, method: Record<string, unknown>): void {
  for (const key of Object.keys(method)) {
    if (!METHOD_PARAMS.has(key)) throw mapperParsing(`unknown parameter [${key}] in the method of knn_vector field [${path}]`);
  }
  if (method.name === 'ivf') throw mappingRefused(new OpenSearchError(400, 'validation_exception', 'Validation Failed: 1: "method" requires training.;'));
  if (method.name !== 'hnsw') throw mappingRefused(illegalArgument(`Invalid method name: ${show(method.name)}`));
  const engine = method.engine ?? 'faiss';
  if (engine !== 'faiss') {
    throw mapperParsing(`engine [${show(engine)}] on knn_vector field [${path}]: binary vectors are supported by the faiss engine only`);
  }
  for (const [key, value] of Object.entries((method.parameters ?? {}) as Record<string, unknown>)) {
    if (!HNSW_PARAMS.has(key) || !Number.isInteger(value) || (value as number) <= 0) {
      throw mapperParsing(`method parameter [${key}: ${show(value)}] of knn_vector field [${path}] is not supported by the local engine`);
    }
  }
}

/** One value of a byte or binary vector (KNNValidationUtil.validateByteVectorValue). */
export function vectorByte(value: unknown): number {
  if (typeof value !== 'number') throw illegalArgument(`KNN vector values must be numbers, got [${show(value)}]`);
  if (!Number.isFinite(value)) throw illegalArgument(Number.isNaN(value) ? 'KNN vector values cannot be NaN' : 'KNN vector values cannot be infinity');
  if (value % 1 !== 0) {
    throw illegalArgument('[data_type] field was set as [binary] in index mapping. But, KNN vector values are floats instead of byte integers');
  }
  if (value < -128 || value > 127) {
    throw illegalArgument('[data_type] field was set as [binary] in index mapping. But, KNN vector values are not within in the byte range [-128, 127]');
  }
  return value;
}

/** A document's vector as its bytes: an array of numbers, or one number (a 1-byte vector). */
export function vectorBytes(field: LeafField, value: unknown): number[] {
  const spec = field.vector;
  if (!spec) throw new Error(`${field.path} is not a knn_vector field`);
  const bytes = (Array.isArray(value) ? value : [value]).map(vectorByte);
  if (bytes.length * 8 !== spec.dimension) {
    throw illegalArgument(
      `The dimension of the binary vector must be 8 times the length of the provided vector. Expected: ${spec.dimension}, Given: ${bytes.length * 8}`,
    );
  }
  return bytes;
}

/** Set bits of each byte value 0..255. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let count = 0;
  for (let bits = byte; bits > 0; bits &= bits - 1) count++;
  return count;
});

/** Hamming distance of two byte vectors of equal length, given as signed or unsigned bytes. */
export function hamming(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, length: number): number {
  let distance = 0;
  for (let i = 0; i < length; i++) distance += POPCOUNT[((a[aOffset + i] ?? 0) ^ (b[i] ?? 0)) & 0xff] ?? 0;
  return distance;
}
