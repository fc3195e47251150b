import { AuthScreen } from './auth/AuthScreen.tsx';
import { ImageDetail } from './detail/ImageDetail.tsx';
import { SearchPage } from './search/SearchPage.tsx';
import { useSession, useSignedIn } from './session-context.ts';
import { UploadPanel } from './upload/UploadPanel.tsx';
import { useOpenImageId } from './use-hash-route.ts';

export function App() {
  const tokens = useSignedIn();
  const session = useSession();
  const openImageId = useOpenImageId();
  if (!tokens) return <AuthScreen />;
  return (
    <>
      <header className="topbar">
        <h1>ImageGraph</h1>
        <span className="who">{tokens.email}</span>
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </header>
      <main className="layout">
        <UploadPanel />
        <SearchPage />
      </main>
      {openImageId && <ImageDetail id={openImageId} />}
    </>
  );
}
