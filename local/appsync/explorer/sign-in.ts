/**
 * Browser side of the explorer: "Login with User Pools" as the AppSync console's query editor does
 * it, through Cognito's InitiateAuth (USER_PASSWORD_AUTH) on the configured endpoint (the local
 * Cognito, or AWS's regional one), returning the ID token.
 */
export interface SignInConfig {
  cognitoEndpoint: string;
  userPoolClientId: string;
}

export async function signIn(config: SignInConfig, username: string, password: string): Promise<string> {
  const response = await fetch(config.cognitoEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.userPoolClientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
  });
  const body = (await response.json()) as { AuthenticationResult?: { IdToken?: string }; message?: string; __type?: string };
  const token = body.AuthenticationResult?.IdToken;
  if (!response.ok || !token) throw new Error(body.message ?? body.__type ?? `Sign-in failed (${response.status})`);
  return token;
}
