/**
 * Browser side of the explorer: "Login with User Pools" as the AppSync console's query editor does
 * it, with Cognito's SRP sign-in (USER_SRP_AUTH, then the PASSWORD_VERIFIER challenge; the
 * password never leaves the page) on the configured endpoint (the local Cognito, or AWS's
 * regional one), returning the ID token.
 */
import { answerPasswordVerifier, paddedHex, type PasswordVerifierChallenge, srpClientKeys } from '../../../client/src/api/cognito-srp.ts';

export interface SignInConfig {
  cognitoEndpoint: string;
  userPoolId: string;
  userPoolClientId: string;
}

interface CognitoAnswer {
  AuthenticationResult?: { IdToken?: string };
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  message?: string;
  __type?: string;
}

async function call(config: SignInConfig, action: string, input: object): Promise<CognitoAnswer> {
  const response = await fetch(config.cognitoEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as CognitoAnswer;
  if (!response.ok) throw new Error(body.message ?? body.__type ?? `Sign-in failed (${response.status})`);
  return body;
}

export async function signIn(config: SignInConfig, username: string, password: string): Promise<string> {
  const keys = srpClientKeys();
  const challenge = await call(config, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: config.userPoolClientId, AuthParameters: { USERNAME: username, SRP_A: paddedHex(keys.A) } });
  if (challenge.ChallengeName !== 'PASSWORD_VERIFIER') throw new Error(`Sign-in needs a step the explorer does not support (${challenge.ChallengeName ?? 'none'})`);
  const responses = await answerPasswordVerifier({
    userPoolId: config.userPoolId,
    password,
    keys,
    challenge: challenge.ChallengeParameters as unknown as PasswordVerifierChallenge,
  });
  const answer = await call(config, 'RespondToAuthChallenge', {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: config.userPoolClientId,
    ChallengeResponses: responses,
    ...(challenge.Session ? { Session: challenge.Session } : {}),
  });
  const token = answer.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`Sign-in needs a step the explorer does not support (${answer.ChallengeName ?? 'no token'})`);
  return token;
}
