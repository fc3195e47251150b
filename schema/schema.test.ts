import { readFileSync, readdirSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
const sdl = read('./schema.graphql');
const schema = buildSchema(`${read('./appsync-directives.graphql')}\n${sdl}`);
const ownTypes = Object.values(schema.getTypeMap()).filter(
  (type) => !type.name.startsWith('__') && !type.name.startsWith('AWS') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name),
);

function directivesOf(node: { astNode?: { directives?: readonly { name: { value: string } }[] } | null }): string[] {
  return (node.astNode?.directives ?? []).map((directive) => directive.name.value);
}

describe('schema/schema.graphql', () => {
  it('declares none of AppSync’s built-ins, which AppSync rejects', () => {
    expect(sdl).not.toMatch(/^\s*(scalar|directive)\s/m);
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const missing: string[] = [];
    for (const type of ownTypes) {
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lets only IAM (the backend) publish events, and only users query, upload, delete and subscribe', () => {
    const rootAuth = (type: GraphQLObjectType | null | undefined) =>
      Object.fromEntries(Object.values(type?.getFields() ?? {}).map((field) => [field.name, directivesOf(field)]));
    expect(rootAuth(schema.getMutationType())).toEqual({
      requestUpload: [],
      deleteImage: [],
      publishImageProcessed: ['aws_iam'],
    });
    for (const directives of Object.values(rootAuth(schema.getQueryType()))) expect(directives).toEqual([]);
    expect(rootAuth(schema.getSubscriptionType())).toEqual({ onImageProcessed: ['aws_subscribe'] });
  });

  it('opens every type an event carries to both user pools and IAM', () => {
    // A type with no auth directive gets only the default mode (user pools): the backend's IAM
    // call to publishImageProcessed could not select it, and subscribers would get nulls.
    const seen = new Set<string>();
    const pending: GraphQLNamedType[] = [schema.getType('ImageEvent')!];
    while (pending.length > 0) {
      const type = pending.pop()!;
      if (seen.has(type.name) || !isObjectType(type)) continue;
      seen.add(type.name);
      expect(directivesOf(type), type.name).toEqual(['aws_cognito_user_pools', 'aws_iam']);
      for (const field of Object.values(type.getFields())) pending.push(getNamedType(field.type));
    }
    expect([...seen].sort()).toEqual(
      ['BoundingBox', 'Camera', 'DominantColor', 'Emotion', 'Face', 'Faces', 'GeoPoint', 'Image', 'ImageEvent', 'Label', 'LabelInstance', 'ModerationLabel', 'Thumbnail'],
    );
  });

  it('has a resolver file for every root field, and a field for every resolver file', () => {
    const files = readdirSync(new URL('../resolvers/', import.meta.url))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => name.slice(0, -'.ts'.length));
    const fields = new Set(
      files.map((name) => {
        const [typeName, fieldName] = name.split('.');
        const type = schema.getType(typeName ?? '');
        expect(isObjectType(type) && fieldName && type.getFields()[fieldName], `${name} names no schema field`).toBeTruthy();
        return name;
      }),
    );
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.values(root?.getFields() ?? {})) expect(fields, `${root?.name}.${field.name}`).toContain(`${root?.name}.${field.name}`);
    }
    expect(fields).toContain('Image.originalUrl');
    expect(fields).toContain('Thumbnail.url');
  });
});
