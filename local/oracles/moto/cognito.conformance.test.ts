/**
 * Client-level conformance of the local Cognito (local/cognito), judged by moto: the same cases,
 * the same AWS SDK client, only the endpoint differs. Where the two disagree, AWS's documentation
 * decides; moto's departures are asserted as they are and listed in docs/ORACLES.md (Mn).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paddedHex, srpClientKeys, srpTimestamp } from '../../../client/src/api/cognito-srp.ts';
import { jwtClaims, signInWithSrp } from '../../../client/src/api/session.ts';
import { LOCAL_CREDENTIALS } from '../../config.ts';
import { latestCode } from '../../cognito/outbox.ts';
import { CLIENT_NAME, CLIENT_SETTINGS, POOL_NAME, POOL_SETTINGS } from '../../cognito/pool-settings.ts';
import { startLocalCognito } from '../../cognito/start.ts';
import { motoForConformance, type ServiceTarget } from './oracle.ts';
import { dropSignature } from './unsigned.ts';

const REGION = 'us-east-1';
const PASSWORD = 'Correct-Horse-9-Battery';
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.', $metadata: { httpStatusCode: 400 } };

interface CognitoTarget extends ServiceTarget {
  sdk: CognitoIdentityProviderClient;
  userPoolId: string;
  /** The deployed app client: SRP and refresh only. */
  clientId: string;
  /** The same with USER_PASSWORD_AUTH allowed, for the password sign-in cases. */
  passwordClientId: string;
  /** The code the user received (the local outbox; moto sends none). */
  codeFor(email: string): string;
}

const moto = await motoForConformance('the Cognito conformance cases (local/oracles/moto/cognito.conformance.test.ts)');
afterAll(() => moto?.stop());

async function passwordClient(sdk: CognitoIdentityProviderClient, userPoolId: string): Promise<string> {
  const flows = [...(CLIENT_SETTINGS.ExplicitAuthFlows ?? []), 'ALLOW_USER_PASSWORD_AUTH' as const];
  const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({ ...CLIENT_SETTINGS, UserPoolId: userPoolId, ClientName: 'conformance-password', ExplicitAuthFlows: flows }));
  if (!UserPoolClient?.ClientId) throw new Error('no client id');
  return UserPoolClient.ClientId;
}

