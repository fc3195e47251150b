import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createImageGraphClient } from '../../src/api/apollo.ts';
import { CognitoSession } from '../../src/api/session.ts';
import { App } from './App.tsx';
import { fetchConfig, installBufferGlobal, localStorageTokenStore } from './browser.ts';
import { SessionContext } from './session-context.ts';
import './styles.css';

installBufferGlobal();
const root = createRoot(document.getElementById('root')!);

try {
  const config = await fetchConfig();
  const session = new CognitoSession({ config, store: localStorageTokenStore(config.userPoolClientId) });
  const client = createImageGraphClient({
    config,
    jwtToken: () => session.idToken(),
    // Events may have been missed while the connection was down: re-read what is on screen.
    resubscribe: { onResubscribe: () => void client.refetchQueries({ include: 'active' }) },
  });
  // Another user's cached results must never show after a sign-out.
  session.onChange((tokens) => {
    if (!tokens) void client.clearStore();
  });
  root.render(
    <StrictMode>
      <SessionContext.Provider value={session}>
        <ApolloProvider client={client}>
          <App />
        </ApolloProvider>
      </SessionContext.Provider>
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <main className="centered">
      <h1>ImageGraph</h1>
      <p role="alert">Could not load the deployment configuration: {(error as Error).message}</p>
    </main>,
  );
}
