/**
 * AWS_IAM: Signature Version 4 for service `appsync`, verified by the local services' one SigV4
 * verifier (local/sigv4.ts) and refused as AppSync refuses it: 403 with the JSON-protocol error type.
 */
import { FIVE_MINUTES_MS, JSON_PROTOCOL_ERROR, SigV4Refused, verifySigV4 } from '../../sigv4.ts';
import { RequestRefused } from '../errors.ts';
import type { AuthHeaders, IamIdentity } from './identity.ts';

export interface IamConfig {
  accessKeyId: string;
  secretAccessKey: string;
  /** Reported in ctx.identity; defaults to a local placeholder account. */
  accountId?: string;
  userArn?: string;
}

export interface SignedRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers: AuthHeaders;
  body: string;
}

export function isSigV4(headers: AuthHeaders): boolean {
  return (headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256');
}

export type IamVerify = (request: SignedRequest, sourceIp: string) => Promise<IamIdentity>;

export function iamVerifier(config: IamConfig, region: string, now: () => number = Date.now): IamVerify {
  const accountId = config.accountId ?? '000000000000';
  const scope = {
    service: 'appsync',
    region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxSkewMs: FIVE_MINUTES_MS,
  };
  return async (request, sourceIp) => {
    let accessKeyId: string;
    try {
      ({ accessKeyId } = await verifySigV4({ ...request, query: request.query ?? {} }, scope, now()));
    } catch (error) {
      if (error instanceof SigV4Refused) throw new RequestRefused(403, JSON_PROTOCOL_ERROR[error.problem], error.message);
      throw error;
    }
    return {
      accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp: [sourceIp],
      username: accessKeyId,
      userArn: config.userArn ?? `arn:aws:iam::${accountId}:user/local`,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    };
  };
}
