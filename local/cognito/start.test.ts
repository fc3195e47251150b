import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signInWithSrp } from '../../client/src/api/session.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { FOREIGN_ORIGIN, jsonProtocolRefusals, REFUSAL_CASES, type RefusalCase, rawRequest, sendCall, wrongClientConfigs } from '../testing/sigv4-refusals.ts';
import { latestCode } from './outbox.ts';
import { type LocalCognito, startLocalCognito } from './start.ts';

const PASSWORD = 'Correct-Horse-9-Battery';

describe('local Cognito', () => {
  let dataDir: string;
  let cognito: LocalCognito;
  let sdk: CognitoIdentityProviderClient;
  const logged: string[] = [];

  const start = async () => {
    cognito = await startLocalCognito({ dataDir, credentials: LOCAL_CREDENTIALS, log: (line) => logged.push(line) });
    // The SDK sends the public actions unsigned (its noAuth scheme) and signs the IAM-only ones.
    sdk = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  };
  const stop = async () => {
    sdk.destroy();
    await cognito.close();
  };
  const signIn = (email: string, password = PASSWORD) => signInWithSrp(sdk, { userPoolId: cognito.userPoolId, clientId: cognito.clientId, username: email, password });
  const signUp = async (email: string) => {
    const result = await sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
    return result;
  };
  const confirm = (email: string) =>
    sdk.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: latestCode(cognito.outboxFile, email) }));
  const verifier = (tokenUse: 'id' | 'access', clientId = cognito.clientId) => {
    const created = CognitoJwtVerifier.create({ userPoolId: cognito.userPoolId, tokenUse, clientId });
    created.cacheJwks(cognito.jwks);
    return created;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-cognito-'));
    await start();
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds a pool and client shaped like AWS', () => {
    expect(cognito.userPoolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(cognito.issuer).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${cognito.userPoolId}`);
    expect(cognito.clientId).toMatch(/^[a-z0-9]+$/);
    expect(cognito.jwks.keys[0]).toMatchObject({ kid: 'CognitoLocal', alg: 'RS256', kty: 'RSA' });
  });

  it('signs up, confirms with the emailed code, and issues tokens the production verifier accepts', async () => {
    const email = 'alice@example.com';
    const signedUp = await signUp(email);
    expect(signedUp.UserConfirmed).toBe(false);
    expect(signedUp.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    await expect(signIn(email)).rejects.toMatchObject({ name: 'UserNotConfirmedException' });

    const code = latestCode(cognito.outboxFile, email);
    expect(code).toMatch(/^\d{6}$/);
    expect(logged).toContain(`Cognito (local): code ${code} for ${email}`);
    await expect(
      sdk.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code === '000000' ? '111111' : '000000' })),
    ).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await confirm(email);

    const { AuthenticationResult: tokens } = await signIn(email);
    if (!tokens?.IdToken || !tokens.AccessToken) throw new Error('no tokens');
    const idClaims = await verifier('id').verify(tokens.IdToken);
    expect(idClaims).toMatchObject({ email, token_use: 'id', aud: cognito.clientId, iss: cognito.issuer });
    const accessClaims = await verifier('access').verify(tokens.AccessToken);
    expect(accessClaims).toMatchObject({ sub: idClaims.sub, client_id: cognito.clientId, token_use: 'access' });

    await expect(verifier('id', 'someotherclient').verify(tokens.IdToken)).rejects.toThrow(/Client ID \("audience"\) not allowed/);
    await expect(verifier('access', 'someotherclient').verify(tokens.AccessToken)).rejects.toThrow(/Client ID not allowed/);
    await expect(verifier('access').verify(tokens.IdToken)).rejects.toThrow(/Token use not allowed/);
    await expect(signIn(email, 'Wrong-Password-123')).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses passwords the deployed policy refuses', async () => {
    const attempt = (password: string) =>
      sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: 'weak@example.com', Password: password, UserAttributes: [{ Name: 'email', Value: 'weak@example.com' }] }));
    await expect(attempt('Sh0rt!')).rejects.toMatchObject({ name: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough' });
    await expect(attempt('no-uppercase-123')).rejects.toMatchObject({ message: 'Password did not conform with policy: Password must have uppercase characters' });
    await expect(attempt('NoSymbolsHere123')).rejects.toMatchObject({ message: 'Password did not conform with policy: Password must have symbol characters' });
  });

  it('refuses expired tokens and refreshes them', async () => {
    const email = 'bob@example.com';
    await signUp(email);
    await confirm(email);
    const { AuthenticationResult: tokens } = await signIn(email);
    if (!tokens?.IdToken || !tokens.RefreshToken) throw new Error('no tokens');

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
    await expect(verifier('id').verify(tokens.IdToken)).rejects.toThrow(/expired/i);
    vi.useRealTimers();

    const refreshed = await sdk.send(
      new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken } }),
    );
    const fresh = refreshed.AuthenticationResult?.IdToken;
    if (!fresh) throw new Error('no refreshed token');
    await expect(verifier('id').verify(fresh)).resolves.toMatchObject({ email });
  });

  it('keeps the pool, client and users across restarts', async () => {
    const before = { userPoolId: cognito.userPoolId, clientId: cognito.clientId };
    await stop();
    await start();
    expect({ userPoolId: cognito.userPoolId, clientId: cognito.clientId }).toEqual(before);
    const { AuthenticationResult: tokens } = await signIn('alice@example.com');
    await expect(verifier('id').verify(tokens?.IdToken ?? '')).resolves.toMatchObject({ email: 'alice@example.com' });
  });

  describe('IAM-only actions need SigV4 with the local key pair; the public ones stay open, as on AWS', () => {
    const call = (action: string, input: object) => ({
      url: cognito.endpoint,
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
      body: JSON.stringify(input),
      service: 'cognito-idp',
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    /** AWS's JSON-protocol errors; 403 for a foreign Host. Any Origin is allowed, as by Cognito's CORS. */
    const refusals: Record<Exclude<RefusalCase, 'foreign Origin'>, readonly [number, string]> = { ...jsonProtocolRefusals(400), 'foreign Host': [403, 'ForbiddenException'] };
    const refused = REFUSAL_CASES.filter((wrong): wrong is Exclude<RefusalCase, 'foreign Origin'> => wrong !== 'foreign Origin');

    it.each(refused)('refuses ListUsers with %s', async (wrong) => {
      const [status, type] = refusals[wrong];
      const reply = await sendCall(call('ListUsers', { UserPoolId: cognito.userPoolId }), wrong);
      expect(reply.status, reply.body).toBe(status);
      expect(JSON.parse(reply.body)).toEqual({ __type: type, message: expect.any(String) as string });
      expect(reply.body).not.toContain('alice@example.com');
    });

    it('lists users for a correctly signed request, from any origin', async () => {
      const listUsers = call('ListUsers', { UserPoolId: cognito.userPoolId });
      const reply = await sendCall({ ...listUsers, headers: { ...listUsers.headers, origin: FOREIGN_ORIGIN } });
      expect(reply.status, reply.body).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ Users: expect.any(Array) as unknown[] });
      const { Users = [] } = await sdk.send(new ListUsersCommand({ UserPoolId: cognito.userPoolId }));
      expect(Users.map((user) => user.Attributes?.find((attribute) => attribute.Name === 'email')?.Value)).toContain('alice@example.com');
    });

    it.each(Object.entries(wrongClientConfigs(LOCAL_CREDENTIALS)))('refuses the real SDK client with %s', async (wrong, config) => {
      const client = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: 'us-east-1', ...config });
      try {
        await expect(client.send(new ListUsersCommand({ UserPoolId: cognito.userPoolId }))).rejects.toMatchObject({
          name: refusals[wrong as Exclude<RefusalCase, 'foreign Origin'>][1],
          $metadata: { httpStatusCode: 400 },
        });
      } finally {
        client.destroy();
      }
    });

    it("a web page cannot set another user's password and sign in as them", async () => {
      const email = 'carol@example.com';
      await signUp(email);
      await confirm(email);
      const takeover = call('AdminSetUserPassword', { UserPoolId: cognito.userPoolId, Username: email, Password: 'Attacker-Chosen-42!', Permanent: true });
      for (const contentType of ['application/x-amz-json-1.1', 'text/plain']) {
        const reply = await rawRequest(new URL(takeover.url), { method: 'POST', headers: { ...takeover.headers, 'content-type': contentType, origin: FOREIGN_ORIGIN }, body: takeover.body });
        expect(reply.status, reply.body).toBe(400);
        expect(JSON.parse(reply.body)).toMatchObject({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
      }
      await expect(signIn(email, 'Attacker-Chosen-42!')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      await expect(signIn(email)).resolves.toMatchObject({ AuthenticationResult: { IdToken: expect.any(String) as string } });
    });

    it('serves public actions unsigned, to any browser origin', async () => {
      const signInCall = call('InitiateAuth', { ClientId: cognito.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice@example.com', SRP_A: 'abcdef' } });
      const reply = await rawRequest(new URL(signInCall.url), { method: 'POST', headers: { ...signInCall.headers, origin: FOREIGN_ORIGIN }, body: signInCall.body });
      expect(reply.status, reply.body).toBe(200);
      expect(reply.headers['access-control-allow-origin']).toBe('*');
      expect(JSON.parse(reply.body)).toMatchObject({ ChallengeName: 'PASSWORD_VERIFIER', ChallengeParameters: { SRP_B: expect.any(String) as string } });
    });
  });
});
