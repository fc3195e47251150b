/**
 * The pool's tokens, shaped as Cognito's (claims of its access and ID tokens, including
 * `origin_jti`, which ties every access and ID token to the sign-in's refresh token) and signed
 * RS256 with the key shipped inside cognito-local (kid `CognitoLocal`, so `cognito.jwks` verifies
 * them). Revocation follows AWS: a refresh token is live while the user's record lists it;
 * RevokeToken and GlobalSignOut remove it, and with it every access token whose `origin_jti` is
 * its `jti` ("Access Token has been revoked" from the user pool API). JWT verifiers elsewhere
 * (AppSync, aws-jwt-verify) check only signature and expiry, as on AWS, so an ID or access token
 * stays usable there until it expires.
 */
import { randomUUID, sign } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { AppClient } from 'cognito-local/lib/services/appClient.js';
import { attributeValue, type User } from 'cognito-local/lib/services/userPoolService.js';
import privateKey from 'cognito-local/lib/keys/cognitoLocal.private.json' with { type: 'json' };
import publicKey from 'cognito-local/lib/keys/cognitoLocal.public.json' with { type: 'json' };

export const KEY_ID = 'CognitoLocal';

const SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/** A validity in seconds, as CreateUserPoolClient's number and unit (AWS's defaults when unset). */
function validitySeconds(value: number | undefined, unit: string | undefined, fallbackSeconds: number): number {
  return value === undefined ? fallbackSeconds : value * (SECONDS[unit ?? ''] ?? 1);
}

export function tokenValidity(client: AppClient): { access: number; id: number; refresh: number } {
  const units = client.TokenValidityUnits ?? {};
  return {
    access: validitySeconds(client.AccessTokenValidity, units.AccessToken ?? 'hours', 3600),
    id: validitySeconds(client.IdTokenValidity, units.IdToken ?? 'hours', 3600),
    refresh: validitySeconds(client.RefreshTokenValidity, units.RefreshToken ?? 'days', 30 * 86_400),
  };
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(payload: Record<string, unknown>): string {
  const unsigned = `${base64url(JSON.stringify({ kid: KEY_ID, alg: 'RS256' }))}.${base64url(JSON.stringify(payload))}`;
  return `${unsigned}.${base64url(sign('sha256', Buffer.from(unsigned), privateKey.pem))}`;
}

/** Cognito's AuthenticationResult. */
export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

export interface TokenRequest {
  issuer: string;
  user: User;
  groups: readonly string[];
  client: AppClient;
  now: Date;
  /** The refresh token's claims when refreshing; absent at sign-in, which starts a new family. */
  refreshing?: RefreshClaims;
}

/** The claims of the pool's refresh tokens (opaque to clients, as AWS's encrypted ones are). */
export interface RefreshClaims {
  jti: string;
  username: string;
  client_id: string;
  auth_time: number;
  iss: string;
  iat: number;
  exp: number;
}

/** ID and access tokens, and at sign-in the refresh token they descend from. */
export function issueTokens(request: TokenRequest): AuthenticationResult {
  const { user, client } = request;
  const validity = tokenValidity(client);
  const iat = Math.floor(request.now.getTime() / 1000);
  const originJti = request.refreshing?.jti ?? randomUUID();
  const authTime = request.refreshing?.auth_time ?? iat;
  const sub = attributeValue('sub', user.Attributes);
  const eventId = randomUUID();
  const groups = request.groups.length > 0 ? { 'cognito:groups': [...request.groups] } : {};
  const shared = { sub, iss: request.issuer, origin_jti: originJti, event_id: eventId, auth_time: authTime, iat };
  const accessToken = signJwt({
    ...shared,
    ...groups,
    client_id: client.ClientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    exp: iat + validity.access,
    jti: randomUUID(),
    username: user.Username,
  });
  const idToken = signJwt({
    ...shared,
    ...groups,
    aud: client.ClientId,
    'cognito:username': user.Username,
    email: attributeValue('email', user.Attributes),
    email_verified: attributeValue('email_verified', user.Attributes) === 'true',
    token_use: 'id',
    exp: iat + validity.id,
    jti: randomUUID(),
  });
  const result: AuthenticationResult = { AccessToken: accessToken, IdToken: idToken, ExpiresIn: validity.access, TokenType: 'Bearer' };
  if (request.refreshing) return result;
  const refreshClaims = { jti: originJti, username: user.Username, client_id: client.ClientId, auth_time: authTime, iss: request.issuer, iat, exp: iat + validity.refresh };
  return { ...result, RefreshToken: signJwt(refreshClaims satisfies RefreshClaims) };
}

/** Why a token is refused, in the words Cognito's user pool API uses. */
export class TokenRefusal extends Error {}

/** Checks the pool's signature, issuer and expiry; the caller checks revocation. */
export function createTokenVerifier(issuer: string) {
  const verifier = JwtVerifier.create({ issuer, audience: null, jwksUri: `${issuer}/.well-known/jwks.json` });
  verifier.cacheJwks({ keys: [publicKey.jwk] });
  const verified = (token: string, kind: 'Access' | 'Refresh'): JwtPayload => {
    try {
      return verifier.verifySync(token);
    } catch (error) {
      throw new TokenRefusal(error instanceof JwtExpiredError ? `${kind} Token has expired` : `Invalid ${kind} Token`);
    }
  };
  return {
    access: (token: string): JwtPayload & { username: string; origin_jti: string; client_id: string } => {
      const claims = verified(token, 'Access');
      if (claims.token_use !== 'access' || typeof claims.username !== 'string' || typeof claims.origin_jti !== 'string' || typeof claims.client_id !== 'string') {
        throw new TokenRefusal('Invalid Access Token');
      }
      return claims as JwtPayload & { username: string; origin_jti: string; client_id: string };
    },
    refresh: (token: string): RefreshClaims => {
      const claims = verified(token, 'Refresh');
      if (claims.token_use !== undefined || typeof claims.jti !== 'string' || typeof claims.username !== 'string' || typeof claims.client_id !== 'string') {
        throw new TokenRefusal('Invalid Refresh Token');
      }
      return claims as unknown as RefreshClaims;
    },
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

/** The `jti` of a stored refresh token (the user's record keeps the tokens themselves). */
export function refreshTokenId(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti?: unknown };
    return typeof payload.jti === 'string' ? payload.jti : undefined;
  } catch {
    return undefined;
  }
}
