import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { createImageGraphClient } from '../../src/api/apollo.ts';
import type { ClientConfig } from '../../src/api/config.ts';
import { ChangePassword } from './auth/ChangePassword.tsx';
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
  // Events missed while the connection was down are caught up once AppSync acknowledges the new
  // subscription (upload/use-uploads.ts): refetching before that would leave a gap.
  const [client] = useState(() => createImageGraphClient({ config, jwtToken: () => session.idToken() }));
  useEffect(() => () => client.stop(), [client]);
  const openImageId = useOpenImageId();
  const [changingPassword, setChangingPassword] = useState(false);
  return (
    <ApolloProvider client={client}>
      <header className="topbar">
        <h1>ImageGraph</h1>
        <span className="who">{email}</span>
        <button type="button" onClick={() => setChangingPassword(true)}>
          Change password
        </button>
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </header>
      <main className="layout">
        {changingPassword && <ChangePassword onClose={() => setChangingPassword(false)} />}
        <UploadPanel />
        <SearchPage />
      </main>
      {openImageId && <ImageDetail id={openImageId} />}
    </ApolloProvider>
  );
}
