/** The caller of one request, as AppSync puts it in `ctx.identity` (and the mode it authorized with). */
export type AuthMode = 'AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM';

export interface CognitoIdentity {
  sub: string;
  issuer: string;
  username: string;
  claims: Record<string, unknown>;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW';
  groups: string[] | null;
}

export interface IamIdentity {
  accountId: string;
  cognitoIdentityPoolId: null;
  cognitoIdentityId: null;
  sourceIp: string[];
  username: string;
  userArn: string;
  cognitoIdentityAuthType: null;
  cognitoIdentityAuthProvider: null;
}

export type Caller =
  | { mode: 'AMAZON_COGNITO_USER_POOLS'; identity: CognitoIdentity }
  | { mode: 'AWS_IAM'; identity: IamIdentity };

/** The headers AppSync's authorization reads, however they arrived (HTTP or a real-time message). */
export type AuthHeaders = Record<string, string | undefined>;

export function lowerCaseHeaders(headers: Record<string, unknown>): AuthHeaders {
  const out: AuthHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') out[name.toLowerCase()] = value.join(', ');
  }
  return out;
}
