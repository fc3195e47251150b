import type { ApolloClient } from '@apollo/client';
import { createImageGraphClient, type ResubscribeOptions } from '../../src/api/apollo.ts';
import type { ClientConfig } from '../../src/api/config.ts';
import { installWebSocket } from '../../src/api/node-websocket.ts';
import { CognitoSession } from '../../src/api/session.ts';
import { loadClientConfig } from '../deployment.ts';
import { fileTokenStore } from './session-file.ts';

export interface Connection {
  config: ClientConfig;
  session: CognitoSession;
  client: ApolloClient;
}

/** The deployment from the outputs file, the stored session, and an Apollo client signed with it. */
export function connect(outputsFile: string | undefined, resubscribe: ResubscribeOptions = {}): Connection {
  installWebSocket();
  const config = loadClientConfig(outputsFile);
  const session = new CognitoSession({ config, store: fileTokenStore(config.userPoolClientId) });
  const client = createImageGraphClient({
    config,
    jwtToken: () => session.idToken(),
    resubscribe,
  });
  return { config, session, client };
}
