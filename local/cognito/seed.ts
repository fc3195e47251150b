import { randomInt } from 'node:crypto';
import { type CognitoIdentityProviderClient, CreateUserPoolClientCommand, ListUserPoolClientsCommand, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import { CLIENT_NAME, CLIENT_SETTINGS, POOL_NAME, POOL_SETTINGS } from './pool-settings.ts';
import { sealStoredPasswords } from './user-auth.ts';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } } as unknown as Parameters<CognitoService['listUserPools']>[0];

/**
 * The ImageGraph pool, created on first start with an id shaped like AWS's
 * (`us-east-1_AbC123xyZ`): aws-jwt-verify refuses cognito-local's own `local_...` ids. The
 * CreateUserPool API would pick such an id, so the pool is created in the store directly.
 */
export async function ensurePool(cognito: CognitoService, region: string): Promise<string> {
  const existing = (await cognito.listUserPools(ctx)).find((pool) => pool.Name === POOL_NAME);
  if (existing) return existing.Id;
  const id = `${region}_${randomSuffix()}`;
  const now = new Date();
  await cognito.createUserPool(ctx, {
    Id: id,
    Name: POOL_NAME,
    Arn: `arn:aws:cognito-idp:${region}:000000000000:userpool/${id}`,
    CreationDate: now,
    LastModifiedDate: now,
    ...structuredClone(POOL_SETTINGS),
  });
  return id;
}

/**
 * Passwords a pool from before SRP kept in clear, replaced by their verifiers on start (see
 * user-auth.ts): the data directory then holds no password.
 */
export async function ensureVerifiers(cognito: CognitoService, userPoolId: string): Promise<void> {
  await sealStoredPasswords(ctx, await cognito.getUserPool(ctx, userPoolId));
}

/**
 * The app client, created through the real CreateUserPoolClient API on first start, and kept
 * at the deployed settings (UpdateUserPoolClient) when a data directory predates a change.
 */
export async function ensureClient(client: CognitoIdentityProviderClient, userPoolId: string): Promise<string> {
  const { UserPoolClients = [] } = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId }));
  const existing = UserPoolClients.find((candidate) => candidate.ClientName === CLIENT_NAME);
  if (existing?.ClientId) {
    await client.send(new UpdateUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: existing.ClientId, ClientName: CLIENT_NAME, ...CLIENT_SETTINGS }));
    return existing.ClientId;
  }
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: CLIENT_NAME,
      GenerateSecret: false,
      ...CLIENT_SETTINGS,
    }),
  );
  if (!UserPoolClient?.ClientId) throw new Error('CreateUserPoolClient returned no client id');
  return UserPoolClient.ClientId;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomSuffix(): string {
  return Array.from({ length: 9 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}
