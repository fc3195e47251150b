import { OpenSearchError, illegalArgument, mapperParsing, show } from './errors.ts';
import { tryParseDate } from './date-math.ts';
import { parseVectorField, vectorBytes, type VectorSpec } from './vectors.ts';

/** The field types the engine indexes; the numeric family shares one implementation (doubles). */
export type LeafType = 'text' | 'keyword' | 'numeric' | 'date' | 'boolean' | 'geo_point' | 'knn_vector';
const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'float', 'double', 'half_float', 'scaled_float', 'unsigned_long']);
const INTEGRAL = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const DATE_FORMATS = new Set(['strict_date_optional_time||epoch_millis', 'strict_date_optional_time', 'date_optional_time', 'epoch_millis']);
const LEAF_PARAMS = new Set(['type', 'analyzer', 'search_analyzer', 'fields', 'index', 'ignore_above', 'format', 'doc_values', 'norms', 'store', 'scaling_factor', 'coerce']);
const OBJECT_PARAMS = new Set(['type', 'properties', 'dynamic', 'enabled']);

export type Dynamic = 'strict' | boolean;

export interface LeafField {
  kind: 'leaf';
  path: string;
  /** As declared (`integer`, `text`...), reported back in errors and dynamic mappings. */
  declared: string;
  type: LeafType;
  integral: boolean;
  analyzer: string | undefined;
  searchAnalyzer: string | undefined;
  indexed: boolean;
  ignoreAbove: number | undefined;
  subfields: LeafField[];
  /** knn_vector fields only. */
  vector?: VectorSpec;
}

export interface ObjectField {
  kind: 'object';
  path: string;
  enabled: boolean;
  dynamic: Dynamic | undefined;
  properties: Map<string, LeafField | ObjectField>;
}

/** index.mapping.total_fields.limit and index.mapping.depth.limit, and the index they are named with. */
export interface MappingLimits {
  index: string;
  totalFields: number;
  depth: number;
  /** index.knn: whether knn_vector fields get a k-NN (ANN) index, which the `knn` query needs. */
  knn: boolean;
}

/** A parsed mapping: the raw JSON (returned by GET and persisted) and the tree the engine walks. */
export interface Mapping {
  raw: { dynamic?: Dynamic; properties: Record<string, unknown> };
  root: ObjectField;
  /** Every searchable leaf by full path, subfields (`name.keyword`) included. */
  fields: Map<string, LeafField>;
  limits: MappingLimits;
}

/**
 * The mapping's limits, checked as OpenSearch's MapperService checks them, on explicit mappings and
 * on every dynamic addition: object fields nest at most `depth` deep (the root object is depth 1),
 * and objects plus leaves (multi-fields included) number at most `totalFields`.
 */
function checkDepth(path: string, limits: MappingLimits): void {
  const depth = path.split('.').length + 1;
  if (depth > limits.depth) {
    throw illegalArgument(`Limit of mapping depth [${limits.depth}] in index [${limits.index}] has been exceeded due to object field [${path}]`);
  }
}

function checkTotalFields(mapping: Mapping): void {
  const objects = (object: ObjectField): number =>
    [...object.properties.values()].reduce((n, field) => (field.kind === 'object' ? n + 1 + objects(field) : n), 0);
  if (mapping.fields.size + objects(mapping.root) > mapping.limits.totalFields) {
    throw illegalArgument(`Limit of total fields [${mapping.limits.totalFields}] in index [${mapping.limits.index}] has been exceeded`);
  }
}

export function parseMapping(raw: unknown, limits: MappingLimits): Mapping {
  const body = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key !== 'properties' && key !== 'dynamic' && key !== '_source' && key !== 'date_detection') {
      throw mapperParsing(`Root mapping definition has unsupported parameters:  [${key} : ${JSON.stringify(body[key])}]`);
    }
  }
  const fields = new Map<string, LeafField>();
  const root = parseObject('', { properties: body.properties ?? {}, dynamic: body.dynamic ?? true }, fields, limits);
  const mapping = { raw: { ...(body.dynamic === undefined ? {} : { dynamic: body.dynamic as Dynamic }), properties: (body.properties ?? {}) as Record<string, unknown> }, root, fields, limits };
  checkTotalFields(mapping);
  return mapping;
}

