import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CognitoSession } from '../../src/api/session.ts';
import { App } from './App.tsx';
import { fetchConfig, localStorageTokenStore } from './browser.ts';
import { SessionContext } from './session-context.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

try {
  // The deployment comes from config.json beside the app (the stack's on AWS, the local cloud's
  // under npm start), so one build runs anywhere.
  const config = await fetchConfig();
  const session = new CognitoSession({ config, store: localStorageTokenStore(config.userPoolClientId) });
  root.render(
    <StrictMode>
      <SessionContext.Provider value={session}>
        <App config={config} />
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
