import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { createImageGraphClient } from '../../src/api/apollo.ts';
import type { ClientConfig } from '../../src/api/config.ts';
import { installBufferGlobal } from './buffer-global.ts';
import { ImageDetail } from './detail/ImageDetail.tsx';
import { SearchPage } from './search/SearchPage.tsx';
import { useSession } from './session-context.ts';
import { UploadPanel } from './upload/UploadPanel.tsx';
import { useOpenImageId } from './use-hash-route.ts';

installBufferGlobal();

/**
 * Everything after sign-in, loaded on demand (App.tsx imports it lazily): the GraphQL client
 * (Apollo and AWS's AppSync links), search, upload and the detail view. The sign-in screen needs
 * none of it, so its first load stays small. One client per signed-in stretch: a sign-out unmounts
 * this, so another user never sees the previous one's cached results.
 */
export default function SignedInApp({ config, email }: { config: ClientConfig; email: string }) {
  const session = useSession();
  const [client] = useState(() => {
    const created = createImageGraphClient({
      config,
      jwtToken: () => session.idToken(),
      // Events may have been missed while the connection was down: re-read what is on screen.
      resubscribe: { onResubscribe: () => void created.refetchQueries({ include: 'active' }) },
    });
    return created;
  });
  useEffect(() => () => client.stop(), [client]);
  const openImageId = useOpenImageId();
  return (
    <ApolloProvider client={client}>
      <header className="topbar">
        <h1>ImageGraph</h1>
        <span className="who">{email}</span>
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </header>
      <main className="layout">
        <UploadPanel />
        <SearchPage />
      </main>
      {openImageId && <ImageDetail id={openImageId} />}
    </ApolloProvider>
  );
}
