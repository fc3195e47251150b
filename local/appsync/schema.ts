/**
 * The project's schema as graphql-js sees it: schema/schema.graphql plus the declarations of AWS's
 * scalars and directives, with the AWS scalars' documented value rules.
 */
import { GraphQLError, GraphQLScalarType, Kind, buildSchema, type GraphQLSchema, type ValueNode } from 'graphql';
import { readFileSync } from 'node:fs';
import { repoPath } from '../../infra/paths.ts';

export function loadProjectSchema(): GraphQLSchema {
  const sdl = [repoPath('schema/appsync-directives.graphql'), repoPath('schema/schema.graphql')]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  return withAwsScalars(buildSchema(sdl));
}

// Shapes from "Scalar types in AWS AppSync": ISO 8601 extended formats, RFC 3986 URLs with a scheme, etc.
const PATTERNS: Record<string, RegExp> = {
  AWSDate: /^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2}(:\d{2})?)?$/,
  AWSTime: /^\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}(:\d{2})?)?$/,
  AWSDateTime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}(:\d{2})?)$/,
  AWSEmail: /^[^\s@]+@[^\s@]+$/,
  AWSURL: /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/,
  AWSPhone: /^\+?[0-9 ()-]{3,}$/,
  AWSIPAddress: /^([0-9.]+|[0-9a-fA-F:]+)(\/\d{1,3})?$/,
};

function invalid(type: string, value: unknown): GraphQLError {
  return new GraphQLError(`Can't serialize value: Invalid ${type} value : '${String(value)}'`);
}

function patterned(name: string, pattern: RegExp): Partial<GraphQLScalarType> {
  const check = (value: unknown) => {
    if (typeof value !== 'string' || !pattern.test(value)) throw invalid(name, value);
    return value;
  };
  return {
    serialize: check,
    parseValue: check,
    parseLiteral: (ast: ValueNode) => check(ast.kind === Kind.STRING ? ast.value : undefined),
  };
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') throw new GraphQLError(`Variable 'AWSJSON' has an invalid value: expected a JSON string`);
  try {
    return JSON.parse(value);
  } catch {
    throw new GraphQLError(`Unable to parse ${value.slice(0, 64)} as valid JSON.`);
  }
}

const AWS_JSON: Partial<GraphQLScalarType> = {
  // Resolvers receive AWSJSON arguments parsed, and may return any JSON value for it.
  serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
  parseValue: parseJson,
  parseLiteral: (ast: ValueNode) => parseJson(ast.kind === Kind.STRING ? ast.value : undefined),
};

const AWS_TIMESTAMP: Partial<GraphQLScalarType> = {
  serialize: (value: unknown) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid('AWSTimestamp', value);
    return value;
  },
  parseValue: (value: unknown) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid('AWSTimestamp', value);
    return value;
  },
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.INT) throw invalid('AWSTimestamp', 'literal');
    return Number(ast.value);
  },
};

function withAwsScalars(schema: GraphQLSchema): GraphQLSchema {
  for (const [name, type] of Object.entries(schema.getTypeMap())) {
    if (!(type instanceof GraphQLScalarType)) continue;
    const rules = name === 'AWSJSON' ? AWS_JSON : name === 'AWSTimestamp' ? AWS_TIMESTAMP : PATTERNS[name] ? patterned(name, PATTERNS[name]) : undefined;
    if (rules) Object.assign(type, rules);
  }
  return schema;
}
