/** Picks the authorization mode from the headers, as AppSync does, and verifies the caller. */
import { unauthorized } from '../errors.ts';
import type { CognitoVerify } from './cognito.ts';
import type { IamVerify, SignedRequest } from './iam.ts';
import { isSigV4 } from './iam.ts';
import type { Caller } from './identity.ts';

export interface Authenticator {
  authenticate(request: SignedRequest, sourceIp: string): Promise<Caller>;
}

export function authenticator(cognito: CognitoVerify, iam: IamVerify): Authenticator {
  return {
    async authenticate(request, sourceIp) {
      if (isSigV4(request.headers)) return { mode: 'AWS_IAM', identity: await iam(request, sourceIp) };
      const token = request.headers.authorization;
      if (!token) throw unauthorized('You are not authorized to make this call.');
      return { mode: 'AMAZON_COGNITO_USER_POOLS', identity: await cognito(token, sourceIp) };
    },
  };
}