function parseDynamic(value: unknown, path: string): Dynamic | undefined {
  if (value === undefined) return undefined;
  if (value === 'strict') return 'strict';
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw mapperParsing(`Could not convert [${path || '_doc'}.dynamic] to boolean`);
}

function parseObject(path: string, def: Record<string, unknown>, fields: Map<string, LeafField>, limits: MappingLimits): ObjectField {
  if (path !== '') checkDepth(path, limits);
  for (const key of Object.keys(def)) {
    if (!OBJECT_PARAMS.has(key)) throw mapperParsing(`unknown parameter [${key}] on mapper [${path}] of type [object]`);
  }
  const properties = new Map<string, LeafField | ObjectField>();
  for (const [name, child] of Object.entries((def.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    const childPath = path ? `${path}.${name}` : name;
    properties.set(name, parseField(childPath, child, fields, limits));
  }
  return { kind: 'object', path, enabled: def.enabled !== false, dynamic: parseDynamic(def.dynamic, path), properties };
}

function parseField(path: string, def: Record<string, unknown>, fields: Map<string, LeafField>, limits: MappingLimits): LeafField | ObjectField {
  const type = def.type ?? (def.properties ? 'object' : undefined);
  if (type === 'object') return parseObject(path, def, fields, limits);
  if (typeof type !== 'string') throw mapperParsing(`No type specified for field [${path}]`);
  if (type === 'nested') throw mapperParsing(`field [${path}]: type [nested] is not supported by the local engine`);
  if (type === 'knn_vector') {
    const leaf: LeafField = {
      kind: 'leaf',
      path,
      declared: type,
      type: 'knn_vector',
      integral: true,
      analyzer: undefined,
      searchAnalyzer: undefined,
      indexed: true,
      ignoreAbove: undefined,
      subfields: [],
      vector: parseVectorField(path, def, limits.knn),
    };
    fields.set(path, leaf);
    return leaf;
  }
  const leafType: LeafType | undefined = NUMERIC.has(type)
    ? 'numeric'
    : (['text', 'keyword', 'date', 'boolean', 'geo_point'] as const).find((t) => t === type);
  if (!leafType) throw mapperParsing(`No handler for type [${type}] declared on field [${path}]`);
  for (const key of Object.keys(def)) {
    if (!LEAF_PARAMS.has(key)) throw mapperParsing(`unknown parameter [${key}] on mapper [${path}] of type [${type}]`);
  }
  if (def.format !== undefined && !(leafType === 'date' && DATE_FORMATS.has(show(def.format)))) {
    throw mapperParsing(`format [${show(def.format)}] on field [${path}] is not supported by the local engine`);
  }
  const leaf: LeafField = {
    kind: 'leaf',
    path,
    declared: type,
    type: leafType,
    integral: INTEGRAL.has(type),
    analyzer: typeof def.analyzer === 'string' ? def.analyzer : undefined,
    searchAnalyzer: typeof def.search_analyzer === 'string' ? def.search_analyzer : undefined,
    indexed: def.index !== false && def.index !== 'false',
    ignoreAbove: typeof def.ignore_above === 'number' ? def.ignore_above : undefined,
    subfields: [],
  };
  fields.set(path, leaf);
  for (const [name, sub] of Object.entries((def.fields ?? {}) as Record<string, Record<string, unknown>>)) {
    const subfield = parseField(`${path}.${name}`, sub, fields, limits);
    if (subfield.kind !== 'leaf') throw mapperParsing(`Type [object] cannot be used in multi field [${path}.${name}]`);
    leaf.subfields.push(subfield);
  }
  return leaf;
}

/** One indexed value list of one leaf field of a document. */
export interface FieldValues {
  field: LeafField;
  values: (string | number | boolean | GeoPoint)[];
}
export interface GeoPoint {
  lat: number;
  lon: number;
}

/** The fields to index, and the mapping additions dynamic mapping made (to persist), if any. */
export interface ParsedDocument {
  fields: FieldValues[];
  dynamicUpdate: boolean;
}

/**
 * Walks a source document against the mapping: converts each value to its field's type (the same
 * errors as OpenSearch: strict_dynamic_mapping_exception, mapper_parsing_exception), and applies
 * dynamic mapping by adding fields to `mapping` in place (callers persist it when dynamicUpdate).
 */
export function parseDocument(mapping: Mapping, source: Record<string, unknown>, id: string): ParsedDocument {
  const out: FieldValues[] = [];
  const state = { dynamicUpdate: false };
  walkObject(mapping, mapping.root, mapping.raw, source, id, out, state, mapping.root.dynamic ?? true);
  // Arrays of objects yield one entry per element; the index wants one value list per field.
  const merged = new Map<string, FieldValues>();
  for (const entry of out) {
    const seen = merged.get(entry.field.path);
    if (seen) seen.values.push(...entry.values);
    else merged.set(entry.field.path, entry);
  }
  return { fields: [...merged.values()], dynamicUpdate: state.dynamicUpdate };
}

function walkObject(
  mapping: Mapping,
  object: ObjectField,
  rawObject: Record<string, unknown>,
  source: Record<string, unknown>,
  id: string,
  out: FieldValues[],
  state: { dynamicUpdate: boolean },
  inherited: Dynamic,
): void {
  const dynamic = object.dynamic ?? inherited;
  for (const [name, value] of Object.entries(source)) {
    if (name === '') throw mapperParsing('field name cannot be an empty string');
    let field = object.properties.get(name);
    const path = object.path ? `${object.path}.${name}` : name;
    if (!field) {
      if (value === null || (Array.isArray(value) && value.length === 0)) continue;
      if (dynamic === 'strict') {
        throw new OpenSearchError(
          400,
          'strict_dynamic_mapping_exception',
          `mapping set to strict, dynamic introduction of [${name}] within [${object.path || '_doc'}] is not allowed`,
        );
      }
      if (dynamic === false) continue;
      const inferred = inferMapping(value);
      if (!inferred) continue;
      const rawProps = ((rawObject.properties ??= {}) as Record<string, unknown>);
      rawProps[name] = inferred;
      field = parseField(path, inferred, mapping.fields, mapping.limits);
      object.properties.set(name, field);
      checkTotalFields(mapping);
      state.dynamicUpdate = true;
    }
    const rawChild = (rawObject.properties as Record<string, Record<string, unknown>>)[name] ?? {};
    if (field.kind === 'object') {
      if (!field.enabled) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === null) continue;
        if (typeof item !== 'object' || Array.isArray(item)) {
          throw mapperParsing(`object mapping for [${path}] tried to parse field [${name}] as object, but found a concrete value`);
        }
        walkObject(mapping, field, rawChild, item as Record<string, unknown>, id, out, state, dynamic);
      }
      continue;
    }
    const values = convertLeaf(field, value, id);
    if (values.length === 0) continue;
    out.push({ field, values });
    for (const sub of field.subfields) {
      const subValues = convertLeaf(sub, value, id);
      if (subValues.length > 0) out.push({ field: sub, values: subValues });
    }
  }
}

