import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  DeleteUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { latestCode } from '../../../local/cognito/outbox.ts';
import { serviceDataDir } from '../../../local/config.ts';
import type { ClientConfig } from '../../src/api/config.ts';
import { type CognitoSession, createCognitoClient, type SessionTokens } from '../../src/api/session.ts';

export interface Credentials {
  email: string;
  password: string;
}

/** How the smoke test gets a user of its own, and gets rid of it. */
export interface ThrowawayUsers {
  /** How users are made, for the report. */
  method: string;
  /** Leaves a confirmed user that can sign in with the password. */
  create(user: Credentials): Promise<void>;
  /** Deletes the user; `tokens` when it is signed in. */
  remove(user: Credentials, tokens: SessionTokens | null): Promise<void>;
}

/** A unique address on example.com (reserved: nothing is ever delivered there). */
export function throwawayCredentials(now = new Date()): Credentials {
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const email = `imagegraph-smoke-${stamp}-${randomBytes(4).toString('hex')}@example.com`;
  // Meets the pool's policy (12+ characters, upper and lower case, a digit and a symbol) with
  // 128 random bits.
  const password = `Sm0ke!${randomBytes(16).toString('base64url')}`;
  return { email, password };
}

/**
 * On AWS: Cognito's admin API with the caller's IAM credentials (AdminCreateUser without the
 * invitation email, AdminSetUserPassword permanent, AdminDeleteUser). Needs
 * cognito-idp:AdminCreateUser, AdminSetUserPassword and AdminDeleteUser on the pool.
 */
export function adminUsers(cognito: Pick<CognitoIdentityProviderClient, 'send'>, userPoolId: string): ThrowawayUsers {
  return {
    method: 'Cognito admin API',
    async create({ email, password }) {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
      // A permanent password moves the user from FORCE_CHANGE_PASSWORD to CONFIRMED.
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: password, Permanent: true }));
    },
    async remove({ email }) {
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
    },
  };
}

/**
 * On the local cloud: the public sign-up path a person takes (SignUp, the code from the local
 * outbox, ConfirmSignUp), and DeleteUser with the user's own access token. No admin calls, so no
 * AWS credentials are involved.
 */
export function signUpUsers(session: CognitoSession, cognito: Pick<CognitoIdentityProviderClient, 'send'>, outboxFile: string): ThrowawayUsers {
  return {
    method: 'sign-up with the local outbox code',
    async create({ email, password }) {
      const { confirmed } = await session.signUp(email, password);
      if (confirmed) return;
      const code = latestCode(outboxFile, email);
      if (!code) throw new Error(`no confirmation code for ${email} in ${outboxFile}`);
      await session.confirmSignUp(email, code);
    },
    async remove({ email, password }, tokens) {
      const accessToken = (tokens ?? (await session.signIn(email, password))).accessToken;
      await cognito.send(new DeleteUserCommand({ AccessToken: accessToken }));
    },
  };
}

/**
 * Admin calls on AWS; the sign-up path on the local cloud (its outputs carry CognitoEndpoint), whose
 * outbox lives in its data directory, next to the outputs file.
 */
export function throwawayUsersFor(config: ClientConfig, outputsFile: string, session: CognitoSession): ThrowawayUsers {
  // Unsigned for the user-pool calls; signed from the default credential chain for the admin ones.
  const cognito = createCognitoClient(config);
  if (!config.cognitoEndpoint) return adminUsers(cognito, config.userPoolId);
  return signUpUsers(session, cognito, join(serviceDataDir({ dataDir: dirname(outputsFile) }, 'cognito'), 'outbox.jsonl'));
}
