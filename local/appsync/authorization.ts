/**
 * Which callers may read a field, from AppSync's authorization directives ("Using additional
 * authorization modes"): directives on the field replace those on its type; a type or field without
 * any uses the API's default mode only; once a directive is present, the default mode is allowed only
 * if it is listed too. `cognito_groups` limits a user pool mode to members of those groups.
 */
import type { ConstDirectiveNode, GraphQLField, GraphQLObjectType } from 'graphql';
import { Kind } from 'graphql';
import type { AuthMode, Caller } from './auth/identity.ts';

type DirectiveMode = AuthMode | 'API_KEY' | 'OPENID_CONNECT' | 'AWS_LAMBDA';

export interface AuthRule {
  mode: DirectiveMode;
  /** Only for user pools: the caller must be in one of them. */
  groups?: string[];
}

const MODE_OF_DIRECTIVE: Record<string, DirectiveMode> = {
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_iam: 'AWS_IAM',
  aws_api_key: 'API_KEY',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
};

function groupsOf(directive: ConstDirectiveNode): string[] | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === 'cognito_groups');
  if (!arg || arg.value.kind !== Kind.LIST) return undefined;
  return arg.value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
}

function rulesOf(directives: readonly ConstDirectiveNode[] | undefined, defaultMode: AuthMode): AuthRule[] {
  const rules: AuthRule[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    const mode = MODE_OF_DIRECTIVE[name];
    const groups = groupsOf(directive);
    if (mode) rules.push(groups ? { mode, groups } : { mode });
    // @aws_auth is the original directive: it stands for the default user pool mode.
    else if (name === 'aws_auth' && defaultMode === 'AMAZON_COGNITO_USER_POOLS') {
      rules.push(groups ? { mode: defaultMode, groups } : { mode: defaultMode });
    }
  }
  return rules;
}

export class AuthorizationRules {
  private readonly cache = new Map<string, AuthRule[]>();

  constructor(readonly defaultMode: AuthMode) {}

  /** The rules for `type.field`; a caller matching any one of them may read it. */
  rulesFor(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): AuthRule[] {
    const key = `${type.name}.${field.name}`;
    let rules = this.cache.get(key);
    if (!rules) {
      const onField = rulesOf(field.astNode?.directives, this.defaultMode);
      const onType = rulesOf(type.astNode?.directives, this.defaultMode);
      rules = onField.length > 0 ? onField : onType.length > 0 ? onType : [{ mode: this.defaultMode }];
      this.cache.set(key, rules);
    }
    return rules;
  }

  allows(caller: Caller, type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
    return this.rulesFor(type, field).some((rule) => {
      if (rule.mode !== caller.mode) return false;
      if (!rule.groups || caller.mode !== 'AMAZON_COGNITO_USER_POOLS') return true;
      const groups = caller.identity.groups ?? [];
      return rule.groups.some((group) => groups.includes(group));
    });
  }
}
