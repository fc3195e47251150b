import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { render } from '@testing-library/react';
import { print } from 'graphql';
import type { ReactElement } from 'react';
import { Observable, Subject } from 'rxjs';
import { CognitoSession, memoryTokenStore, type SessionTokens } from '../../../src/api/session.ts';
import { SessionContext } from '../session-context.ts';

export type Answer = (operationName: string, variables: Record<string, unknown>) => unknown;

/**
 * Renders a component with a real Apollo Client whose link answers from `answer` (queries and
 * mutations) and from `events` (subscriptions, acknowledged by `acknowledge`), and a real session
 * over a fake Cognito.
 */
export function renderWithApi(ui: ReactElement, { answer = () => ({}), cognito = () => Promise.resolve({}), signedIn = null }: { answer?: Answer; cognito?: (command: unknown) => Promise<unknown>; signedIn?: SessionTokens | null } = {}) {
  const events = new Subject<unknown>();
  const operations: { name: string; variables: Record<string, unknown>; query: string }[] = [];
  let subscription: ApolloLink.Operation | undefined;
  const link = new ApolloLink((operation) => {
    operations.push({ name: operation.operationName ?? '', variables: operation.variables, query: print(operation.query) });
    if (operation.operationName === 'OnImageProcessed') {
      subscription = operation;
      return events.asObservable() as Observable<ApolloLink.Result>;
    }
    return new Observable<ApolloLink.Result>((observer) => {
      try {
        observer.next({ data: answer(operation.operationName ?? '', operation.variables) as Record<string, unknown> });
        observer.complete();
      } catch (error) {
        observer.next({ errors: [{ message: (error as Error).message }] });
        observer.complete();
      }
    });
  });
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const session = new CognitoSession({
    config: { graphqlUrl: 'http://api.test/graphql', realtimeUrl: 'ws://api.test/graphql/realtime', region: 'us-east-1', userPoolId: 'us-east-1_T', userPoolClientId: 'c' },
    store: memoryTokenStore(signedIn),
    cognito: { send: cognito },
  });
  const view = render(
    <SessionContext.Provider value={session}>
      <ApolloProvider client={client}>{ui}</ApolloProvider>
    </SessionContext.Provider>,
  );
  return {
    ...view,
    client,
    session,
    operations,
    publish: (data: unknown) => events.next({ data }),
    /** What the AppSync link reports on start_ack (client/src/api/apollo.ts). */
    acknowledge: () => subscription?.getContext().onSubscriptionAcknowledged?.(),
  };
}
