import { useState } from 'react';
import { AuthScreen } from './auth/AuthScreen.tsx';
import { ChangePassword } from './auth/ChangePassword.tsx';
import { ImageDetail } from './detail/ImageDetail.tsx';
import { SearchPage } from './search/SearchPage.tsx';
import { useSession, useSignedIn } from './session-context.ts';
import { UploadPanel } from './upload/UploadPanel.tsx';
import { useOpenImageId } from './use-hash-route.ts';

export function App() {
  const tokens = useSignedIn();
  const session = useSession();
  const openImageId = useOpenImageId();
  const [changingPassword, setChangingPassword] = useState(false);
  if (!tokens) return <AuthScreen />;
  return (
    <>
      <header className="topbar">
        <h1>ImageGraph</h1>
        <span className="who">{tokens.email}</span>
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
    </>
  );
}
