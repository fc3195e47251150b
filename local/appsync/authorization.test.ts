import { buildSchema, type GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/paths.ts';
import type { Caller, CognitoIdentity, IamIdentity } from './auth/identity.ts';
import { AuthorizationRules } from './authorization.ts';

const schema = buildSchema(`${readFileSync(repoPath('schema/appsync-directives.graphql'), 'utf8')}
  type Query {
    plain: Int
    iamOnly: Int @aws_iam
    both: Int @aws_iam @aws_cognito_user_pools
    admins: Int @aws_cognito_user_pools(cognito_groups: ["Admins"])
    legacy: Int @aws_auth(cognito_groups: ["Admins"])
    typed: Typed
  }
  type Typed @aws_iam {
    inherits: Int
    overrides: Int @aws_cognito_user_pools
  }
`);

const user = (groups: string[] | null = null): Caller => ({ mode: 'AMAZON_COGNITO_USER_POOLS', identity: { groups } as CognitoIdentity });
const iam: Caller = { mode: 'AWS_IAM', identity: {} as IamIdentity };
const rules = new AuthorizationRules('AMAZON_COGNITO_USER_POOLS');

function allows(caller: Caller, typeName: string, fieldName: string): boolean {
  const type = schema.getType(typeName) as GraphQLObjectType;
  return rules.allows(caller, type, type.getFields()[fieldName]!);
}

describe('authorization directives', () => {
  it.each([
    ['no directive: the default mode only', 'Query', 'plain', true, false],
    ['a directive replaces the default mode', 'Query', 'iamOnly', false, true],
    ['several directives: any of them', 'Query', 'both', true, true],
    ['a type directive applies to fields without one', 'Typed', 'inherits', false, true],
    ['a field directive replaces the type directive', 'Typed', 'overrides', true, false],
  ])('%s', (_name, type, field, userAllowed, iamAllowed) => {
    expect(allows(user(), type, field)).toBe(userAllowed);
    expect(allows(iam, type, field)).toBe(iamAllowed);
  });

  it('cognito_groups admits members of the groups only (also through @aws_auth)', () => {
    for (const field of ['admins', 'legacy']) {
      expect(allows(user(['Admins']), 'Query', field)).toBe(true);
      expect(allows(user(['Users']), 'Query', field)).toBe(false);
      expect(allows(user(), 'Query', field)).toBe(false);
      expect(allows(iam, 'Query', field)).toBe(false);
    }
  });
});
