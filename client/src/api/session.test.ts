import {
  ChangePasswordCommand,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type RevokeTokenCommand,
  type SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it, vi } from 'vitest';
import type { ClientConfig } from './config.ts';
import { AuthError, CognitoSession, memoryTokenStore, REFRESH_MARGIN_MS, type SessionTokens } from './session.ts';

const config: ClientConfig = {
  graphqlUrl: 'http://127.0.0.1:1/graphql',
  realtimeUrl: 'ws://127.0.0.1:1/graphql/realtime',
  region: 'us-east-1',
  userPoolId: 'us-east-1_TEST',
  userPoolClientId: 'client-1',
};

const jwt = (claims: Record<string, unknown>) =>
  `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

function cognitoError(name: string, message: string) {
  return new CognitoIdentityProviderServiceException({ name, message, $fault: 'client', $metadata: {} });
}

function session(send: (command: unknown) => Promise<unknown>, now = () => 1_000_000_000_000, tokens: SessionTokens | null = null) {
  const store = memoryTokenStore(tokens);
  const cognito = { send: vi.fn(send) };
  return { session: new CognitoSession({ config, store, cognito, now }), cognito, store };
}

const T0 = 1_000_000_000_000;
const signedIn = (expiresAt: number): SessionTokens => ({
  idToken: 'old-id',
  accessToken: 'old-access',
  refreshToken: 'refresh-1',
  expiresAt,
  sub: 'user-1',
  email: 'ada@example.com',
});

describe('CognitoSession', () => {
  it('signs in with SRP: sends SRP_A, then answers PASSWORD_VERIFIER without the password', async () => {
    const idToken = jwt({ sub: 'user-1', email: 'ada@example.com', exp: T0 / 1000 + 3600 });
    const challenge = { ChallengeName: 'PASSWORD_VERIFIER', ChallengeParameters: { SALT: 'ab12', SRP_B: 'c0ffee', SECRET_BLOCK: 'c2VjcmV0', USER_ID_FOR_SRP: 'user-1', USERNAME: 'user-1' } };
    const { session: s, cognito } = session((command) =>
      Promise.resolve(command instanceof InitiateAuthCommand ? challenge : { AuthenticationResult: { IdToken: idToken, AccessToken: 'a', RefreshToken: 'r' } }),
    );
    const listener = vi.fn();
    s.onChange(listener);
    const tokens = await s.signIn('ada@example.com', 'Secret-password-1');
    expect(tokens).toMatchObject({ sub: 'user-1', email: 'ada@example.com', expiresAt: T0 + 3_600_000, refreshToken: 'r' });
    const [initiate, respond] = cognito.send.mock.calls.map(([command]) => command as InitiateAuthCommand | RespondToAuthChallengeCommand);
    expect(initiate).toBeInstanceOf(InitiateAuthCommand);
    expect(initiate!.input).toMatchObject({ AuthFlow: 'USER_SRP_AUTH', ClientId: 'client-1', AuthParameters: { USERNAME: 'ada@example.com', SRP_A: expect.stringMatching(/^[0-9a-f]+$/) as string } });
    expect(respond).toBeInstanceOf(RespondToAuthChallengeCommand);
    expect(respond!.input).toMatchObject({
      ClientId: 'client-1',
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: {
        USERNAME: 'user-1',
        PASSWORD_CLAIM_SECRET_BLOCK: 'c2VjcmV0',
        TIMESTAMP: expect.stringMatching(/^\w{3} \w{3} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/) as string,
        PASSWORD_CLAIM_SIGNATURE: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) as string,
      },
    });
    expect(JSON.stringify(cognito.send.mock.calls)).not.toContain('Secret-password-1');
    expect(listener).toHaveBeenCalledWith(tokens);
    expect(await s.idToken()).toBe(idToken);
  });

  it('refreshes the ID token once, for concurrent callers, when it is about to expire', async () => {
    const fresh = jwt({ sub: 'user-1', email: 'ada@example.com', exp: T0 / 1000 + 3600 });
    const { session: s, cognito, store } = session(
      () => Promise.resolve({ AuthenticationResult: { IdToken: fresh, AccessToken: 'a2' } }),
      () => T0,
      signedIn(T0 + REFRESH_MARGIN_MS - 1),
    );
    const [first, second] = await Promise.all([s.idToken(), s.idToken()]);
    expect([first, second]).toEqual([fresh, fresh]);
    expect(cognito.send).toHaveBeenCalledTimes(1);
    const command = cognito.send.mock.calls[0]![0] as GetTokensFromRefreshTokenCommand;
    expect(command).toBeInstanceOf(GetTokensFromRefreshTokenCommand);
    expect(command.input).toEqual({ ClientId: 'client-1', RefreshToken: 'refresh-1' });
    // Cognito does not rotate the refresh token here: the old one is kept.
    expect(store.load()?.refreshToken).toBe('refresh-1');
  });

  it('uses the stored token without calling Cognito while it is fresh', async () => {
    const { session: s, cognito } = session(() => Promise.reject(new Error('unexpected')), () => T0, signedIn(T0 + REFRESH_MARGIN_MS + 1));
    expect(await s.idToken()).toBe('old-id');
    expect(cognito.send).not.toHaveBeenCalled();
  });

  it('ends the session when the refresh token is refused', async () => {
    const { session: s, store } = session(
      () => Promise.reject(cognitoError('NotAuthorizedException', 'Refresh Token has been revoked')),
      () => T0,
      signedIn(T0),
    );
    await expect(s.idToken()).rejects.toMatchObject({ code: 'SessionExpired', message: 'Your session has expired. Sign in again.' });
    expect(store.load()).toBeNull();
  });

  it('says what to do for Cognito errors and names network failures', async () => {
    const { session: s } = session(() => Promise.reject(cognitoError('UsernameExistsException', 'User already exists')));
    await expect(s.signUp('ada@example.com', 'Secret-password-1')).rejects.toEqual(
      new AuthError('UsernameExistsException', 'An account with this email already exists. Sign in instead.'),
    );
    const offline = session(() => Promise.reject(new TypeError('fetch failed'))).session;
    await expect(offline.signIn('ada@example.com', 'x')).rejects.toMatchObject({
      code: 'NetworkError',
      message: 'Could not reach the sign-in service: fetch failed',
    });
    await expect(offline.idToken()).rejects.toMatchObject({ code: 'NotSignedIn' });
  });

  it('tells a locked-out user to wait rather than that the password is wrong', async () => {
    const locked = session(() => Promise.reject(cognitoError('NotAuthorizedException', 'Password attempts exceeded'))).session;
    await expect(locked.signIn('ada@example.com', 'Secret-password-1')).rejects.toEqual(
      new AuthError('PasswordAttemptsExceeded', 'Too many wrong passwords: sign-in to this account is paused. Wait a few minutes (up to 15) and try again.'),
    );
    const wrong = session(() => Promise.reject(cognitoError('NotAuthorizedException', 'Incorrect username or password.'))).session;
    await expect(wrong.signIn('ada@example.com', 'x')).rejects.toEqual(new AuthError('NotAuthorizedException', 'Incorrect email or password.'));
  });

  it('resets a forgotten password with the emailed code', async () => {
    const { session: s, cognito } = session((command) =>
      Promise.resolve(command instanceof ForgotPasswordCommand ? { CodeDeliveryDetails: { Destination: 'a***@e***' } } : {}),
    );
    expect(await s.forgotPassword('ada@example.com')).toEqual({ destination: 'a***@e***' });
    await s.confirmForgotPassword('ada@example.com', ' 123456 ', 'New-password-12!');
    const [forgot, confirm] = cognito.send.mock.calls.map(([command]) => command as ForgotPasswordCommand | ConfirmForgotPasswordCommand);
    expect(forgot!.input).toEqual({ ClientId: 'client-1', Username: 'ada@example.com' });
    expect(confirm).toBeInstanceOf(ConfirmForgotPasswordCommand);
    expect(confirm!.input).toEqual({ ClientId: 'client-1', Username: 'ada@example.com', ConfirmationCode: '123456', Password: 'New-password-12!' });
  });

  it('words a wrong code for a reset', async () => {
    const { session: s } = session(() => Promise.reject(cognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.')));
    await expect(s.confirmForgotPassword('ada@example.com', '1', 'New-password-12!')).rejects.toEqual(
      new AuthError('CodeMismatchException', 'That code is not right. Check the email and try again.'),
    );
  });

  it('changes the password with the access token, and words a wrong current password', async () => {
    const { session: s, cognito, store } = session(() => Promise.resolve({}), () => T0, signedIn(T0 + 3_600_000));
    await s.changePassword('Old-password-12!', 'New-password-12!');
    const command = cognito.send.mock.calls[0]![0] as ChangePasswordCommand;
    expect(command).toBeInstanceOf(ChangePasswordCommand);
    expect(command.input).toEqual({ AccessToken: 'old-access', PreviousPassword: 'Old-password-12!', ProposedPassword: 'New-password-12!' });

    cognito.send.mockImplementation(() => Promise.reject(cognitoError('NotAuthorizedException', 'Incorrect username or password.')));
    await expect(s.changePassword('Wrong-password-1!', 'New-password-12!')).rejects.toEqual(new AuthError('WrongPassword', 'The current password is not right.'));
    // A wrong current password does not end the session.
    expect(store.load()).not.toBeNull();
  });

  it('signs up with the email as user name and attribute', async () => {
    const { session: s, cognito } = session(() => Promise.resolve({ UserConfirmed: false, UserSub: 'user-1' }));
    expect(await s.signUp('ada@example.com', 'Secret-password-1')).toEqual({ confirmed: false });
    const command = cognito.send.mock.calls[0]![0] as SignUpCommand;
    expect(command.input).toMatchObject({ Username: 'ada@example.com', UserAttributes: [{ Name: 'email', Value: 'ada@example.com' }] });
  });

  it('signs out locally even when revoking the refresh token fails, and says why it was not revoked', async () => {
    const { session: s, cognito, store } = session(() => Promise.reject(new TypeError('fetch failed')), () => T0, signedIn(T0 + 3_600_000));
    expect(await s.signOut()).toMatchObject({ code: 'NetworkError', message: 'Could not reach the sign-in service: fetch failed' });
    expect(store.load()).toBeNull();
    expect((cognito.send.mock.calls[0]![0] as RevokeTokenCommand).input).toEqual({ ClientId: 'client-1', Token: 'refresh-1' });
  });
});
