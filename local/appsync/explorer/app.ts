/**
 * The explorer page (browser): GraphiQL from npm, with a sign-in bar like the AppSync console's
 * query editor (user pool sign-in, or a pasted token). Queries and mutations are POSTed with the
 * token in Authorization; subscriptions use the real-time endpoint.
 */
import 'graphiql/style.css';
import { GraphiQL } from 'graphiql';
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { subscribe } from './realtime-client.ts';
import { signIn, type SignInConfig } from './sign-in.ts';

interface ExplorerConfig extends SignInConfig {
  graphqlUrl: string;
  realtimeUrl: string;
}

const config = (globalThis as unknown as { EXPLORER_CONFIG: ExplorerConfig }).EXPLORER_CONFIG;

(globalThis as Record<string, unknown>).MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    const file = label === 'json' ? 'json.worker.js' : label === 'graphql' ? 'graphql.worker.js' : 'editor.worker.js';
    // build.ts bundles the workers as ES modules: a classic worker fails on their first `export`.
    return new Worker(`/explorer/${file}`, { type: 'module' });
  },
};

function App() {
  const [token, setToken] = useState(() => sessionStorage.getItem('imagegraph.token') ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState('');
  const useToken = (value: string) => {
    setToken(value);
    sessionStorage.setItem('imagegraph.token', value);
  };
  const fetcher = async (params: { query: string; variables?: unknown; operationName?: string | null }) => {
    const body = JSON.stringify(params);
    const host = new URL(config.graphqlUrl, location.href).host;
    if (/^\s*subscription\b/.test(params.query)) return subscribe(config.realtimeUrl, body, { host, Authorization: token });
    const response = await fetch(config.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body });
    return (await response.json()) as object;
  };
  const bar = h(
    'form',
    {
      style: { display: 'flex', gap: '8px', padding: '8px', fontFamily: 'sans-serif', alignItems: 'center' },
      onSubmit: (event: Event) => {
        event.preventDefault();
        setStatus('Signing in…');
        signIn(config, username, password).then(
          (idToken) => {
            useToken(idToken);
            setStatus(`Signed in as ${username}`);
          },
          (error: Error) => setStatus(error.message),
        );
      },
    },
    h('strong', null, 'Login with User Pools'),
    h('input', { placeholder: 'username', value: username, onChange: (e: { target: HTMLInputElement }) => setUsername(e.target.value) }),
    h('input', { placeholder: 'password', type: 'password', value: password, onChange: (e: { target: HTMLInputElement }) => setPassword(e.target.value) }),
    h('button', { type: 'submit' }, 'Sign in'),
    h('input', { placeholder: 'or paste a token', style: { flex: 1 }, value: token, onChange: (e: { target: HTMLInputElement }) => useToken(e.target.value) }),
    h('span', null, status),
  );
  return h('div', { style: { height: '100vh', display: 'flex', flexDirection: 'column' } }, bar, h('div', { style: { flex: 1 } }, h(GraphiQL, { fetcher: fetcher as never })));
}

createRoot(document.getElementById('root') as HTMLElement).render(h(App));
