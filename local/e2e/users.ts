import { join } from 'node:path';
import type { ApolloClient } from '@apollo/client';
import { createImageGraphClient } from '../../client/src/api/apollo.ts';
import type { ClientConfig } from '../../client/src/api/config.ts';
import { installWebSocket } from '../../client/src/api/node-websocket.ts';
import { CognitoSession, memoryTokenStore } from '../../client/src/api/session.ts';
import { latestCode } from '../cognito/outbox.ts';

export interface TestUser {
  email: string;
  sub: string;
  session: CognitoSession;
  client: ApolloClient;
}

/**
 * Signs a new user up as a person would: SignUp, the code from the local "email" outbox,
 * ConfirmSignUp, sign-in; then the client the web app and CLI use.
 */
export async function signUpUser(config: ClientConfig, dataDir: string, name: string): Promise<TestUser> {
  installWebSocket();
  const email = `${name}-${Date.now()}@example.com`;
  const password = 'Correct-horse-9-battery';
  const session = new CognitoSession({ config, store: memoryTokenStore() });
  await session.signUp(email, password);
  const code = latestCode(join(dataDir, 'cognito', 'outbox.jsonl'), email);
  if (!code) throw new Error(`no confirmation code was sent to ${email}`);
  await session.confirmSignUp(email, code);
  const tokens = await session.signIn(email, password);
  const client = createImageGraphClient({ config, jwtToken: () => session.idToken() });
  return { email, sub: tokens.sub, session, client };
}
