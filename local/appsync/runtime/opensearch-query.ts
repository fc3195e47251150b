// util.transform.toElasticsearchQueryDSL: a filter object to an OpenSearch Query DSL JSON string.
// AppSync's docs pin eq (term), ne (bool.must_not of a term), range (gte/lte) and wildcard, and how
// clauses nest: a field's operators, and a map's entries, are combined with bool.must, a single
// clause standing alone. The other operators use the OpenSearch query of the same name.
import { isMap } from './is-map.ts';

type Clause = Record<string, unknown>;

const UTILITY = 'util.transform.toElasticsearchQueryDSL';

/** AND of clauses. An empty AND matches every document, as OpenSearch reads bool.must: []. */
function allOf(clauses: Clause[]): Clause {
  return clauses.length === 1 && clauses[0] !== undefined ? clauses[0] : { bool: { must: clauses } };
}

/** The operators that become the OpenSearch query of the same name, in its snake_case spelling. */
const SAME_NAME_QUERIES = new Map([
  ['match', 'match'],
  ['matchPhrase', 'match_phrase'],
  ['matchPhrasePrefix', 'match_phrase_prefix'],
  ['multiMatch', 'multi_match'],
  ['wildcard', 'wildcard'],
  ['regexp', 'regexp'],
]);

function fieldClause(field: string, operator: string, value: unknown): Clause {
  switch (operator) {
    case 'eq':
      return { term: { [field]: value } };
    case 'ne':
      return { bool: { must_not: { term: { [field]: value } } } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { range: { [field]: { [operator]: value } } };
    case 'range':
      if (!Array.isArray(value) || value.length !== 2) {
        throw new TypeError(`${UTILITY}: "range" on "${field}" needs [from, to], got ${JSON.stringify(value)}`);
      }
      return { range: { [field]: { gte: value[0] as unknown, lte: value[1] as unknown } } };
    case 'exists':
      if (typeof value !== 'boolean') {
        throw new TypeError(`${UTILITY}: "exists" on "${field}" needs true or false, got ${JSON.stringify(value)}`);
      }
      return value ? { exists: { field } } : { bool: { must_not: { exists: { field } } } };
    default: {
      const queryName = SAME_NAME_QUERIES.get(operator);
      if (queryName === undefined) throw new TypeError(`${UTILITY}: unknown operator "${operator}" on "${field}"`);
      return { [queryName]: { [field]: value } };
    }
  }
}

function members(key: string, value: unknown): Clause[] {
  if (!Array.isArray(value)) throw new TypeError(`${UTILITY}: "${key}" needs an array, got ${JSON.stringify(value)}`);
  return value.map(query);
}

function query(filter: unknown): Clause {
  if (!isMap(filter)) throw new TypeError(`${UTILITY}: expects a filter object, got ${JSON.stringify(filter)}`);
  return allOf(
    Object.entries(filter).map(([key, value]) => {
      switch (key) {
        case 'and':
          return { bool: { must: members(key, value) } };
        case 'or':
          return { bool: { should: members(key, value), minimum_should_match: 1 } };
        case 'not':
          return { bool: { must_not: query(value) } };
        default: {
          if (!isMap(value)) {
            throw new TypeError(`${UTILITY}: "${key}" needs an object of operators, got ${JSON.stringify(value)}`);
          }
          return allOf(Object.entries(value).map(([operator, operand]) => fieldClause(key, operator, operand)));
        }
      }
    }),
  );
}

export function toElasticsearchQueryDSL(filter: unknown): string {
  return JSON.stringify(query(filter));
}
