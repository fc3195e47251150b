import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmResetPassword, confirmSignUp, fetchAuthSession, resetPassword, signIn as amplifySignIn, signOut, signUp as amplifySignUp, updatePassword } from 'aws-amplify/auth';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerPasswordVerifier, N, paddedHex, type PasswordVerifierChallenge, type PasswordVerifierResponses, srpClientKeys } from '../../client/src/api/cognito-srp.ts';
import { jwtClaims, signInWithSrp } from '../../client/src/api/session.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { latestCode, readOutbox } from './outbox.ts';
import { type LocalCognito, startLocalCognito } from './start.ts';

const PASSWORD = 'Correct-Horse-9-Battery';
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };

describe('local Cognito: SRP, refresh, sign-out and password actions', () => {
  let dataDir: string;
  let cognito: LocalCognito;
  let sdk: CognitoIdentityProviderClient;

  const start = async () => {
    cognito = await startLocalCognito({ dataDir, credentials: LOCAL_CREDENTIALS, log: () => undefined });
    sdk = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  };
  const stop = async () => {
    sdk.destroy();
    await cognito.close();
  };
  const signIn = (username: string, password = PASSWORD) => signInWithSrp(sdk, { userPoolId: cognito.userPoolId, clientId: cognito.clientId, username, password });
  const tokensOf = async (username: string, password = PASSWORD) => {
    const { AuthenticationResult: tokens } = await signIn(username, password);
    if (!tokens?.AccessToken || !tokens.IdToken || !tokens.RefreshToken) throw new Error('no tokens');
    return { access: tokens.AccessToken, id: tokens.IdToken, refresh: tokens.RefreshToken };
  };
  const newUser = async (email: string, password = PASSWORD) => {
    await sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
    await sdk.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: latestCode(cognito.outboxFile, email) }));
  };
  const challengeFor = async (username: string, srpA: string) => {
    const started = await sdk.send(new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: srpA } }));
    return started.ChallengeParameters as unknown as PasswordVerifierChallenge & { USERNAME: string };
  };
  const respond = (responses: PasswordVerifierResponses) =>
    sdk.send(new RespondToAuthChallengeCommand({ ClientId: cognito.clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: { ...responses } }));
  /** A correct answer to a fresh challenge, for tampering with. */
  const correctAnswer = async (email: string, password = PASSWORD) => {
    const keys = srpClientKeys();
    const challenge = await challengeFor(email, paddedHex(keys.A));
    return answerPasswordVerifier({ userPoolId: cognito.userPoolId, password, keys, challenge });
  };
  const verifier = (tokenUse: 'id' | 'access') => {
    const created = CognitoJwtVerifier.create({ userPoolId: cognito.userPoolId, tokenUse, clientId: cognito.clientId });
    created.cacheJwks(cognito.jwks);
    return created;
  };
  const dbText = () =>
    readdirSync(join(dataDir, 'db'))
      .map((file) => readFileSync(join(dataDir, 'db', file), 'utf8'))
      .join('\n');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-cognito-auth-'));
    await start();
    await newUser('srp@example.com');
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('USER_SRP_AUTH', () => {
    it('signs in with a PASSWORD_VERIFIER challenge and issues tokens the production verifier accepts', async () => {
      const challenge = await challengeFor('srp@example.com', paddedHex(srpClientKeys().A));
      expect(challenge).toMatchObject({ SALT: expect.stringMatching(/^[0-9a-f]+$/) as string, SRP_B: expect.stringMatching(/^[0-9a-f]+$/) as string, SECRET_BLOCK: expect.any(String) as string });
      // The user's name is its sub (sign-in by email), the name SRP's hashes use.
      expect(challenge.USER_ID_FOR_SRP).toMatch(/^[0-9a-f-]{36}$/);
      const tokens = await tokensOf('srp@example.com');
      const id = await verifier('id').verify(tokens.id);
      expect(id).toMatchObject({ email: 'srp@example.com', sub: challenge.USER_ID_FOR_SRP, 'cognito:username': challenge.USER_ID_FOR_SRP });
      const access = await verifier('access').verify(tokens.access);
      expect(access.origin_jti).toBe(id.origin_jti);
    });

    it('stores no password, only the salt and verifier', () => {
      const text = dbText();
      expect(text).toContain('srp@example.com');
      expect(text).not.toContain(PASSWORD);
      expect(text).toMatch(/"Password":\s*"SRP\$[0-9a-f]+\$[0-9a-f]+"/);
    });

    it('answers a wrong password, and an unknown user, with NotAuthorizedException as AWS does', async () => {
      await expect(signIn('srp@example.com', 'Wrong-Horse-9-Battery')).rejects.toMatchObject(INCORRECT);
      // PreventUserExistenceErrors: the unknown user gets a challenge, and its answer fails alike.
      const challenge = await challengeFor('nobody@example.com', paddedHex(srpClientKeys().A));
      expect(challenge.SALT).toBe((await challengeFor('nobody@example.com', paddedHex(srpClientKeys().A))).SALT);
      await expect(signIn('nobody@example.com')).rejects.toMatchObject(INCORRECT);
    });

    it('refuses an SRP_A that is zero mod N, or not a number', async () => {
      for (const srpA of ['0', paddedHex(N), paddedHex(N * 2n), 'not-hex']) {
        await expect(challengeFor('srp@example.com', srpA)).rejects.toMatchObject({ name: 'InvalidParameterException' });
      }
    });

    it('refuses a tampered signature, timestamp, user or secret block', async () => {
      const answer = await correctAnswer('srp@example.com');
      const signature = Buffer.from(answer.PASSWORD_CLAIM_SIGNATURE, 'base64');
      signature[0] = (signature[0] ?? 0) ^ 1;
      await expect(respond({ ...answer, PASSWORD_CLAIM_SIGNATURE: signature.toString('base64') })).rejects.toMatchObject(INCORRECT);
      // The timestamp is signed: another second breaks the signature.
      const other = await correctAnswer('srp@example.com');
      await expect(respond({ ...other, TIMESTAMP: other.TIMESTAMP.replace(/:(\d\d) UTC/, (_, seconds: string) => `:${String((Number(seconds) + 1) % 60).padStart(2, '0')} UTC`) })).rejects.toMatchObject(INCORRECT);
      const malformed = await correctAnswer('srp@example.com');
      await expect(respond({ ...malformed, TIMESTAMP: new Date().toISOString() })).rejects.toMatchObject({ name: 'InvalidParameterException' });
      const someoneElse = await correctAnswer('srp@example.com');
      await expect(respond({ ...someoneElse, USERNAME: 'c0ffee00-0000-4000-8000-000000000000' })).rejects.toMatchObject(INCORRECT);
      const block = await correctAnswer('srp@example.com');
      const sealed = Buffer.from(block.PASSWORD_CLAIM_SECRET_BLOCK, 'base64');
      sealed[20] = (sealed[20] ?? 0) ^ 1;
      await expect(respond({ ...block, PASSWORD_CLAIM_SECRET_BLOCK: sealed.toString('base64') })).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Invalid session for the user.',
      });
    });

    it('refuses a replayed answer and one given after the 3-minute session', async () => {
      const answer = await correctAnswer('srp@example.com');
      await expect(respond(answer)).resolves.toMatchObject({ AuthenticationResult: { AccessToken: expect.any(String) as string } });
      await expect(respond(answer)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user.' });

      const late = await correctAnswer('srp@example.com');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 3 * 60 * 1000 + 1000);
      await expect(respond(late)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
    });

    it('asks an unconfirmed user to confirm only after the password is proven', async () => {
      await sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: 'later@example.com', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'later@example.com' }] }));
      await expect(signIn('later@example.com', 'Wrong-Horse-9-Battery')).rejects.toMatchObject(INCORRECT);
      await expect(signIn('later@example.com')).rejects.toMatchObject({ name: 'UserNotConfirmedException', message: 'User is not confirmed.' });
    });

    it('does not allow USER_PASSWORD_AUTH: the deployed client enables only SRP and refresh', async () => {
      await expect(
        sdk.send(new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'srp@example.com', PASSWORD } })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' });
      await expect(
        sdk.send(new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'srp@example.com' } })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'USER_AUTH flow not enabled for this client' });
    });

    it('refuses CUSTOM_AUTH by name on a client that enables it: the local pool has no Lambda triggers', async () => {
      const { UserPoolClient } = await sdk.send(
        new CreateUserPoolClientCommand({ UserPoolId: cognito.userPoolId, ClientName: 'custom-auth', ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      );
      await expect(
        sdk.send(new InitiateAuthCommand({ ClientId: UserPoolClient!.ClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'srp@example.com' } })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'CUSTOM_AUTH is not supported by the local user pool' });
    });
  });

  describe('refresh tokens and sign-out', () => {
    it('refreshes with GetTokensFromRefreshToken and REFRESH_TOKEN_AUTH, in the same token family', async () => {
      const tokens = await tokensOf('srp@example.com');
      const family = jwtClaims(tokens.access).origin_jti;
      const { AuthenticationResult: viaGet } = await sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: cognito.clientId, RefreshToken: tokens.refresh }));
      expect(viaGet).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
      // No refresh token rotation on the deployed client: the refresh token stays the same.
      expect(viaGet?.RefreshToken).toBeUndefined();
      await expect(verifier('access').verify(viaGet?.AccessToken ?? '')).resolves.toMatchObject({ origin_jti: family });
      const { AuthenticationResult: viaInitiate } = await sdk.send(
        new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.refresh } }),
      );
      await expect(verifier('id').verify(viaInitiate?.IdToken ?? '')).resolves.toMatchObject({ email: 'srp@example.com', origin_jti: family });
    });

    it('refuses a forged refresh token, an access token in its place, and an expired one', async () => {
      const tokens = await tokensOf('srp@example.com');
      const refresh = (token: string) => sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: cognito.clientId, RefreshToken: token }));
      await expect(refresh(`${tokens.refresh.slice(0, -4)}AAAA`)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
      // An access token is no refresh token.
      await expect(refresh(tokens.access)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 31 * 24 * 3600 * 1000);
      await expect(refresh(tokens.refresh)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Refresh Token has expired' });
    });

    it('GlobalSignOut revokes every session: refresh and access tokens are refused by the user pool', async () => {
      const first = await tokensOf('srp@example.com');
      const second = await tokensOf('srp@example.com');
      await expect(sdk.send(new GetUserCommand({ AccessToken: first.access }))).resolves.toMatchObject({ UserAttributes: expect.any(Array) as unknown[] });
      await sdk.send(new GlobalSignOutCommand({ AccessToken: second.access }));
      for (const session of [first, second]) {
        await expect(sdk.send(new GetUserCommand({ AccessToken: session.access }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
        await expect(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: cognito.clientId, RefreshToken: session.refresh }))).rejects.toMatchObject({
          name: 'NotAuthorizedException',
          message: 'Refresh Token has been revoked',
        });
      }
      await expect(sdk.send(new GlobalSignOutCommand({ AccessToken: first.access }))).rejects.toMatchObject({ message: 'Access Token has been revoked' });
      // As on AWS, JWT verifiers outside the user pool (AppSync's, aws-jwt-verify) check only
      // signature and expiry: the ID token stays valid there until it expires.
      await expect(verifier('id').verify(first.id)).resolves.toMatchObject({ email: 'srp@example.com' });
      // A new sign-in starts a new session.
      const fresh = await tokensOf('srp@example.com');
      await expect(sdk.send(new GetUserCommand({ AccessToken: fresh.access }))).resolves.toBeTruthy();
    });

    it('RevokeToken ends one session only', async () => {
      const kept = await tokensOf('srp@example.com');
      const revoked = await tokensOf('srp@example.com');
      await sdk.send(new RevokeTokenCommand({ ClientId: cognito.clientId, Token: revoked.refresh }));
      await expect(sdk.send(new GetUserCommand({ AccessToken: revoked.access }))).rejects.toMatchObject({ message: 'Access Token has been revoked' });
      await expect(sdk.send(new GetUserCommand({ AccessToken: kept.access }))).resolves.toBeTruthy();
      await expect(sdk.send(new RevokeTokenCommand({ ClientId: cognito.clientId, Token: kept.access }))).rejects.toMatchObject({ name: 'UnsupportedTokenTypeException' });
    });

    it('refuses forged and expired access tokens on the token-authorized actions', async () => {
      const tokens = await tokensOf('srp@example.com');
      const [header, payload] = tokens.access.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, username: 'someone-else' })).toString('base64url')}.${tokens.access.split('.')[2]}`;
      await expect(sdk.send(new GetUserCommand({ AccessToken: forged }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
      await expect(sdk.send(new GetUserCommand({ AccessToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
      await expect(sdk.send(new GetUserCommand({ AccessToken: tokens.access }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has expired' });
    });
  });

  describe('password changes', () => {
    it('ChangePassword needs the current password and the policy; afterwards only the new one signs in', async () => {
      await newUser('change@example.com');
      const { access } = await tokensOf('change@example.com');
      const change = (previous: string, proposed: string) => sdk.send(new ChangePasswordCommand({ AccessToken: access, PreviousPassword: previous, ProposedPassword: proposed }));
      await expect(change('Wrong-Horse-9-Battery', 'Changed-Horse-9-Battery')).rejects.toMatchObject(INCORRECT);
      await expect(change(PASSWORD, 'weak')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
      await change(PASSWORD, 'Changed-Horse-9-Battery');
      await expect(signIn('change@example.com')).rejects.toMatchObject(INCORRECT);
      await expect(signIn('change@example.com', 'Changed-Horse-9-Battery')).resolves.toMatchObject({ AuthenticationResult: { IdToken: expect.any(String) as string } });
      expect(dbText()).not.toContain('Changed-Horse-9-Battery');
    });

    it('ForgotPassword mails a code to the outbox; a wrong or expired code is refused, the right one sets the password', async () => {
      await newUser('forgot@example.com');
      const sentBefore = readOutbox(cognito.outboxFile).length;
      const { CodeDeliveryDetails } = await sdk.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'forgot@example.com' }));
      expect(CodeDeliveryDetails).toEqual({ AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'f***@e***' });
      const code = latestCode(cognito.outboxFile, 'forgot@example.com') ?? '';
      expect(readOutbox(cognito.outboxFile)).toHaveLength(sentBefore + 1);
      const confirm = (confirmationCode: string, password = 'Reset-Horse-9-Battery') =>
        sdk.send(new ConfirmForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'forgot@example.com', ConfirmationCode: confirmationCode, Password: password }));
      await expect(confirm(code === '000000' ? '111111' : '000000')).rejects.toMatchObject({
        name: 'CodeMismatchException',
        message: 'Invalid verification code provided, please try again.',
      });
      await expect(confirm(code, 'weak')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 61 * 60 * 1000);
      await expect(confirm(code)).rejects.toMatchObject({ name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' });
      vi.useRealTimers();

      await sdk.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'forgot@example.com' }));
      const fresh = latestCode(cognito.outboxFile, 'forgot@example.com') ?? '';
      await confirm(fresh);
      await expect(signIn('forgot@example.com')).rejects.toMatchObject(INCORRECT);
      await expect(signIn('forgot@example.com', 'Reset-Horse-9-Battery')).resolves.toMatchObject({ AuthenticationResult: { IdToken: expect.any(String) as string } });
      // A code sets a password once.
      await expect(confirm(fresh, 'Again-Horse-9-Battery')).rejects.toMatchObject({ name: 'CodeMismatchException' });
    });

    it('ForgotPassword for an unknown address answers alike and sends nothing', async () => {
      const sentBefore = readOutbox(cognito.outboxFile).length;
      const { CodeDeliveryDetails } = await sdk.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'ghost@example.com' }));
      expect(CodeDeliveryDetails).toEqual({ AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'g***@e***' });
      expect(readOutbox(cognito.outboxFile)).toHaveLength(sentBefore);
    });
  });

  describe('attempt limits (attempt-limits.ts)', () => {
    const EXCEEDED = { name: 'NotAuthorizedException', message: 'Password attempts exceeded' };
    const LIMIT = { name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' };
    const WRONG = 'Wrong-Horse-9-Battery';
    /** Freezes the clock the pool (in this process) reads; `at(ms)` moves it. */
    const frozenClock = () => {
      const start = Date.now();
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(start);
      return (ms: number) => vi.setSystemTime(start + ms);
    };
    const wrongSignIns = async (email: string, count: number) => {
      for (let i = 0; i < count; i++) await expect(signIn(email, WRONG)).rejects.toMatchObject(INCORRECT);
    };
    const signsIn = { AuthenticationResult: { IdToken: expect.any(String) as string } };

    it('locks a user out after five wrong passwords, even for the right one, doubling the lockout; a sign-in after it resets the count', async () => {
      await newUser('lockout@example.com');
      const at = frozenClock();
      await wrongSignIns('lockout@example.com', 5);
      await expect(signIn('lockout@example.com')).rejects.toMatchObject(EXCEEDED);
      at(999);
      await expect(signIn('lockout@example.com')).rejects.toMatchObject(EXCEEDED);
      // One second after the fifth failure the lockout is over; one more failure locks for two.
      at(1000);
      await wrongSignIns('lockout@example.com', 1);
      at(2999);
      await expect(signIn('lockout@example.com')).rejects.toMatchObject(EXCEEDED);
      at(3000);
      await expect(signIn('lockout@example.com')).resolves.toMatchObject(signsIn);
      // The sign-in reset the count: five failures are free again.
      await wrongSignIns('lockout@example.com', 5);
      await expect(signIn('lockout@example.com')).rejects.toMatchObject(EXCEEDED);
    });

    it('locks out an unknown user alike, so the lockout does not tell who has an account', async () => {
      frozenClock();
      await wrongSignIns('nobody-here@example.com', 5);
      await expect(signIn('nobody-here@example.com')).rejects.toMatchObject(EXCEEDED);
    });

    it('locks out a user name longer than Cognito allows alike, without mixing it up with another', async () => {
      frozenClock();
      const long = `${'x'.repeat(10_000)}@example.com`;
      await wrongSignIns(long, 5);
      await expect(signIn(long)).rejects.toMatchObject(EXCEEDED);
      // Kept by its hash: a name that differs only at its end is counted apart.
      await expect(signIn(`${'x'.repeat(10_000)}@example.org`)).rejects.toMatchObject(INCORRECT);
    });

    it('counts concurrent wrong answers, so a burst cannot try more than five', async () => {
      await newUser('burst@example.com');
      frozenClock();
      const answers = await Promise.allSettled(Array.from({ length: 8 }, () => signIn('burst@example.com', WRONG)));
      const messages = answers.map((answer) => (answer.status === 'rejected' ? (answer.reason as Error).message : 'signed in'));
      expect(messages.filter((message) => message === INCORRECT.message)).toHaveLength(5);
      expect(messages.filter((message) => message === EXCEEDED.message)).toHaveLength(3);
    });

    it('ChangePassword refuses even the right previous password after five wrong ones, apart from sign-in', async () => {
      await newUser('change-limit@example.com');
      const { access } = await tokensOf('change-limit@example.com');
      const change = (previous: string) => sdk.send(new ChangePasswordCommand({ AccessToken: access, PreviousPassword: previous, ProposedPassword: 'Changed-Horse-9-Battery' }));
      const at = frozenClock();
      for (let i = 0; i < 5; i++) await expect(change(WRONG)).rejects.toMatchObject(INCORRECT);
      await expect(change(PASSWORD)).rejects.toMatchObject(LIMIT);
      // Sign-in has its own count.
      await expect(signIn('change-limit@example.com')).resolves.toMatchObject(signsIn);
      at(1000);
      await change(PASSWORD);
      await expect(signIn('change-limit@example.com', 'Changed-Horse-9-Battery')).resolves.toMatchObject(signsIn);
    });

    it('ForgotPassword sends at most five codes an hour, for an unknown address too', async () => {
      await newUser('flood@example.com');
      const at = frozenClock();
      const forgot = (email: string) => sdk.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: email }));
      const sentBefore = readOutbox(cognito.outboxFile).length;
      for (let i = 0; i < 5; i++) {
        await forgot('flood@example.com');
        await forgot('ghost-flood@example.com');
      }
      expect(readOutbox(cognito.outboxFile)).toHaveLength(sentBefore + 5);
      await expect(forgot('flood@example.com')).rejects.toMatchObject(LIMIT);
      await expect(forgot('ghost-flood@example.com')).rejects.toMatchObject(LIMIT);
      expect(readOutbox(cognito.outboxFile)).toHaveLength(sentBefore + 5);
      at(60 * 60 * 1000);
      await expect(forgot('flood@example.com')).resolves.toMatchObject({ CodeDeliveryDetails: { Destination: 'f***@e***' } });
      expect(readOutbox(cognito.outboxFile)).toHaveLength(sentBefore + 6);
    });

    it('ConfirmForgotPassword refuses even the right code after five wrong ones in an hour, a new code or not', async () => {
      await newUser('guess@example.com');
      const at = frozenClock();
      await sdk.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'guess@example.com' }));
      const code = latestCode(cognito.outboxFile, 'guess@example.com') ?? '';
      const confirm = (confirmationCode: string) =>
        sdk.send(new ConfirmForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'guess@example.com', ConfirmationCode: confirmationCode, Password: 'Reset-Horse-9-Battery' }));
      // Sent together: concurrent guesses are counted too.
      const guesses = await Promise.allSettled(Array.from({ length: 7 }, () => confirm(code === '000000' ? '111111' : '000000')));
      expect(guesses.filter((guess) => guess.status === 'rejected' && (guess.reason as Error).name === 'CodeMismatchException')).toHaveLength(5);
      expect(guesses.filter((guess) => guess.status === 'rejected' && (guess.reason as Error).name === 'LimitExceededException')).toHaveLength(2);
      await expect(confirm(code)).rejects.toMatchObject(LIMIT);
      await sdk.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'guess@example.com' }));
      await expect(confirm(latestCode(cognito.outboxFile, 'guess@example.com') ?? '')).rejects.toMatchObject(LIMIT);
      await expect(signIn('guess@example.com', 'Reset-Horse-9-Battery')).rejects.toMatchObject(INCORRECT);

      at(60 * 60 * 1000);
      await sdk.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: 'guess@example.com' }));
      await confirm(latestCode(cognito.outboxFile, 'guess@example.com') ?? '');
      await expect(signIn('guess@example.com', 'Reset-Horse-9-Battery')).resolves.toMatchObject(signsIn);
    });

    it('ResendConfirmationCode sends a new sign-up code, at most five an hour; ConfirmSignUp allows five wrong codes', async () => {
      const email = 'resend@example.com';
      await sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      frozenClock();
      const first = latestCode(cognito.outboxFile, email);
      const resend = (username = email) => sdk.send(new ResendConfirmationCodeCommand({ ClientId: cognito.clientId, Username: username }));
      await expect(resend()).resolves.toMatchObject({ CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'r***@e***' } });
      const second = latestCode(cognito.outboxFile, email) ?? '';
      expect(readOutbox(cognito.outboxFile).filter((message) => message.destination === email).map((message) => message.code)).toEqual([first, second]);
      for (let i = 0; i < 4; i++) await resend();
      await expect(resend()).rejects.toMatchObject(LIMIT);
      // An unknown user gets the simulated delivery (PreventUserExistenceErrors).
      await expect(resend('never-signed-up@example.com')).resolves.toMatchObject({ CodeDeliveryDetails: { Destination: 'n***@e***' } });

      const latest = latestCode(cognito.outboxFile, email) ?? '';
      const confirm = (code: string) => sdk.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code }));
      for (let i = 0; i < 5; i++) await expect(confirm(latest === '000000' ? '111111' : '000000')).rejects.toMatchObject({ name: 'CodeMismatchException' });
      await expect(confirm(latest)).rejects.toMatchObject(LIMIT);
    });

    it('a confirmed user gets no new sign-up code: the simulated delivery as for anyone unknown, or an error where user existence errors are not prevented', async () => {
      const email = 'confirmed@example.com';
      await newUser(email);
      const sentBefore = readOutbox(cognito.outboxFile).length;
      const resend = (clientId: string) => sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: email }));
      await expect(resend(cognito.clientId)).resolves.toMatchObject({ CodeDeliveryDetails: { Destination: 'c***@e***' } });
      expect(readOutbox(cognito.outboxFile)).toHaveLength(sentBefore);
      const { UserPoolClient } = await sdk.send(
        new CreateUserPoolClientCommand({ UserPoolId: cognito.userPoolId, ClientName: 'legacy-errors', PreventUserExistenceErrors: 'LEGACY', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] }),
      );
      await expect(resend(UserPoolClient?.ClientId ?? '')).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'User is already confirmed.' });
      await expect(sdk.send(new ResendConfirmationCodeCommand({ ClientId: UserPoolClient?.ClientId, Username: 'nobody-legacy@example.com' }))).rejects.toMatchObject({
        name: 'UserNotFoundException',
      });
    });

    it("sign-up codes come from the project's generator, not cognito-local's (which would send $CODE)", async () => {
      vi.stubEnv('CODE', '424242');
      try {
        await sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: 'coded@example.com', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'coded@example.com' }] }));
      } finally {
        vi.unstubAllEnvs();
      }
      expect(latestCode(cognito.outboxFile, 'coded@example.com')).toMatch(/^\d{6}$/);
      expect(latestCode(cognito.outboxFile, 'coded@example.com')).not.toBe('424242');
    });
  });

  it('replaces a password a pool from before SRP kept in clear by its verifier on start', async () => {
    await newUser('legacy@example.com');
    await stop();
    const poolFile = readdirSync(join(dataDir, 'db')).find((file) => file.startsWith('us-east-1_'));
    const path = join(dataDir, 'db', poolFile ?? '');
    const db = JSON.parse(readFileSync(path, 'utf8')) as { Users: Record<string, { Attributes: { Name: string; Value: string }[]; Password: string }> };
    const legacy = Object.values(db.Users).find((user) => user.Attributes.some((attribute) => attribute.Value === 'legacy@example.com'));
    if (!legacy) throw new Error('no legacy user');
    legacy.Password = 'Legacy-Horse-9-Battery';
    writeFileSync(path, JSON.stringify(db));
    await start();
    expect(dbText()).not.toContain('Legacy-Horse-9-Battery');
    await expect(signIn('legacy@example.com', 'Legacy-Horse-9-Battery')).resolves.toMatchObject({ AuthenticationResult: { IdToken: expect.any(String) as string } });
  });

  it("drives the real Amplify v6 client: sign-up, SRP sign-in, refresh, password change and reset, global sign-out", async () => {
    Amplify.configure({ Auth: { Cognito: { userPoolId: cognito.userPoolId, userPoolClientId: cognito.clientId, userPoolEndpoint: cognito.endpoint } } });
    const email = 'amplify@example.com';
    const signedUp = await amplifySignUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
    expect(signedUp.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
    await expect(confirmSignUp({ username: email, confirmationCode: '000000' === latestCode(cognito.outboxFile, email) ? '111111' : '000000' })).rejects.toMatchObject({
      name: 'CodeMismatchException',
    });
    await confirmSignUp({ username: email, confirmationCode: latestCode(cognito.outboxFile, email) ?? '' });

    await expect(amplifySignIn({ username: email, password: 'Wrong-Horse-9-Battery' })).rejects.toMatchObject(INCORRECT);
    // Amplify's default sign-in is USER_SRP_AUTH.
    await expect(amplifySignIn({ username: email, password: PASSWORD })).resolves.toMatchObject({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const first = await fetchAuthSession();
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    expect(refreshed.tokens?.accessToken.toString()).not.toBe(first.tokens?.accessToken.toString());
    expect(refreshed.tokens?.idToken?.payload.email).toBe(email);

    await expect(updatePassword({ oldPassword: 'Wrong-Horse-9-Battery', newPassword: 'Amplified-Horse-9-Battery' })).rejects.toMatchObject(INCORRECT);
    await updatePassword({ oldPassword: PASSWORD, newPassword: 'Amplified-Horse-9-Battery' });
    const revokedAccess = refreshed.tokens?.accessToken.toString() ?? '';
    await signOut({ global: true });
    await expect(sdk.send(new GetUserCommand({ AccessToken: revokedAccess }))).rejects.toMatchObject({ message: 'Access Token has been revoked' });

    const reset = await resetPassword({ username: email });
    expect(reset.nextStep).toMatchObject({ resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE', codeDeliveryDetails: { destination: 'a***@e***' } });
    await expect(confirmResetPassword({ username: email, confirmationCode: 'abc', newPassword: 'Reset-Horse-9-Battery' })).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await confirmResetPassword({ username: email, confirmationCode: latestCode(cognito.outboxFile, email) ?? '', newPassword: 'Reset-Horse-9-Battery' });
    await expect(amplifySignIn({ username: email, password: 'Amplified-Horse-9-Battery' })).rejects.toMatchObject(INCORRECT);
    await expect(amplifySignIn({ username: email, password: 'Reset-Horse-9-Battery' })).resolves.toMatchObject({ isSignedIn: true });
    await signOut();
  });
});
