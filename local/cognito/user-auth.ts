/**
 * The user pool's password and token actions, served by the project instead of cognito-local
 * (which has no SRP, no GetTokensFromRefreshToken or GlobalSignOut, stores passwords in clear,
 * never expires reset codes and decodes access tokens without checking their signature):
 * - InitiateAuth / AdminInitiateAuth: USER_SRP_AUTH (PASSWORD_VERIFIER), REFRESH_TOKEN_AUTH, and
 *   the password flows only when the app client enables them, as Cognito gates them;
 * - RespondToAuthChallenge / AdminRespondToAuthChallenge: PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED;
 * - GetTokensFromRefreshToken, RevokeToken, GlobalSignOut, ChangePassword, ForgotPassword,
 *   ConfirmForgotPassword, ResendConfirmationCode (cognito-local has none), and ConfirmSignUp's
 *   attempt limit;
 * - the attempt limits Cognito applies (attempt-limits.ts): the lockout after wrong passwords,
 *   at most so many codes sent and wrong codes entered per user and hour;
 * - every action carrying an AccessToken (GetUser, UpdateUserAttributes, ...) gets it checked
 *   (signature, expiry, revocation) before cognito-local runs the action;
 * - a password is stored as its SRP salt and verifier only (see PASSWORD_RECORD), also when
 *   cognito-local's SignUp, AdminCreateUser and AdminSetUserPassword set it.
 * Errors are AWS's (types and messages from the API reference and what AWS answers). The password
 * policy is checked before any of these run (cognito-server.ts), except NEW_PASSWORD_REQUIRED's.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { CognitoError } from 'cognito-local/lib/errors.js';
import type { Route, Router } from 'cognito-local/lib/server/Router.js';
import type { AppClient } from 'cognito-local/lib/services/appClient.js';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import type { Context } from 'cognito-local/lib/services/context.js';
import type { Messages } from 'cognito-local/lib/services/messages.js';
import { attributeValue, type User, type UserPoolService } from 'cognito-local/lib/services/userPoolService.js';
import { srpPoolName } from '../../client/src/api/cognito-srp.ts';
import { type AttemptLimit, CODES_SENT_PER_HOUR, createLockout, createRateLimit, SIGN_IN_LOCKOUT, WRONG_CODES_PER_HOUR } from './attempt-limits.ts';
import { passwordPolicyProblem } from './password-policy.ts';
import { clientPublicKeyProblem, createPasswordVerifier, equalText, type PasswordVerifier, passwordClaimHolds, passwordMatches, serverKeys } from './srp-server.ts';
import { type AuthenticationResult, createTokenVerifier, issueTokens, type RefreshClaims, refreshTokenId, TokenRefusal, unverifiedClaims } from './tokens.ts';

/** How a password is kept in cognito-local's `Password` field: `SRP$<salt hex>$<verifier hex>`. */
const PASSWORD_RECORD = /^SRP\$([0-9a-f]+)\$([0-9a-f]+)$/;
/** Cognito's default AuthSessionValidity: a challenge must be answered within 3 minutes. */
const AUTH_SESSION_MS = 3 * 60 * 1000;
/** A ForgotPassword code is valid for one hour (Cognito's documented validity). */
const RESET_CODE_MS = 60 * 60 * 1000;
const INCORRECT = 'Incorrect username or password.';
const EMAIL_DELIVERY = { AttributeName: 'email', DeliveryMedium: 'EMAIL' } as const;

/** Fields this module adds to cognito-local's user record. */
type PoolUser = User & { PasswordResetCode?: { code: string; expiresAt: number } };

export interface UserAuthServices {
  cognito: CognitoService;
  messages: Messages;
  otp: () => string;
  /** `${issuerDomain}/${poolId}` is the tokens' issuer. */
  issuerDomain: string;
  now?: () => Date;
}

