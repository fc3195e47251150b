// util.transform.toElasticsearchQueryDSL: a filter object to an OpenSearch Query DSL JSON string.
// AppSync's docs pin eq (term), ne (bool.must_not of a term), range (gte/lte) and wildcard, and how
// clauses nest: a field's operators, and a map's entries, are combined with bool.must, a single
// clause standing alone. The other operators use the OpenSearch query of the same name.

type Clause = Record<string, unknown>;

const UTILITY = 'util.transform.toElasticsearchQueryDSL';

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** AND of clauses. An empty AND matches every document, as OpenSearch reads bool.must: []. */
function allOf(clauses: Clause[]): Clause {
  return clauses.length === 1 && clauses[0] !== undefined ? clauses[0] : { bool: { must: clauses } };
}

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
    case 'match':
      return { match: { [field]: value } };
    case 'matchPhrase':
      return { match_phrase: { [field]: value } };
    case 'matchPhrasePrefix':
      return { match_phrase_prefix: { [field]: value } };
    case 'multiMatch':
      return { multi_match: { [field]: value } };
    case 'wildcard':
      return { wildcard: { [field]: value } };
    case 'regexp':
      return { regexp: { [field]: value } };
    default:
      throw new TypeError(`${UTILITY}: unknown operator "${operator}" on "${field}"`);
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
