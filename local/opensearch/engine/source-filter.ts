import { parsingError, show } from './errors.ts';

/** `_source` of a search or get: true/false, a pattern, patterns, or { includes, excludes }. */
export interface SourceFilter {
  enabled: boolean;
  includes: RegExp[];
  excludes: RegExp[];
}

/** A `*` wildcard pattern (source filters, multi_match field names) as an anchored regex. */
export const wildcardRegex = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

const patterns = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [show(value)];

export function parseSourceFilter(value: unknown): SourceFilter {
  if (value === undefined || value === true || value === 'true') return { enabled: true, includes: [], excludes: [] };
  if (value === false || value === 'false') return { enabled: false, includes: [], excludes: [] };
  if (typeof value === 'string' || Array.isArray(value)) return { enabled: true, includes: patterns(value).map(wildcardRegex), excludes: [] };
  if (typeof value === 'object' && value !== null) {
    const spec = value as Record<string, unknown>;
    for (const key of Object.keys(spec)) {
      if (!['includes', 'excludes', 'include', 'exclude'].includes(key)) throw parsingError(`Unknown key for a START_OBJECT in [_source]: [${key}].`);
    }
    return {
      enabled: true,
      includes: patterns(spec.includes ?? spec.include).map(wildcardRegex),
      excludes: patterns(spec.excludes ?? spec.exclude).map(wildcardRegex),
    };
  }
  throw parsingError('[_source] must be a boolean, a string, an array or an object');
}

/** Keeps the paths an include pattern matches (whole subtrees), minus excluded paths. */
export function filterSource(source: Record<string, unknown>, filter: SourceFilter): Record<string, unknown> {
  if (filter.includes.length === 0 && filter.excludes.length === 0) return source;
  return filterObject(source, '', filter, filter.includes.length === 0);
}

function filterObject(object: Record<string, unknown>, prefix: string, filter: SourceFilter, included: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (filter.excludes.some((r) => r.test(path))) continue;
    const here = included || filter.includes.some((r) => r.test(path));
    const kept = filterValue(value, path, filter, here);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function filterValue(value: unknown, path: string, filter: SourceFilter, included: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => filterValue(v, path, filter, included)).filter((v) => v !== undefined);
    return items.length > 0 || included ? items : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const inner = filterObject(value as Record<string, unknown>, path, filter, included);
    return Object.keys(inner).length > 0 || included ? inner : undefined;
  }
  return included ? value : undefined;
}