/** Cognito's longest user name (the Username member's length constraint). */
const MAX_USERNAME_LENGTH = 128;
const notAuthorized = (message: string) => new CognitoError('NotAuthorizedException', message);
/** What Cognito answers past a code or ChangePassword limit (aws-amplify/amplify-ui-android#180, aws-sdk-android#627). */
const limitExceeded = () => new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
const invalidParameter = (message: string) => new CognitoError('InvalidParameterException', message);

/** The named string parameters, refusing a missing or empty one as Cognito does. */
function required<const Names extends readonly string[]>(request: Record<string, unknown>, ...names: Names): { [K in keyof Names]: string } {
  return names.map((name) => {
    const value = request[name];
    if (typeof value !== 'string' || value === '') throw invalidParameter(`Missing required parameter ${name}`);
    return value;
  }) as { [K in keyof Names]: string };
}

export function storedVerifier(user: User): PasswordVerifier | null {
  const match = PASSWORD_RECORD.exec(user.Password ?? '');
  return match?.[1] && match[2] ? { salt: match[1], verifier: match[2] } : null;
}

function passwordRecord(verifier: PasswordVerifier): string {
  return `SRP$${verifier.salt}$${verifier.verifier}`;
}

/** Secret blocks and sessions: AES-256-GCM sealed state only this process can read. */
function sealer() {
  const key = randomBytes(32);
  return {
    seal(state: object): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(state)), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open<State>(sealed: string): State | null {
      try {
        const bytes = Buffer.from(sealed, 'base64');
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as State;
      } catch {
        return null;
      }
    },
    /** A stable pseudo-random hex for `text`, for the challenge of a user that does not exist. */
    derive(text: string): string {
      return createHmac('sha256', key).update(text).digest('hex');
    },
  };
}

/** What a PASSWORD_VERIFIER's SECRET_BLOCK carries between InitiateAuth and the answer. */
interface SecretBlockState {
  userId: string;
  clientId: string;
  srpA: string;
  b: string;
  B: string;
  issuedAt: number;
  /** Set for an unknown user: the answer fails as a wrong password does. */
  unknownUser?: true;
}

interface NewPasswordSession {
  kind: 'NEW_PASSWORD_REQUIRED';
  userId: string;
  clientId: string;
  issuedAt: number;
}

/** Cognito's TIMESTAMP format ("Sat Dec 5 09:03:07 UTC 2026"). */
const SRP_TIMESTAMP = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;

/** Which ExplicitAuthFlows value enables each flow. */
const FLOW_SETTING: Readonly<Record<string, string>> = {
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  ADMIN_USER_PASSWORD_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  // Refused as on AWS while the client does not enable them; refused by name if it does (README).
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
  USER_AUTH: 'ALLOW_USER_AUTH',
};
const PASSWORD_FLOWS = new Set(['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH']);

