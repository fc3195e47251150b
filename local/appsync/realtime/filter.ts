/**
 * Enhanced subscription filters, evaluated on a published payload: the filter JSON that
 * extensions.setSubscriptionFilter accepts ({ filterGroup: [{ filters: [{ fieldName, operator,
 * value }] }] }) matches when any group matches, and a group when all its filters hold. Operators as
 * documented: eq, ne, le, lt, ge, gt, contains, notContains, beginsWith, in, notIn, between,
 * containsAny. fieldName may be a dotted path into nested objects.
 */
export interface FilterRule {
  fieldName: string;
  operator: string;
  value: unknown;
}

export type FilterGroups = FilterRule[][];

/** The groups of a filter JSON (already validated by the runtime when the resolver set it). */
export function filterGroupsOf(filter: unknown): FilterGroups {
  const groups = (filter as { filterGroup?: { filters?: FilterRule[] }[] } | null | undefined)?.filterGroup ?? [];
  return groups.map((group) => group.filters ?? []);
}

export function fieldValue(payload: unknown, fieldName: string): unknown {
  let value: unknown = payload;
  for (const part of fieldName.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

type Comparable = string | number;

const comparable = (a: unknown, b: unknown): [Comparable, Comparable] | undefined =>
  (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') ? [a, b] : undefined;

function contains(actual: unknown, value: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => item === value);
  return typeof actual === 'string' && typeof value === 'string' && actual.includes(value);
}

/** One filter on one payload. A missing (or null) field satisfies only the negative operators. */
export function holds(rule: FilterRule, payload: unknown): boolean {
  const actual = fieldValue(payload, rule.fieldName);
  const { value } = rule;
  const missing = actual === undefined || actual === null;
  switch (rule.operator) {
    case 'eq':
      return !missing && actual === value;
    case 'ne':
      return actual !== value;
    case 'le':
    case 'lt':
    case 'ge':
    case 'gt': {
      const pair = comparable(actual, value);
      if (!pair) return false;
      const [a, b] = pair;
      return rule.operator === 'le' ? a <= b : rule.operator === 'lt' ? a < b : rule.operator === 'ge' ? a >= b : a > b;
    }
    case 'contains':
      return contains(actual, value);
    case 'notContains':
      return !contains(actual, value);
    case 'beginsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
    case 'in':
      return !missing && Array.isArray(value) && value.includes(actual);
    case 'notIn':
      return !Array.isArray(value) || !value.includes(actual);
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return false;
      const low = comparable(actual, value[0]);
      const high = comparable(actual, value[1]);
      return !!low && !!high && low[0] >= low[1] && high[0] <= high[1];
    }
    case 'containsAny':
      return Array.isArray(value) && value.some((item) => contains(actual, item));
    default:
      return false;
  }
}

/** No groups: no filter, everything matches. */
export function matches(groups: FilterGroups, payload: unknown): boolean {
  return groups.length === 0 || groups.some((group) => group.every((rule) => holds(rule, payload)));
}
