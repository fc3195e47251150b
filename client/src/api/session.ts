import {
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type AuthenticationResultType,
  type InitiateAuthCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { answerPasswordVerifier, paddedHex, type PasswordVerifierChallenge, srpClientKeys } from './cognito-srp.ts';
import type { ClientConfig } from './config.ts';

/** A signed-in user's tokens; `expiresAt` (epoch ms) is the ID token's expiry. */
export interface SessionTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  sub: string;
  email: string;
}

/** Where tokens live between runs: localStorage in the browser, a 0600 file for the CLI. */
export interface TokenStore {
  load(): SessionTokens | null;
  save(tokens: SessionTokens | null): void;
}

export function memoryTokenStore(initial: SessionTokens | null = null): TokenStore {
  let tokens = initial;
  return { load: () => tokens, save: (next) => void (tokens = next) };
}

/** A failure the user can act on, with Cognito's exception name as `code`. */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Refresh this long before the ID token expires, so no request goes out with a stale one. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

// Cognito's messages are terse ("Incorrect username or password."); these say what to do next.
const MESSAGES: Record<string, string> = {
  UsernameExistsException: 'An account with this email already exists. Sign in instead.',
  InvalidPasswordException:
    'The password does not meet the rules: at least 12 characters with upper and lower case letters, a digit and a symbol.',
  InvalidParameterException: 'Check the email address and password.',
  CodeMismatchException: 'That code is not right. Check the email and try again.',
  ExpiredCodeException: 'That code has expired. Ask for a new one.',
  NotAuthorizedException: 'Incorrect email or password.',
  WrongPassword: 'The current password is not right.',
  UserNotConfirmedException: 'This account is not confirmed yet. Enter the code from the confirmation email.',
  UserNotFoundException: 'Incorrect email or password.',
  PasswordResetRequiredException: 'A password reset is required for this account.',
  TooManyRequestsException: 'Too many attempts. Wait a minute and try again.',
  LimitExceededException: 'Too many attempts. Wait a minute and try again.',
  TooManyFailedAttemptsException: 'Too many failed attempts. Wait a few minutes and try again.',
  PasswordAttemptsExceeded: 'Too many wrong passwords: sign-in to this account is paused. Wait a few minutes (up to 15) and try again.',
};

/** Cognito's lockout after repeated wrong passwords is a NotAuthorizedException with this message. */
const LOCKED_OUT = 'Password attempts exceeded';

export function authError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof CognitoIdentityProviderServiceException) {
    const code = error.name === 'NotAuthorizedException' && error.message === LOCKED_OUT ? 'PasswordAttemptsExceeded' : error.name;
    return new AuthError(code, MESSAGES[code] ?? error.message);
  }
  const cause = error as Error;
  return new AuthError('NetworkError', `Could not reach the sign-in service: ${cause.message}`);
}

export interface SessionOptions {
  config: ClientConfig;
  store: TokenStore;
  /** For tests; defaults to a real client pointed at the deployment's Cognito. */
  cognito?: Pick<CognitoIdentityProviderClient, 'send'>;
  now?: () => number;
}

/**
 * Cognito's USER_SRP_AUTH sign-in, as Amplify does it: InitiateAuth with SRP_A, then the
 * PASSWORD_VERIFIER challenge answered with a signature only the password could produce. The
 * password never leaves this process. Answers the final InitiateAuth/RespondToAuthChallenge output.
 */
export async function signInWithSrp(
  cognito: Pick<CognitoIdentityProviderClient, 'send'>,
  request: { userPoolId: string; clientId: string; username: string; password: string },
): Promise<Pick<InitiateAuthCommandOutput, 'AuthenticationResult' | 'ChallengeName'>> {
  const keys = srpClientKeys();
  const started = await cognito.send(
    new InitiateAuthCommand({ ClientId: request.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: request.username, SRP_A: paddedHex(keys.A) } }),
  );
  if (started.ChallengeName !== 'PASSWORD_VERIFIER') return started;
  const challenge = started.ChallengeParameters as unknown as PasswordVerifierChallenge;
  const responses = await answerPasswordVerifier({ userPoolId: request.userPoolId, password: request.password, keys, challenge });
  return cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: request.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: { ...responses },
      ...(started.Session ? { Session: started.Session } : {}),
    }),
  );
}

/**
 * A Cognito user pool session: sign up, confirm, sign in with SRP (USER_SRP_AUTH), an ID token
 * refreshed with GetTokensFromRefreshToken before it expires, password reset and change, sign
 * out. Every failure is an AuthError.
 */
export class CognitoSession {
  private readonly cognito: Pick<CognitoIdentityProviderClient, 'send'>;
  private readonly clientId: string;
  private readonly store: TokenStore;
  private readonly now: () => number;
  private refreshing: Promise<SessionTokens> | null = null;
  private readonly listeners = new Set<(tokens: SessionTokens | null) => void>();

  private readonly userPoolId: string;

  constructor({ config, store, cognito, now = Date.now }: SessionOptions) {
    this.cognito = cognito ?? createCognitoClient(config);
    this.clientId = config.userPoolClientId;
    this.userPoolId = config.userPoolId;
    this.store = store;
    this.now = now;
  }

  /** The stored session, possibly expired (it is refreshed on use). */
  get current(): SessionTokens | null {
    return this.store.load();
  }