/** The router with this module's actions in front of cognito-local's. */
export function withUserAuth(router: Router, services: UserAuthServices): Router {
  const now = services.now ?? (() => new Date());
  const box = sealer();
  const answeredBlocks = new Map<string, number>();
  // Per user and in memory (README): sign-in and ChangePassword count wrong passwords apart, as
  // AWS's lockout covers sign-in only and ChangePassword answers LimitExceededException instead.
  const signInLockout = createLockout(SIGN_IN_LOCKOUT);
  const changePasswordLockout = createLockout(SIGN_IN_LOCKOUT);
  const codesSent = createRateLimit(CODES_SENT_PER_HOUR);
  const wrongCodes = createRateLimit(WRONG_CODES_PER_HOUR);
  /**
   * A user's key in the limits: a known user's name (its sub), else the name asked for, so an
   * unknown user is limited alike. A name longer than Cognito allows (128) is kept as its hash, so
   * anyone spraying long names costs the maps no more per entry than a real user does.
   */
  const limitKey = (userPool: UserPoolService, action: string, user: User | null, username: string) => {
    const name = user?.Username ?? username;
    return `${action}/${userPool.options.Id}/${name.length <= MAX_USERNAME_LENGTH ? name : createHash('sha256').update(name).digest('base64url')}`;
  };
  /** Runs `run` as one attempt under `limit`: refused with `refusal()` past the limit, forgiven when `run` succeeds. */
  const limited = async <Result>(limit: AttemptLimit, key: string, refusal: () => CognitoError, run: () => Promise<Result>): Promise<Result> => {
    if (!limit.attempt(key, now().getTime())) throw refusal();
    const result = await run();
    limit.succeeded(key);
    return result;
  };
  const passwordAttemptsExceeded = () => notAuthorized('Password attempts exceeded');
  const verifiers = new Map<string, ReturnType<typeof createTokenVerifier>>();
  const issuerOf = (userPool: UserPoolService) => `${services.issuerDomain}/${userPool.options.Id}`;
  const tokenVerifier = (userPool: UserPoolService) => {
    const issuer = issuerOf(userPool);
    let verifier = verifiers.get(issuer);
    if (!verifier) verifiers.set(issuer, (verifier = createTokenVerifier(issuer)));
    return verifier;
  };

  const appClient = async (ctx: Context, clientId: unknown): Promise<{ client: AppClient; userPool: UserPoolService }> => {
    const [id] = required({ ClientId: clientId }, 'ClientId');
    const client = await services.cognito.getAppClient(ctx, id);
    if (!client) throw new CognitoError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
    return { client, userPool: await services.cognito.getUserPoolForClientId(ctx, client.ClientId) };
  };

  const requireFlow = (client: AppClient, flow: string) => {
    const setting = FLOW_SETTING[flow];
    if (!setting) throw invalidParameter(`Unsupported AuthFlow: ${flow}`);
    if (!(client.ExplicitAuthFlows ?? []).includes(setting)) throw invalidParameter(`${flow} flow not enabled for this client`);
  };

  const setPassword = async (ctx: Context, userPool: UserPoolService, user: User, password: string, changes: Partial<PoolUser> = {}) => {
    const verifier = await createPasswordVerifier(srpPoolName(userPool.options.Id), user.Username, password);
    await userPool.saveUser(ctx, { ...user, ...changes, Password: passwordRecord(verifier), UserLastModifiedDate: now() });
  };

  const checkPolicy = (userPool: UserPoolService, password: string) => {
    const problem = passwordPolicyProblem(password, userPool.options.Policies?.PasswordPolicy ?? {});
    if (problem) throw new CognitoError('InvalidPasswordException', problem);
  };

  /** After the password is proven: the user's status decides between tokens and a next step. */
  const signedIn = async (ctx: Context, userPool: UserPoolService, client: AppClient, user: User) => {
    if (!user.Enabled) throw notAuthorized('User is disabled.');
    if (user.UserStatus === 'UNCONFIRMED') throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    if (user.UserStatus === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
      const session: NewPasswordSession = { kind: 'NEW_PASSWORD_REQUIRED', userId: user.Username, clientId: client.ClientId, issuedAt: now().getTime() };
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ChallengeParameters: { USER_ID_FOR_SRP: user.Username, requiredAttributes: '[]', userAttributes: JSON.stringify(publicAttributes(user)) },
        Session: box.seal(session),
      };
    }
    const groups = await userPool.listUserGroupMembership(ctx, user);
    const tokens = issueTokens({ issuer: issuerOf(userPool), user, groups, client, now: now() });
    const live = liveRefreshTokens(user, tokenVerifier(userPool).refresh);
    await userPool.saveUser(ctx, { ...user, RefreshTokens: [...live, tokens.RefreshToken as string] });
    return { ChallengeParameters: {}, AuthenticationResult: tokens };
  };

  const srpChallenge = async (ctx: Context, userPool: UserPoolService, client: AppClient, parameters: Record<string, unknown>) => {
    const [username, srpA] = required(parameters, 'USERNAME', 'SRP_A');
    const problem = clientPublicKeyProblem(srpA);
    if (problem) throw invalidParameter(problem);
    const user = await userPool.getUserByUsername(ctx, username);
    const stored = user && storedVerifier(user);
    if (!user || !stored) {
      if (client.PreventUserExistenceErrors !== 'ENABLED') throw new CognitoError('UserNotFoundException', 'User does not exist.');
    }
    // An unknown user gets a challenge like anyone's (stable salt, random B), so that the
    // answer, not the question, fails: Cognito's PreventUserExistenceErrors.
    const verifier = stored ?? { salt: box.derive(`salt:${username}`).slice(0, 32), verifier: box.derive(`verifier:${username}`) };
    const userId = user?.Username ?? username;
    const keys = await serverKeys(verifier.verifier);
    const state: SecretBlockState = {
      userId,
      clientId: client.ClientId,
      srpA,
      b: keys.b.toString(16),
      B: keys.B.toString(16),
      issuedAt: now().getTime(),
      ...(stored ? {} : { unknownUser: true as const }),
    };
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: { SALT: verifier.salt, SECRET_BLOCK: box.seal(state), SRP_B: keys.B.toString(16), USERNAME: userId, USER_ID_FOR_SRP: userId },
    };
  };

  const passwordFlow = async (ctx: Context, userPool: UserPoolService, client: AppClient, parameters: Record<string, unknown>) => {
    const [username, password] = required(parameters, 'USERNAME', 'PASSWORD');
    const user = await userPool.getUserByUsername(ctx, username);
    if (!user && client.PreventUserExistenceErrors !== 'ENABLED') throw new CognitoError('UserNotFoundException', 'User does not exist.');
    const proven = await limited(signInLockout, limitKey(userPool, 'SignIn', user, username), passwordAttemptsExceeded, async () => {
      const stored = user && storedVerifier(user);
      if (!user || !stored || !(await passwordMatches(stored, srpPoolName(userPool.options.Id), user.Username, password))) throw notAuthorized(INCORRECT);
      return user;
    });
    return signedIn(ctx, userPool, client, proven);
  };

  /** A refresh token's user and claims, or the refusal Cognito gives. */
  const refreshTokenUser = async (ctx: Context, userPool: UserPoolService, client: AppClient, token: string): Promise<{ user: User; claims: RefreshClaims }> => {
    const claims = refreshClaims(tokenVerifier(userPool).refresh, token);
    if (claims.client_id !== client.ClientId) throw notAuthorized('Invalid Refresh Token');
    const user = await userPool.getUserByUsername(ctx, claims.username);
    if (!user) throw notAuthorized('Invalid Refresh Token');
    if (!(user.RefreshTokens ?? []).includes(token)) throw notAuthorized('Refresh Token has been revoked');
    if (!user.Enabled) throw notAuthorized('User is disabled.');
    return { user, claims };
  };

  const refreshed = async (ctx: Context, userPool: UserPoolService, client: AppClient, token: string): Promise<AuthenticationResult> => {
    const { user, claims } = await refreshTokenUser(ctx, userPool, client, token);
    const groups = await userPool.listUserGroupMembership(ctx, user);
    return issueTokens({ issuer: issuerOf(userPool), user, groups, client, now: now(), refreshing: claims });
  };

  const initiate = async (ctx: Context, userPool: UserPoolService, client: AppClient, flow: string, parameters: Record<string, unknown>) => {
    requireFlow(client, flow);
    if (flow === 'USER_SRP_AUTH') return srpChallenge(ctx, userPool, client, parameters);
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      const [token] = required(parameters, 'REFRESH_TOKEN');
      return { ChallengeParameters: {}, AuthenticationResult: await refreshed(ctx, userPool, client, token) };
    }
    if (PASSWORD_FLOWS.has(flow)) return passwordFlow(ctx, userPool, client, parameters);
    throw invalidParameter(`${flow} is not supported by the local user pool`);
  };

  const answerPasswordVerifier = async (ctx: Context, userPool: UserPoolService, client: AppClient, responses: Record<string, unknown>) => {
    const [username, secretBlock, timestamp, signature] = required(responses, 'USERNAME', 'PASSWORD_CLAIM_SECRET_BLOCK', 'TIMESTAMP', 'PASSWORD_CLAIM_SIGNATURE');
    if (!SRP_TIMESTAMP.test(timestamp)) throw invalidParameter('TIMESTAMP is not in the format "EEE MMM d HH:mm:ss z yyyy"');
    const state = box.open<SecretBlockState>(secretBlock);
    if (!state || state.clientId !== client.ClientId) throw notAuthorized('Invalid session for the user.');
    if (now().getTime() - state.issuedAt > AUTH_SESSION_MS) throw notAuthorized('Invalid session for the user, session is expired.');
    // A secret block answers one sign-in: a replayed answer is refused.
    for (const [block, expiresAt] of answeredBlocks) if (expiresAt < now().getTime()) answeredBlocks.delete(block);
    if (answeredBlocks.has(secretBlock)) throw notAuthorized('Invalid session for the user.');
    answeredBlocks.set(secretBlock, state.issuedAt + AUTH_SESSION_MS);
    const user = state.unknownUser ? null : await userPool.getUserByUsername(ctx, state.userId);
    // An unknown user's name is counted too: it gets "Password attempts exceeded" as a known one would.
    const proven = await limited(signInLockout, limitKey(userPool, 'SignIn', user, state.userId), passwordAttemptsExceeded, async () => {
      const stored = user && storedVerifier(user);
      const holds =
        stored !== null &&
        username === state.userId &&
        (await passwordClaimHolds({
          poolName: srpPoolName(userPool.options.Id),
          userId: state.userId,
          verifier: stored.verifier,
          srpA: state.srpA,
          keys: { b: BigInt(`0x${state.b}`), B: BigInt(`0x${state.B}`) },
          secretBlock,
          timestamp,
          signature,
        }));
      if (!holds || !user) throw notAuthorized(INCORRECT);
      return user;
    });
    return signedIn(ctx, userPool, client, proven);
  };

  const answerNewPassword = async (ctx: Context, userPool: UserPoolService, client: AppClient, session: unknown, responses: Record<string, unknown>) => {
    const [newPassword] = required(responses, 'NEW_PASSWORD');
    const state = typeof session === 'string' ? box.open<NewPasswordSession>(session) : null;
    if (!state || state.kind !== 'NEW_PASSWORD_REQUIRED' || state.clientId !== client.ClientId) throw notAuthorized('Invalid session for the user.');
    if (now().getTime() - state.issuedAt > AUTH_SESSION_MS) throw notAuthorized('Invalid session for the user, session is expired.');
    const user = await userPool.getUserByUsername(ctx, state.userId);
    if (!user || user.UserStatus !== 'FORCE_CHANGE_PASSWORD') throw notAuthorized('Invalid session for the user.');
    checkPolicy(userPool, newPassword);
    await setPassword(ctx, userPool, user, newPassword, { UserStatus: 'CONFIRMED' });
    return signedIn(ctx, userPool, client, { ...user, UserStatus: 'CONFIRMED' });
  };

  const respond = (ctx: Context, userPool: UserPoolService, client: AppClient, request: Record<string, unknown>) => {
    const [challenge] = required(request, 'ChallengeName');
    const responses = (request.ChallengeResponses ?? {}) as Record<string, unknown>;
    if (challenge === 'PASSWORD_VERIFIER') return answerPasswordVerifier(ctx, userPool, client, responses);
    if (challenge === 'NEW_PASSWORD_REQUIRED') return answerNewPassword(ctx, userPool, client, request.Session, responses);
    // No MFA or custom challenge is configured, so none is ever issued.
    throw invalidParameter(`Invalid challenge: ${challenge}`);
  };

  /**
   * Sends `username` a code by email (ForgotPassword, ResendConfirmationCode): at most
   * CODES_SENT_PER_HOUR, then LimitExceededException. `withCode` is the user record holding the
   * code, or why none can be sent (InvalidParameterException). Under PreventUserExistenceErrors an
   * unknown user, and one who can get no code, get the same answer and limit as if a code had been
   * sent, so the answer does not reveal who has an account.
   */
  const sendCode = async (ctx: Context, request: Record<string, unknown>, source: 'ForgotPassword' | 'ResendCode', withCode: (user: PoolUser, code: string) => PoolUser | string) => {
    const { client, userPool } = await appClient(ctx, request.ClientId);
    const [username] = required(request, 'Username');
    const user: PoolUser | null = await userPool.getUserByUsername(ctx, username);
    const email = user ? attributeValue('email', user.Attributes) : undefined;
    const hidden = client.PreventUserExistenceErrors === 'ENABLED';
    if ((!user || !email) && !hidden) throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
    const code = services.otp();
    const updated = user && email ? withCode(user, code) : null;
    if (typeof updated === 'string' && !hidden) throw invalidParameter(updated);
    if (!codesSent.attempt(limitKey(userPool, source, user, username), now().getTime())) throw limitExceeded();
    if (!updated || typeof updated === 'string' || !email) return { CodeDeliveryDetails: { ...EMAIL_DELIVERY, Destination: maskedEmail(username) } };
    await services.messages.deliver(ctx, source, client.ClientId, userPool.options.Id, updated, code, request.ClientMetadata as Record<string, string> | undefined, {
      ...EMAIL_DELIVERY,
      Destination: email,
    });
    await userPool.saveUser(ctx, updated);
    return { CodeDeliveryDetails: { ...EMAIL_DELIVERY, Destination: maskedEmail(email) } };
  };

  /** The signed-in user an AccessToken names, refusing forged, expired and revoked tokens. */
  const accessTokenUser = async (ctx: Context, accessToken: string): Promise<{ user: User; userPool: UserPoolService }> => {
    const claims = unverifiedClaims(accessToken);
    const clientId = typeof claims?.client_id === 'string' ? claims.client_id : '';
    const client = clientId ? await services.cognito.getAppClient(ctx, clientId) : null;
    if (!client) throw notAuthorized('Invalid Access Token');
    const userPool = await services.cognito.getUserPoolForClientId(ctx, client.ClientId);
    const verified = refusingWith(() => tokenVerifier(userPool).access(accessToken));
    const user = await userPool.getUserByUsername(ctx, verified.username);
    if (!user) throw notAuthorized('Invalid Access Token');
    if (!(user.RefreshTokens ?? []).some((token) => refreshTokenId(token) === verified.origin_jti)) throw notAuthorized('Access Token has been revoked');
    if (!user.Enabled) throw notAuthorized('User is disabled.');
    return { user, userPool };
  };

  const routes: Record<string, (ctx: Context, request: Record<string, unknown>, delegate: Route) => Promise<unknown>> = {
    async InitiateAuth(ctx, request) {
      const { client, userPool } = await appClient(ctx, request.ClientId);
      const [flow] = required(request, 'AuthFlow');
      return initiate(ctx, userPool, client, flow, (request.AuthParameters ?? {}) as Record<string, unknown>);
    },
    async AdminInitiateAuth(ctx, request) {
      const { client, userPool } = await appClient(ctx, request.ClientId);
      if (request.UserPoolId !== userPool.options.Id) throw new CognitoError('ResourceNotFoundException', `User pool client ${client.ClientId} does not exist.`);
      const [flow] = required(request, 'AuthFlow');
      return initiate(ctx, userPool, client, flow, (request.AuthParameters ?? {}) as Record<string, unknown>);
    },
    async RespondToAuthChallenge(ctx, request) {
      const { client, userPool } = await appClient(ctx, request.ClientId);
      return respond(ctx, userPool, client, request);
    },
    async AdminRespondToAuthChallenge(ctx, request) {
      const { client, userPool } = await appClient(ctx, request.ClientId);
      return respond(ctx, userPool, client, request);
    },
    async GetTokensFromRefreshToken(ctx, request) {
      const { client, userPool } = await appClient(ctx, request.ClientId);
      const [token] = required(request, 'RefreshToken');
      requireFlow(client, 'REFRESH_TOKEN_AUTH');
      // Without refresh token rotation (the deployed client has none) no new refresh token is issued.
      return { AuthenticationResult: await refreshed(ctx, userPool, client, token) };
    },
    async RevokeToken(ctx, request) {
      const { client, userPool } = await appClient(ctx, request.ClientId);
      const [token] = required(request, 'Token');
      const claims = refreshClaims(tokenVerifier(userPool).refresh, token, 'UnsupportedTokenTypeException');
      if (claims.client_id !== client.ClientId) throw new CognitoError('UnauthorizedException', 'Client is not authorized to revoke this token.');
      const user = await userPool.getUserByUsername(ctx, claims.username);
      // Revoking a token that is already revoked succeeds, as on AWS.
      if (user) await userPool.saveUser(ctx, { ...user, RefreshTokens: (user.RefreshTokens ?? []).filter((stored) => stored !== token) });
      return {};
    },
    async GlobalSignOut(ctx, request) {
      const { user, userPool } = await accessTokenUser(ctx, required(request, 'AccessToken')[0]);
      await userPool.saveUser(ctx, { ...user, RefreshTokens: [] });
      return {};
    },
    async ChangePassword(ctx, request) {
      const [accessToken, previous, proposed] = required(request, 'AccessToken', 'PreviousPassword', 'ProposedPassword');
      const { user, userPool } = await accessTokenUser(ctx, accessToken);
      await limited(changePasswordLockout, limitKey(userPool, 'ChangePassword', user, user.Username), limitExceeded, async () => {
        const stored = storedVerifier(user);
        if (!stored || !(await passwordMatches(stored, srpPoolName(userPool.options.Id), user.Username, previous))) throw notAuthorized(INCORRECT);
      });
      await setPassword(ctx, userPool, user, proposed);
      return {};
    },
    ForgotPassword(ctx, request) {
      return sendCode(ctx, request, 'ForgotPassword', (user, code) => ({ ...user, PasswordResetCode: { code, expiresAt: now().getTime() + RESET_CODE_MS } }));
    },
    ResendConfirmationCode(ctx, request) {
      // A confirmed user gets no code; under PreventUserExistenceErrors no error either (aws-amplify/amplify-js#14762).
      return sendCode(ctx, request, 'ResendCode', (user, code) => (user.UserStatus === 'UNCONFIRMED' ? { ...user, ConfirmationCode: code } : 'User is already confirmed.'));
    },
    async ConfirmForgotPassword(ctx, request) {
      const { userPool } = await appClient(ctx, request.ClientId);
      const [username, code, password] = required(request, 'Username', 'ConfirmationCode', 'Password');
      const found: PoolUser | null = await userPool.getUserByUsername(ctx, username);
      const { user, pending } = await limited(wrongCodes, limitKey(userPool, 'ConfirmForgotPassword', found, username), limitExceeded, () => {
        const sent = found?.PasswordResetCode;
        if (!found || !sent || !equalText(sent.code, code)) throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
        return Promise.resolve({ user: found, pending: sent });
      });
      if (pending.expiresAt < now().getTime()) throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
      const status = user.UserStatus === 'RESET_REQUIRED' || user.UserStatus === 'FORCE_CHANGE_PASSWORD' ? 'CONFIRMED' : user.UserStatus;
      await setPassword(ctx, userPool, user, password, { PasswordResetCode: undefined, UserStatus: status });
      return {};
    },
    async ConfirmSignUp(ctx, request, delegate) {
      const { userPool } = await appClient(ctx, request.ClientId);
      const [username] = required(request, 'Username');
      const user = await userPool.getUserByUsername(ctx, username);
      // cognito-local compares the code; a wrong one throws, and stays counted.
      return limited(wrongCodes, limitKey(userPool, 'ConfirmSignUp', user, username), limitExceeded, () => delegate(ctx, request) as Promise<unknown>);
    },
    async SignUp(ctx, request, delegate) {
      if (((request.UserAttributes ?? []) as { Name: string }[]).some((attribute) => attribute.Name === 'sub')) {
        throw invalidParameter('Attributes did not conform to the schema: sub: Attribute cannot be updated.');
      }
      const [password] = required(request, 'Password');
      const { userPool } = await appClient(ctx, request.ClientId);
      // cognito-local names the user (with sign-in by email, a new sub) as it stores it; it is
      // given no password, and the verifier, derived under that name, follows at once.
      const result = (await delegate(ctx, { ...request, Password: '' })) as { UserSub: string };
      const user = await userPool.getUserByUsername(ctx, result.UserSub);
      if (user) await setPassword(ctx, userPool, user, password);
      return result;
    },
    async AdminSetUserPassword(ctx, request, delegate) {
      const [poolId, username, password] = required(request, 'UserPoolId', 'Username', 'Password');
      const userPool = await services.cognito.getUserPool(ctx, poolId);
      const user = await userPool.getUserByUsername(ctx, username);
      if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
      const verifier = await createPasswordVerifier(srpPoolName(userPool.options.Id), user.Username, password);
      return delegate(ctx, { ...request, Password: passwordRecord(verifier) }) as Promise<unknown>;
    },
    async AdminCreateUser(ctx, request, delegate) {
      const result: unknown = await delegate(ctx, request);
      // cognito-local stores (and delivers) the temporary password, chosen or generated: replace
      // it by its verifier at once.
      const [poolId, username] = required(request, 'UserPoolId', 'Username');
      const userPool = await services.cognito.getUserPool(ctx, poolId);
      const user = await userPool.getUserByUsername(ctx, username);
      if (user && !storedVerifier(user)) await setPassword(ctx, userPool, user, user.Password);
      return result;
    },
  };

  return (target) => {
    const route = routes[target];
    const delegate = router(target);
    return async (ctx, request: Record<string, unknown>) => {
      if (route) return route(ctx, request, delegate);
      // Every other action taking an AccessToken (GetUser, UpdateUserAttributes, DeleteUser, ...)
      // runs only for a live token: cognito-local decodes tokens without verifying them.
      if (typeof request.AccessToken === 'string') await accessTokenUser(ctx, request.AccessToken);
      return delegate(ctx, request) as Promise<unknown>;
    };
  };
}

