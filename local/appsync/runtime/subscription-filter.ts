// Enhanced subscription filters: util.transform.toSubscriptionFilter builds the filter JSON
// (filterGroup / filters / fieldName / operator / value) that extensions.setSubscriptionFilter and
// setSubscriptionInvalidationFilter accept, and validateSubscriptionFilter applies the restrictions
// AppSync's docs list for that JSON ("Extensions", Exceptions section).
import type { SubscriptionFilter } from '@aws-appsync/utils';
import { isMap } from './is-map.ts';

interface Filter {
  fieldName: string;
  operator: string;
  value: unknown;
}
/** Filters that must all hold (AND); a filter JSON's groups are alternatives (OR). */
type Group = Filter[];

function requireMap(value: unknown, what: string): Record<string, unknown> {
  if (!isMap(value)) {
    throw new TypeError(`util.transform.toSubscriptionFilter: ${what} must be an object, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireList(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`util.transform.toSubscriptionFilter: ${what} must be an array, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * AND of two sets of alternatives: every pairing of their groups. A side without groups (an empty
 * map, or only ignored fields) places no condition, which is how the documented output leaves out
 * an `or` member whose only field was ignored.
 */
function both(left: Group[], right: Group[]): Group[] {
  if (left.length === 0) return right;
  if (right.length === 0) return left;
  return left.flatMap((l) => right.map((r) => [...l, ...r]));
}

/** The alternatives a filter map stands for: its entries are ANDed, a field's operators ORed. */
function alternatives(map: Record<string, unknown>, ignoredFields: ReadonlySet<string>): Group[] {
  let groups: Group[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (key === 'and') {
      for (const member of requireList(value, '"and"')) {
        groups = both(groups, alternatives(requireMap(member, 'an "and" member'), ignoredFields));
      }
    } else if (key === 'or') {
      const members = requireList(value, '"or"');
      groups = both(
        groups,
        members.flatMap((member) => alternatives(requireMap(member, 'an "or" member'), ignoredFields)),
      );
    } else if (!ignoredFields.has(key)) {
      const conditions = Object.entries(requireMap(value, `the conditions of "${key}"`));
      groups = both(
        groups,
        conditions.map(([operator, operand]) => [{ fieldName: key, operator, value: operand }]),
      );
    }
  }
  return groups;
}

/**
 * util.transform.toSubscriptionFilter(objFilter, ignoredFields?, rules?). Each rule (one condition on
 * one field) is an alternative, so every group is repeated once per rule with that rule added.
 */
export function toSubscriptionFilter(
  objFilter: unknown,
  ignoredFields: unknown = [],
  rules: unknown = {},
): SubscriptionFilter {
  const ignored = requireList(ignoredFields, 'ignoredFields');
  if (!ignored.every((field) => typeof field === 'string')) {
    throw new TypeError(
      `util.transform.toSubscriptionFilter: ignoredFields must list field names, got ${JSON.stringify(ignored)}`,
    );
  }
  let groups = alternatives(requireMap(objFilter, 'the filter'), new Set(ignored));
  const strictRules = Object.entries(requireMap(rules, 'rules')).map(([fieldName, conditions]): Filter => {
    // Rules take no "and"/"or" nesting and one condition per field (the docs' argument 3).
    const nested = fieldName === 'and' || fieldName === 'or';
    const entries = nested ? [] : Object.entries(requireMap(conditions, `the rule for "${fieldName}"`));
    const [first] = entries;
    if (first === undefined || entries.length > 1) {
      const got = `"${fieldName}": ${JSON.stringify(conditions)}`;
      throw new TypeError(`util.transform.toSubscriptionFilter: a rule is one field with one condition, got ${got}`);
    }
    return { fieldName, operator: first[0], value: first[1] };
  });
  if (strictRules.length > 0) {
    groups = (groups.length > 0 ? groups : [[]]).flatMap((group) => strictRules.map((rule) => [...group, rule]));
  }
  // The operators pass through as written (the docs' own example uses "lte" and "gte"); the
  // extensions check them when the filter is set.
  return { filterGroup: groups.map((filters) => ({ filters })) } as SubscriptionFilter;
}

// The restrictions the docs list: at most five distinct fields ANDed in one filterGroup entry, ten
// entries ORed, five values for in/notIn, twenty for containsAny, 256 characters per string.
const MAX_FIELDS_PER_GROUP = 5;
const MAX_GROUPS = 10;
const MAX_IN_VALUES = 5;
const MAX_CONTAINS_ANY_VALUES = 20;
const MAX_STRING_LENGTH = 256;

type Operand = 'scalar' | 'comparable' | 'string' | 'list' | 'pair';

/** The documented operators and the values each takes. */
const OPERANDS = new Map<string, Operand>([
  ['eq', 'scalar'],
  ['ne', 'scalar'],
  ['le', 'comparable'],
  ['lt', 'comparable'],
  ['ge', 'comparable'],
  ['gt', 'comparable'],
  ['contains', 'comparable'],
  ['notContains', 'comparable'],
  ['beginsWith', 'string'],
  ['in', 'list'],
  ['notIn', 'list'],
  ['between', 'pair'],
  ['containsAny', 'list'],
]);

function isComparable(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function checkOperand(utility: string, filter: Filter): void {
  const { operator, value } = filter;
  const fail = (why: string): never => {
    throw new Error(`${utility}: the filter ${JSON.stringify(filter)} ${why}`);
  };
  const operand = OPERANDS.get(operator);
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  switch (operand) {
    case undefined:
      return fail(`has an unknown operator (operators are case-sensitive: ${[...OPERANDS.keys()].join(', ')})`);
    case 'scalar':
      if (!isComparable(value) && typeof value !== 'boolean') fail('needs a number, string or boolean value');
      break;
    case 'comparable':
      if (!isComparable(value)) fail('needs a number or string value');
      break;
    case 'string':
      if (typeof value !== 'string') fail('needs a string value');
      break;
    case 'pair':
      if (!Array.isArray(value) || value.length !== 2 || !values.every(isComparable)) {
        fail('needs a pair of numbers or strings');
      }
      break;
    case 'list': {
      const limit = operator === 'containsAny' ? MAX_CONTAINS_ANY_VALUES : MAX_IN_VALUES;
      if (!Array.isArray(value) || !values.every(isComparable)) fail('needs an array of numbers or strings');
      if (values.length > limit) fail(`has more than the maximum ${limit} values for "${operator}"`);
      break;
    }
  }
  if (values.some((v) => typeof v === 'string' && v.length > MAX_STRING_LENGTH)) {
    fail(`has a string longer than the maximum ${MAX_STRING_LENGTH} characters`);
  }
}

/** Checks a filter JSON against the documented shape and limits; `utility` names the caller in errors. */
export function validateSubscriptionFilter(filter: unknown, utility: string): void {
  const groups = isMap(filter) ? filter.filterGroup : undefined;
  if (!Array.isArray(groups)) {
    throw new TypeError(
      `${utility}: expects { filterGroup: [{ filters: [...] }, ...] }, got ${JSON.stringify(filter)}`,
    );
  }
  // "The in operator is a special case of OR logic": a group counts once per combination of its
  // `in` values towards the limit on groups.
  let counted = 0;
  for (const group of groups as unknown[]) {
    const filters = isMap(group) ? group.filters : undefined;
    if (!Array.isArray(filters)) {
      throw new TypeError(`${utility}: each filterGroup entry is { filters: [...] }, got ${JSON.stringify(group)}`);
    }
    const fieldNames = new Set<string>();
    let combinations = 1;
    for (const entry of filters as unknown[]) {
      if (!isMap(entry) || typeof entry.fieldName !== 'string' || typeof entry.operator !== 'string') {
        throw new TypeError(`${utility}: each filter is { fieldName, operator, value }, got ${JSON.stringify(entry)}`);
      }
      const checked: Filter = { fieldName: entry.fieldName, operator: entry.operator, value: entry.value };
      if (checked.fieldName.length === 0 || checked.fieldName.length > MAX_STRING_LENGTH) {
        throw new Error(
          `${utility}: the field name "${checked.fieldName}" must have 1 to ${MAX_STRING_LENGTH} characters`,
        );
      }
      checkOperand(utility, checked);
      fieldNames.add(checked.fieldName);
      if (checked.operator === 'in') combinations *= Math.max((checked.value as unknown[]).length, 1);
    }
    if (fieldNames.size > MAX_FIELDS_PER_GROUP) {
      throw new Error(
        `${utility}: a filterGroup entry combines ${fieldNames.size} fields, more than the maximum ${MAX_FIELDS_PER_GROUP}`,
      );
    }
    counted += combinations;
  }
  if (counted > MAX_GROUPS) {
    throw new Error(
      `${utility}: the filter has ${counted} filterGroup entries (counting each "in" value as one), more than the maximum ${MAX_GROUPS}`,
    );
  }
}
