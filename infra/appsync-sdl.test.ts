import { buildSchema, type GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAppSyncSdl, toAppSyncSdl } from './appsync-sdl.ts';
import { repoPath } from './paths.ts';

const builtins = readFileSync(repoPath('schema/appsync-directives.graphql'), 'utf8');
const messages = (sdl: string) => checkAppSyncSdl(sdl).map((p) => `${p.line}:${p.column} ${p.message}`);

/** Every description in a schema, by coordinate (Type, Type.field, Type.field(arg), Enum.VALUE). */
function descriptions(sdl: string): Record<string, string | null | undefined> {
  const schema: GraphQLSchema = buildSchema(`${builtins}\n${sdl}`);
  const entries: [string, string | null | undefined][] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || type.name.startsWith('AWS')) continue;
    entries.push([type.name, type.description]);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        entries.push([`${type.name}.${field.name}`, field.description]);
        for (const arg of field.args) entries.push([`${type.name}.${field.name}(${arg.name})`, arg.description]);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) entries.push([`${type.name}.${field.name}`, field.description]);
    }
    if (isEnumType(type)) for (const value of type.getValues()) entries.push([`${type.name}.${value.name}`, value.description]);
  }
  return Object.fromEntries(entries);
}

const ACCEPTED = `
# A comment, which every GraphQL parser skips.
schema {
  query: Query
  mutation: Mutation
}

"Reads."
type Query {
  "One item."
  item("Its id." id: ID!, "Which sizes." sizes: [Size!] = [SMALL]): Item @aws_cognito_user_pools
  "Anything with a name."
  named: [Named!]!
}

type Mutation {
  publish(input: ItemInput!): Item @aws_iam
}

"A thing with a name."
interface Named {
  name: String!
}

"An item."
type Item implements Named @aws_cognito_user_pools @aws_iam {
  name: String!
  "When it was made."
  createdAt: AWSDateTime
  size: Size
}

"Sizes."
enum Size {
  "Small."
  SMALL
  LARGE
}

union Result = Item

input ItemInput {
  name: String!
  size: Size = LARGE
}
`;

describe('checkAppSyncSdl', () => {
  it('accepts single-line descriptions, comments, default values, interfaces, unions and AppSync directives', () => {
    expect(messages(ACCEPTED)).toEqual([]);
  });

  it.each([
    ['a description on the schema definition', '"Docs."\nschema { query: Query }\ntype Query { a: Int }', /^1:1 description on the schema definition.*# comment/],
    ['a block-string description', 'type Query {\n  """\n  A.\n  """\n  a: Int\n}', /^2:3 block string \("""\)/],
    ['an interface implementing an interface', 'interface A { a: Int }\ninterface B implements A { a: Int }\ntype Query { b: B }', /^2:1 interface B implements an interface/],
    ['a type implementing two interfaces', 'interface A { a: Int }\ninterface B { b: Int }\ntype C implements A & B { a: Int b: Int }\ntype Query { c: C }', /^3:1 type C implements more than one interface/],
    ['a directive definition', 'directive @cached on FIELD_DEFINITION\ntype Query { a: Int }', /^1:1 directive definition @cached/],
    ['a redeclared AppSync scalar', 'scalar AWSDateTime\ntype Query { a: AWSDateTime }', /^1:1 scalar AWSDateTime: AppSync declares its own/],
    ['a custom scalar', 'scalar Money\ntype Query { a: Money }', /^1:1 scalar Money/],
    ['a type extension', 'type Query { a: Int }\nextend type Query { b: Int }', /^2:1 type system extension \(ObjectTypeExtension\)/],
    ['an operation', 'type Query { a: Int }\nquery { a }', /^2:1 operations and fragments/],
    ['a directive AppSync does not define', 'type Query { a: Int @deprecated(reason: "x") @cached }', /^0:0 Unknown directive "@cached"/],
    ['an AppSync directive out of its place', 'type Query { a(x: Int @aws_iam): Int }', /^0:0 Directive "@aws_iam" may not be used on ARGUMENT_DEFINITION/],
    ['an undefined type', 'type Query { a: Missing }', /^0:0 Unknown type "Missing"/],
    ['a syntax error', 'type Query { a: }', /^1:17 Syntax Error/],
  ])('refuses %s', (_name, sdl, expected) => {
    expect(messages(sdl)).toContainEqual(expect.stringMatching(expected));
  });

  it('reports every problem, not just the first', () => {
    const sdl = '"""Docs."""\nschema { query: Query }\ndirective @x on FIELD\ntype Query { """A.""" a: Int }';
    expect(messages(sdl)).toHaveLength(4);
  });
});

describe('toAppSyncSdl', () => {
  const source = `"""
Docs of the API.

Second paragraph.
"""
schema { query: Query }

"""
Reads: "quoted" and \\ backslash,
on two lines.
"""
type Query {
  """One item."""
  item("Its id." id: ID!): Item
}

"An item."
type Item {
  """
  Its name.
  """
  name: String
}
`;

  it('writes block strings as single-line strings with the same text, so the console shows the same descriptions', () => {
    const deployed = toAppSyncSdl(source);
    expect(deployed).not.toContain('"""');
    expect(checkAppSyncSdl(deployed)).toEqual([]);
    const { Query: _schemaDocs, ...before } = descriptions(source);
    expect(descriptions(deployed)).toMatchObject(before);
    expect(descriptions(deployed).Query).toBe('Reads: "quoted" and \\ backslash,\non two lines.');
  });

  it('keeps the schema definition description as a # comment', () => {
    expect(toAppSyncSdl(source)).toMatch(/^# Docs of the API.\n#\n# Second paragraph.\nschema \{/);
  });

  it('leaves a schema that is already deployable with the same meaning', () => {
    expect(descriptions(toAppSyncSdl(ACCEPTED))).toEqual(descriptions(ACCEPTED));
  });

  it('refuses what it cannot rewrite, naming each construct', () => {
    expect(() => toAppSyncSdl('"""A."""\ninterface A { a: Int }\ninterface B implements A { a: Int }\ntype Query { b: B }')).toThrow(
      /AppSync refuses:\n {2}- 3:1 interface B implements an interface[^\n]*$/,
    );
  });
});

describe('schema/schema.graphql', () => {
  it('becomes deployable SDL with every description kept', () => {
    const sdl = readFileSync(repoPath('schema/schema.graphql'), 'utf8');
    const deployed = toAppSyncSdl(sdl);
    expect(checkAppSyncSdl(deployed)).toEqual([]);
    expect(descriptions(deployed)).toEqual(descriptions(sdl));
  });
});
