/**
 * AMAZON_COGNITO_USER_POOLS: the raw JWT in `Authorization`, verified by aws-jwt-verify against the
 * pool's JWKS (signature, expiry, issuer, client id; id or access token).
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { unauthorized } from '../errors.ts';
import type { CognitoIdentity } from './identity.ts';

export interface CognitoConfig {
  userPoolId: string;
  clientIds: string[];
  /** The pool's JSON Web Key Set (what https://cognito-idp.{region}.amazonaws.com/{pool}/.well-known/jwks.json serves). */
  jwks: Jwks;
}

export type CognitoVerify = (token: string, sourceIp: string) => Promise<CognitoIdentity>;

export function cognitoVerifier(config: CognitoConfig): CognitoVerify {
  const verifier = CognitoJwtVerifier.create({ userPoolId: config.userPoolId, clientId: config.clientIds, tokenUse: null });
  verifier.cacheJwks(config.jwks);
  return async (token, sourceIp) => {
    let claims: Record<string, unknown>;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      throw unauthorized(error instanceof JwtExpiredError ? 'Token has expired.' : 'Valid authorization header not provided.');
    }
    const sub = String(claims.sub);
    const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : null;
    return {
      sub,
      issuer: String(claims.iss),
      username: typeof claims['cognito:username'] === 'string' ? claims['cognito:username'] : typeof claims.username === 'string' ? claims.username : sub,
      claims,
      sourceIp: [sourceIp],
      defaultAuthStrategy: 'ALLOW',
      groups,
    };
  };
}