/** Stores the verifier of every password kept in clear (a pool created before verifiers). */
export async function sealStoredPasswords(ctx: Context, userPool: UserPoolService): Promise<number> {
  const users = (await userPool.listUsers(ctx)).filter((user) => !storedVerifier(user) && typeof user.Password === 'string');
  for (const user of users) {
    const verifier = await createPasswordVerifier(srpPoolName(userPool.options.Id), user.Username, user.Password);
    await userPool.saveUser(ctx, { ...user, Password: passwordRecord(verifier) });
  }
  return users.length;
}

function refusingWith<Result>(check: () => Result, type = 'NotAuthorizedException'): Result {
  try {
    return check();
  } catch (error) {
    if (error instanceof TokenRefusal) throw new CognitoError(type, error.message);
    throw error;
  }
}

function refreshClaims(verify: (token: string) => RefreshClaims, token: string, type?: string): RefreshClaims {
  return refusingWith(() => verify(token), type);
}

/** The user's refresh tokens that have not expired (expired ones are dropped at each sign-in). */
function liveRefreshTokens(user: User, verify: (token: string) => RefreshClaims): string[] {
  return (user.RefreshTokens ?? []).filter((token) => {
    try {
      verify(token);
      return true;
    } catch {
      return false;
    }
  });
}

function publicAttributes(user: User): Record<string, string> {
  return Object.fromEntries((user.Attributes ?? []).filter((attribute) => attribute.Name !== 'sub').map((attribute) => [attribute.Name, attribute.Value ?? '']));
}

/** Cognito shows where a code went without the address: "a***@e***". */
export function maskedEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}
