// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CognitoSession, type SessionTokens } from '../../src/api/session.ts';
import { localStorageTokenStore } from './browser.ts';
import { SessionContext, useSignedIn } from './session-context.ts';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

const config = { graphqlUrl: 'http://api.test/graphql', realtimeUrl: 'ws://api.test/graphql/realtime', region: 'us-east-1', userPoolId: 'us-east-1_T', userPoolClientId: 'c' };
const tokens: SessionTokens = { idToken: 'id-1', accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, sub: 'user-1', email: 'ada@example.com' };

function Who() {
  const signedIn = useSignedIn();
  return <p>{signedIn ? `Signed in as ${signedIn.email}` : 'Signed out'}</p>;
}

describe('useSignedIn', () => {
  it('follows a sign-out and a sign-in made in another tab', () => {
    const key = 'imagegraph.session.c';
    localStorage.setItem(key, JSON.stringify(tokens));
    const session = new CognitoSession({ config, store: localStorageTokenStore('c'), cognito: { send: () => Promise.resolve({}) } });
    render(
      <SessionContext.Provider value={session}>
        <Who />
      </SessionContext.Provider>,
    );
    expect(screen.getByText('Signed in as ada@example.com')).toBeTruthy();

    // What another tab's sign-out looks like here: the key gone, then a storage event.
    act(() => {
      localStorage.removeItem(key);
      window.dispatchEvent(new StorageEvent('storage', { key }));
    });
    expect(screen.getByText('Signed out')).toBeTruthy();

    act(() => {
      localStorage.setItem(key, JSON.stringify({ ...tokens, idToken: 'id-2', email: 'grace@example.com' }));
      window.dispatchEvent(new StorageEvent('storage', { key }));
    });
    expect(screen.getByText('Signed in as grace@example.com')).toBeTruthy();
  });
});
