import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../config.ts';
import { latestCode } from '../../cognito/outbox.ts';
import { type LocalCognito, startLocalCognito } from '../../cognito/start.ts';
import { signIn } from './sign-in.ts';

describe("the explorer's user pool sign-in (SRP over fetch, as the page runs it)", () => {
  let dataDir: string;
  let cognito: LocalCognito;
  const email = 'explorer@example.com';
  const password = 'Correct-Horse-9-Battery';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-explorer-'));
    cognito = await startLocalCognito({ dataDir, credentials: LOCAL_CREDENTIALS, log: () => undefined });
    const sdk = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
    await sdk.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: latestCode(cognito.outboxFile, email) }));
    sdk.destroy();
  });
  afterAll(async () => {
    await cognito.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const config = () => ({ cognitoEndpoint: cognito.endpoint, userPoolId: cognito.userPoolId, userPoolClientId: cognito.clientId });

  it('returns an ID token the pool issued', async () => {
    const verifier = CognitoJwtVerifier.create({ userPoolId: cognito.userPoolId, tokenUse: 'id', clientId: cognito.clientId });
    verifier.cacheJwks(cognito.jwks);
    await expect(verifier.verify(await signIn(config(), email, password))).resolves.toMatchObject({ email });
  });

  it("shows Cognito's message for a wrong password", async () => {
    await expect(signIn(config(), email, 'Wrong-Horse-9-Battery')).rejects.toThrow('Incorrect username or password.');
  });
});
