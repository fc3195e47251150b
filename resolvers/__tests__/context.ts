import type { Context, Info } from '@aws-appsync/utils';
import { evaluate } from '../../local/appsync/runtime/evaluation.ts';
import type { EvaluationOptions } from '../../local/appsync/runtime/evaluation.ts';

/** Contexts shaped as AppSync builds them, for calling resolver handlers in tests. */
export const ALICE = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';
export const BOB = '0a1b2c3d-2222-4222-8222-bbbbbbbbbbbb';

export function cognitoIdentity(sub: string) {
  return {
    sub,
    issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
    username: sub,
    claims: { sub, token_use: 'id', 'cognito:username': sub },
    sourceIp: ['127.0.0.1'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  };
}

export const IAM_IDENTITY = {
  accountId: '123456789012',
  cognitoIdentityPoolId: null,
  cognitoIdentityId: null,
  sourceIp: ['10.0.0.1'],
  username: 'AROAEXAMPLE:process-image',
  userArn: 'arn:aws:sts::123456789012:assumed-role/process-image/process-image',
  cognitoIdentityAuthType: null,
  cognitoIdentityAuthProvider: null,
};

interface ContextInput {
  args?: Record<string, unknown>;
  identity?: unknown;
  source?: unknown;
  result?: unknown;
  error?: { message: string; type: string };
  stash?: Record<string, unknown>;
  info?: Partial<Info>;
}

export function context(input: ContextInput = {}): Context {
  const args = input.args ?? {};
  return {
    arguments: args,
    args,
    identity: input.identity === undefined ? cognitoIdentity(ALICE) : input.identity,
    source: input.source ?? null,
    result: input.result,
    error: input.error,
    stash: input.stash ?? {},
    prev: { result: {} },
    request: { headers: {}, domainName: null },
    info: { fieldName: 'field', parentTypeName: 'Type', variables: {}, selectionSetList: [], selectionSetGraphQL: '', ...input.info },
  } as unknown as Context;
}

/** Runs one handler as AppSync would and returns everything it produced. */
export function run<T, C extends Context>(handler: (ctx: C) => T, ctx: Context, options?: EvaluationOptions) {
  return evaluate(() => handler(ctx as C), options);
}
