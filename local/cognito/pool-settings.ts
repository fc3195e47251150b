/**
 * The user pool and app client as infra/constructs/auth.ts deploys them, in the terms of the
 * Cognito API (CreateUserPool / CreateUserPoolClient), for seeding the local pool. CDK speaks in
 * constructs, not API shapes, so these are restated here; pool-settings.test.ts checks them
 * against the synthesized template so the two cannot drift apart.
 */
import type { CreateUserPoolClientRequest, CreateUserPoolRequest } from '@aws-sdk/client-cognito-identity-provider';

export const POOL_NAME = 'imagegraph';
export const CLIENT_NAME = 'imagegraph-app';

export const POOL_SETTINGS: Readonly<Pick<CreateUserPoolRequest, 'UsernameAttributes' | 'AutoVerifiedAttributes' | 'Policies'>> = {
  /** Users sign in by email (signInAliases: { email: true }). */
  UsernameAttributes: ['email'],
  AutoVerifiedAttributes: ['email'],
  Policies: {
    PasswordPolicy: {
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
    },
  },
};

export const CLIENT_SETTINGS: Readonly<Omit<CreateUserPoolClientRequest, 'UserPoolId' | 'ClientName'>> = {
  // SRP only: the password never leaves the user's device (no USER_PASSWORD_AUTH).
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  RefreshTokenValidity: 43_200,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
  PreventUserExistenceErrors: 'ENABLED',
  EnableTokenRevocation: true,
};