async function localTarget(): Promise<CognitoTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-cognito-conformance-'));
  const cognito = await startLocalCognito({ dataDir, region: REGION, credentials: LOCAL_CREDENTIALS, log: () => undefined });
  const sdk = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  return {
    name: 'local',
    sdk,
    endpoint: cognito.endpoint,
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    passwordClientId: await passwordClient(sdk, cognito.userPoolId),
    codeFor: (email) => latestCode(cognito.outboxFile, email) ?? '',
    close: async () => {
      sdk.destroy();
      await cognito.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** moto starts empty: the pool and client are created as local/cognito/seed.ts creates them. */
async function motoCognito(endpoint: string): Promise<CognitoTarget> {
  const sdk = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  const { UserPool } = await sdk.send(new CreateUserPoolCommand({ PoolName: POOL_NAME, ...POOL_SETTINGS }));
  if (!UserPool?.Id) throw new Error('no pool id');
  const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({ ...CLIENT_SETTINGS, UserPoolId: UserPool.Id, ClientName: CLIENT_NAME }));
  if (!UserPoolClient?.ClientId) throw new Error('no client id');
  return {
    name: 'moto',
    sdk,
    endpoint,
    userPoolId: UserPool.Id,
    clientId: UserPoolClient.ClientId,
    passwordClientId: await passwordClient(sdk, UserPool.Id),
    // M1: moto confirms with any code.
    codeFor: () => '123456',
    close: () => Promise.resolve(sdk.destroy()),
  };
}

const targets: Array<[string, () => Promise<CognitoTarget>]> = [['local', localTarget]];
if (moto) targets.push(['moto', () => motoCognito(moto.endpoint)]);

describe.each(targets)('Cognito conformance: %s', (_name, open) => {
  let target: CognitoTarget;
  let users = 0;
  beforeAll(async () => {
    target = await open();
  });
  afterAll(() => target.close());

  const signUp = (email: string, password = PASSWORD) =>
    target.sdk.send(new SignUpCommand({ ClientId: target.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
  const confirm = (email: string, code = target.codeFor(email)) =>
    target.sdk.send(new ConfirmSignUpCommand({ ClientId: target.clientId, Username: email, ConfirmationCode: code }));
  const srp = (email: string, password = PASSWORD) =>
    signInWithSrp(target.sdk, { userPoolId: target.userPoolId, clientId: target.clientId, username: email, password });
  /** A PASSWORD_VERIFIER answer whose claim proves nothing: what a caller without the password sends. */
  const unprovenSrp = async (email: string) => {
    const keys = srpClientKeys();
    const started = await target.sdk.send(
      new InitiateAuthCommand({ ClientId: target.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: email, SRP_A: paddedHex(keys.A) } }),
    );
    const challenge = started.ChallengeParameters ?? {};
    return target.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: target.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: started.Session,
        ChallengeResponses: {
          USERNAME: challenge.USER_ID_FOR_SRP ?? email,
          PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK ?? '',
          PASSWORD_CLAIM_SIGNATURE: Buffer.alloc(32).toString('base64'),
          TIMESTAMP: srpTimestamp(new Date()),
        },
      }),
    );
  };
  const passwordSignIn = (email: string, password = PASSWORD, clientId = target.passwordClientId) =>
    target.sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));
  const newUser = async () => {
    users += 1;
    const email = `user${users}@example.com`;
    await signUp(email);
    await confirm(email);
    return email;
  };

  it('signs a user up unconfirmed, and refuses their sign-in until they confirm', async () => {
    const email = 'signup@example.com';
    const answer = await signUp(email);
    expect(answer).toMatchObject({ UserConfirmed: false, UserSub: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await expect(passwordSignIn(email)).rejects.toMatchObject({ name: 'UserNotConfirmedException', $metadata: { httpStatusCode: 400 } });
    await confirm(email);
    expect((await passwordSignIn(email)).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('refuses a wrong confirmation code with CodeMismatchException', async () => {
    const email = 'wrong-code@example.com';
    await signUp(email);
    const wrong = confirm(email, target.codeFor(email) === '000000' ? '111111' : '000000');
    if (target.name === 'moto') {
      // M1: moto does not check the code.
      await expect(wrong).resolves.toBeDefined();
      return;
    }
    await expect(wrong).rejects.toMatchObject({ name: 'CodeMismatchException', $metadata: { httpStatusCode: 400 } });
  });

  it('signs in with SRP (USER_SRP_AUTH, PASSWORD_VERIFIER) to tokens for this pool and client', async () => {
    const email = await newUser();
    if (target.name === 'moto') {
      // M3: moto's challenge is not SRP (SALT, SRP_B random hex, SECRET_BLOCK a session id, not
      // base64), so a real client cannot answer it, and it accepts any claim signature.
      await expect(srp(email)).rejects.toMatchObject({ name: 'InvalidCharacterError' });
      expect((await unprovenSrp(email)).AuthenticationResult?.IdToken).toBeTruthy();
      return;
    }
    const { AuthenticationResult: tokens } = await srp(email);
    expect(tokens).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600, AccessToken: expect.any(String), IdToken: expect.any(String), RefreshToken: expect.any(String) });
    const id = jwtClaims(tokens?.IdToken ?? '');
    expect(id).toMatchObject({ token_use: 'id', aud: target.clientId, email, iss: `https://cognito-idp.${REGION}.amazonaws.com/${target.userPoolId}` });
    expect(jwtClaims(tokens?.AccessToken ?? '')).toMatchObject({ token_use: 'access', client_id: target.clientId, sub: id.sub });
    await expect(unprovenSrp(email)).rejects.toMatchObject(INCORRECT);
  });

  it('signs in with a password where the client allows USER_PASSWORD_AUTH, and only there', async () => {
    const email = await newUser();
    const { AuthenticationResult: tokens } = await passwordSignIn(email);
    expect(jwtClaims(tokens?.IdToken ?? '')).toMatchObject({ token_use: 'id', aud: target.passwordClientId, email });
    const notEnabled = passwordSignIn(email, PASSWORD, target.clientId);
    if (target.name === 'moto') {
      // M4: moto does not check the client's ExplicitAuthFlows.
      await expect(notEnabled).resolves.toMatchObject({ AuthenticationResult: { AccessToken: expect.any(String) } });
      return;
    }
    await expect(notEnabled).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
  });

  it('refreshes the id and access tokens with REFRESH_TOKEN_AUTH, keeping the refresh token', async () => {
    const email = await newUser();
    const { AuthenticationResult: tokens } = await passwordSignIn(email);
    const refreshed = await target.sdk.send(
      new InitiateAuthCommand({ ClientId: target.passwordClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens?.RefreshToken ?? '' } }),
    );
    expect(refreshed.AuthenticationResult).toMatchObject({ AccessToken: expect.any(String), IdToken: expect.any(String) });
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect(jwtClaims(refreshed.AuthenticationResult?.IdToken ?? '')).toMatchObject({ email, aud: target.passwordClientId });
    await expect(
      target.sdk.send(new InitiateAuthCommand({ ClientId: target.passwordClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: 'not-a-refresh-token' } })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('answers a wrong password, by password or SRP, with NotAuthorizedException', async () => {
    const email = await newUser();
    await expect(passwordSignIn(email, 'Wrong-Password-123')).rejects.toMatchObject(INCORRECT);
    // moto cannot run the SRP half (M3).
    if (target.name === 'local') await expect(srp(email, 'Wrong-Password-123')).rejects.toMatchObject(INCORRECT);
  });

  it('serves admin calls signed with credentials, and refuses them unsigned', async () => {
    const email = await newUser();
    const got = await target.sdk.send(new AdminGetUserCommand({ UserPoolId: target.userPoolId, Username: email }));
    expect(got).toMatchObject({ UserStatus: 'CONFIRMED', Enabled: true });
    const anonymous = new CognitoIdentityProviderClient({ endpoint: target.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    dropSignature(anonymous.middlewareStack);
    const refused = anonymous.send(new AdminGetUserCommand({ UserPoolId: target.userPoolId, Username: email }));
    await refused.catch(() => undefined).finally(() => anonymous.destroy());
    if (target.name === 'moto') {
      // M2: moto checks no credentials unless its IAM emulation is switched on.
      await expect(refused).resolves.toMatchObject({ UserStatus: 'CONFIRMED' });
      return;
    }
    await expect(refused).rejects.toMatchObject({ name: 'MissingAuthenticationTokenException', $metadata: { httpStatusCode: 400 } });
  });
});