function inferMapping(value: unknown): Record<string, unknown> | undefined {
  const sample: unknown = Array.isArray(value) ? (value as unknown[]).find((v) => v !== null) : value;
  if (sample === undefined || sample === null) return undefined;
  if (typeof sample === 'boolean') return { type: 'boolean' };
  if (typeof sample === 'number') return { type: Number.isInteger(sample) ? 'long' : 'float' };
  if (typeof sample === 'string') {
    // Date detection: only strings shaped like ISO dates, as dynamic_date_formats does by default.
    if (/^\d{4}-\d{2}-\d{2}/.test(sample) && tryParseDate(sample) !== undefined) return { type: 'date' };
    return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
  }
  if (typeof sample === 'object') return { properties: {} };
  return undefined;
}

function failedToParse(field: LeafField, id: string, value: unknown): OpenSearchError {
  const preview = typeof value === 'object' ? JSON.stringify(value) : show(value);
  return mapperParsing(
    `failed to parse field [${field.path}] of type [${field.declared}] in document with id '${id}'. Preview of field's value: '${preview}'`,
  );
}

function convertLeaf(field: LeafField, value: unknown, id: string): (string | number | boolean | GeoPoint)[] {
  if (value === null || value === undefined) return [];
  if (field.type === 'knn_vector') {
    try {
      return vectorBytes(field, value);
    } catch (error) {
      if (!(error instanceof OpenSearchError)) throw error;
      // The parser has moved past the array when the vector is checked: OpenSearch previews 'null'.
      throw new OpenSearchError(400, 'mapper_parsing_exception', failedToParse(field, id, null).reason, {}, error);
    }
  }
  if (field.type === 'geo_point') {
    // [lon, lat] is one point; an array of anything else is several.
    if (Array.isArray(value) && !(value.length === 2 && value.every((v) => typeof v === 'number'))) {
      return value.flatMap((v) => convertLeaf(field, v, id));
    }
    return [toGeoPoint(field, value, id)];
  }
  if (Array.isArray(value)) return flatten(value).flatMap((v) => convertLeaf(field, v, id));
  switch (field.type) {
    case 'text':
      if (typeof value === 'object') throw failedToParse(field, id, value);
      return [show(value)];
    case 'keyword': {
      if (typeof value === 'object') throw failedToParse(field, id, value);
      const text = show(value);
      return field.ignoreAbove !== undefined && text.length > field.ignoreAbove ? [] : [text];
    }
    case 'numeric': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw failedToParse(field, id, value);
      return [field.integral ? Math.trunc(n) : n];
    }
    case 'date': {
      const millis = tryParseDate(value);
      if (millis === undefined) throw failedToParse(field, id, value);
      return [millis];
    }
    case 'boolean':
      if (value === true || value === 'true') return [true];
      if (value === false || value === 'false' || value === '') return [false];
      throw failedToParse(field, id, value);
  }
}

/** Arrays of arrays of values are values: flattened without recursion, however deep they nest. */
function flatten(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[] = [...values].reverse();
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
    else out.push(value);
  }
  return out;
}

function toGeoPoint(field: LeafField, value: unknown, id: string): GeoPoint {
  let lat: number | undefined;
  let lon: number | undefined;
  if (Array.isArray(value)) {
    [lon, lat] = value as number[];
  } else if (typeof value === 'string') {
    const parts = value.split(',');
    if (parts.length === 2) [lat, lon] = parts.map((p) => Number(p.trim()));
  } else if (typeof value === 'object' && value !== null) {
    const point = value as Record<string, unknown>;
    const keys = Object.keys(point);
    if (keys.every((k) => k === 'lat' || k === 'lon')) {
      lat = Number(point.lat);
      lon = Number(point.lon);
    }
  }
  if (lat === undefined || lon === undefined || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
    throw failedToParse(field, id, value);
  }
  return { lat, lon };
}

/** Reads a geo point in query syntax (the same three shapes). */
export function parseGeoPoint(value: unknown): GeoPoint | undefined {
  try {
    return toGeoPoint({ path: 'point', declared: 'geo_point' } as LeafField, value, '');
  } catch {
    return undefined;
  }
}
