import { lazy, Suspense } from 'react';
import type { ClientConfig } from '../../src/api/config.ts';
import { AuthScreen } from './auth/AuthScreen.tsx';
import { useSignedIn } from './session-context.ts';

/** Loaded after sign-in only: the first screen carries what signing in needs and no more. */
const SignedInApp = lazy(() => import('./SignedInApp.tsx'));

export function App({ config }: { config: ClientConfig }) {
  const tokens = useSignedIn();
  if (!tokens) return <AuthScreen />;
  return (
    <Suspense fallback={<p className="centered">Loading…</p>}>
      {/* Keyed by user: another user (signed in from another tab) never sees this one's cache. */}
      <SignedInApp key={tokens.sub} config={config} email={tokens.email} />
    </Suspense>
  );
}
