import { createContext, useCallback, useContext, useMemo, useSyncExternalStore } from 'react';
import type { CognitoSession, SessionTokens } from '../../src/api/session.ts';

export const SessionContext = createContext<CognitoSession | null>(null);

export function useSession(): CognitoSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}

/**
 * The signed-in user's tokens, re-rendering on sign-in, refresh and sign-out, in this tab or another
 * (the tokens live in localStorage, whose changes other tabs hear as `storage` events): a sign-out
 * elsewhere must not leave this tab showing the photos.
 */
export function useSignedIn(): SessionTokens | null {
  const session = useSession();
  const subscribe = useCallback(
    (onChange: () => void) => {
      const stop = session.onChange(onChange);
      window.addEventListener('storage', onChange);
      return () => {
        stop();
        window.removeEventListener('storage', onChange);
      };
    },
    [session],
  );
  // The token string is a stable snapshot; the stored object is parsed anew on each read.
  const idToken = useSyncExternalStore(subscribe, () => session.current?.idToken ?? null);
  return useMemo(() => (idToken ? session.current : null), [idToken, session]);
}