  /** Calls `listener` on sign-in, refresh and sign-out; returns the unsubscribe function. */
  onChange(listener: (tokens: SessionTokens | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signUp(email: string, password: string): Promise<{ confirmed: boolean }> {
    const result = await this.call(() =>
      this.cognito.send(new SignUpCommand({ ClientId: this.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] })),
    );
    return { confirmed: Boolean(result.UserConfirmed) };
  }

  async confirmSignUp(email: string, code: string): Promise<void> {
    await this.call(() => this.cognito.send(new ConfirmSignUpCommand({ ClientId: this.clientId, Username: email, ConfirmationCode: code.trim() })));
  }

  async resendCode(email: string): Promise<void> {
    await this.call(() => this.cognito.send(new ResendConfirmationCodeCommand({ ClientId: this.clientId, Username: email })));
  }

  async signIn(email: string, password: string): Promise<SessionTokens> {
    const result = await this.call(() => signInWithSrp(this.cognito, { userPoolId: this.userPoolId, clientId: this.clientId, username: email, password }));
    if (result.ChallengeName) {
      throw new AuthError(result.ChallengeName, `Sign-in needs a step this app does not support yet (${result.ChallengeName}).`);
    }
    return this.save(tokensFrom(result.AuthenticationResult, undefined));
  }

  /** Emails a code for setting a new password (ForgotPassword); answers where it went. */
  async forgotPassword(email: string): Promise<{ destination: string }> {
    const result = await this.call(() => this.cognito.send(new ForgotPasswordCommand({ ClientId: this.clientId, Username: email })));
    return { destination: result.CodeDeliveryDetails?.Destination ?? email };
  }

  /** Sets a new password with the emailed code (ConfirmForgotPassword); sign in afterwards. */
  async confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void> {
    await this.call(() =>
      this.cognito.send(new ConfirmForgotPasswordCommand({ ClientId: this.clientId, Username: email, ConfirmationCode: code.trim(), Password: newPassword })),
    );
  }

  /** Changes the signed-in user's password (ChangePassword, authorized by the access token). */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const { accessToken } = await this.fresh();
    // A wrong current password is NotAuthorizedException, which for this call is not a lost session.
    await this.call(() => this.cognito.send(new ChangePasswordCommand({ AccessToken: accessToken, PreviousPassword: currentPassword, ProposedPassword: newPassword })), {
      NotAuthorizedException: 'WrongPassword',
    });
  }

  /** A valid ID token, refreshed first when it expires within REFRESH_MARGIN_MS. */
  async idToken(): Promise<string> {
    return (await this.fresh()).idToken;
  }

  private async fresh(): Promise<SessionTokens> {
    const tokens = this.store.load();
    if (!tokens) throw new AuthError('NotSignedIn', 'Not signed in. Sign in first.');
    if (tokens.expiresAt - this.now() > REFRESH_MARGIN_MS) return tokens;
    return this.refresh();
  }

  /** Trades the refresh token for new ID and access tokens; concurrent callers share one call. */
  refresh(): Promise<SessionTokens> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * Ends the session here, then revokes the refresh token. Answers why revoking failed (the token
   * then stays valid until it expires, which the user should be told), or null.
   */
  async signOut(): Promise<AuthError | null> {
    const tokens = this.store.load();
    this.save(null);
    if (!tokens) return null;
    return this.call(() => this.cognito.send(new RevokeTokenCommand({ ClientId: this.clientId, Token: tokens.refreshToken }))).then(
      () => null,
      (error: AuthError) => error,
    );
  }

  private async refreshOnce(): Promise<SessionTokens> {
    const tokens = this.store.load();
    if (!tokens) throw new AuthError('NotSignedIn', 'Not signed in. Sign in first.');
    try {
      // Amplify 6's refresh call; it answers a new refresh token only when rotation is on.
      const result = await this.call(() => this.cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: this.clientId, RefreshToken: tokens.refreshToken })));
      return this.save(tokensFrom(result.AuthenticationResult, tokens.refreshToken));
    } catch (error) {
      // A revoked or expired refresh token cannot recover: end the session so the UI asks again.
      if (error instanceof AuthError && error.code === 'NotAuthorizedException') {
        this.save(null);
        throw new AuthError('SessionExpired', 'Your session has expired. Sign in again.');
      }
      throw error;
    }
  }

  private save(tokens: SessionTokens | null): SessionTokens {
    this.store.save(tokens);
    for (const listener of this.listeners) listener(tokens);
    return tokens as SessionTokens;
  }

  /** Runs a Cognito call, turning failures into AuthErrors; `as` renames exceptions first. */
  private async call<Output>(send: () => Promise<Output>, as: Record<string, string> = {}): Promise<Output> {
    try {
      return await send();
    } catch (error) {
      const failure = authError(error);
      const renamed = as[failure.code];
      throw renamed ? new AuthError(renamed, MESSAGES[renamed] ?? failure.message) : failure;
    }
  }
}

export function createCognitoClient(config: ClientConfig): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: config.region,
    // The user pool calls used here are unsigned (the SDK's noAuth scheme): no AWS credentials.
    ...(config.cognitoEndpoint ? { endpoint: config.cognitoEndpoint } : {}),
  });
}

function tokensFrom(result: AuthenticationResultType | undefined, previousRefreshToken: string | undefined): SessionTokens {
  const refreshToken = result?.RefreshToken ?? previousRefreshToken;
  if (!result?.IdToken || !result.AccessToken || !refreshToken) {
    throw new AuthError('InvalidResponse', 'The sign-in service answered without tokens.');
  }
  const claims = jwtClaims(result.IdToken);
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken,
    expiresAt: Number(claims.exp) * 1000,
    sub: String(claims.sub),
    email: typeof claims.email === 'string' ? claims.email : '',
  };
}

/** The payload of a JWT, unverified: the client only reads its own token's expiry and subject. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new AuthError('InvalidResponse', 'The sign-in service returned a malformed token.');
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
  const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
  return JSON.parse(json) as Record<string, unknown>;
}
