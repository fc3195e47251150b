import { useState, type FormEvent } from 'react';
import { useSession } from '../session-context.ts';
import { PasswordRules } from './AuthScreen.tsx';

/** Changes the signed-in user's password (Cognito ChangePassword); `onClose` leaves the form. */
export function ChangePassword({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    session
      .changePassword(current, next)
      .then(() => {
        setDone(true);
        setCurrent('');
        setNext('');
      })
      .catch((failure: unknown) => setError((failure as Error).message))
      .finally(() => setBusy(false));
  };

  return (
    <section className="card auth" aria-labelledby="change-password-title">
      <h2 id="change-password-title">Change password</h2>
      {done ? (
        <p role="status" className="notice">
          Your password has been changed.
        </p>
      ) : (
        <form onSubmit={submit}>
          <label>
            Current password
            <input type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
          </label>
          <label>
            New password
            <input
              type="password"
              autoComplete="new-password"
              required
              minLength={12}
              aria-describedby="password-rules"
              value={next}
              onChange={(event) => setNext(event.target.value)}
            />
          </label>
          <PasswordRules />
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Please wait…' : 'Change password'}
          </button>
        </form>
      )}
      <button type="button" className="link" onClick={onClose}>
        {done ? 'Done' : 'Cancel'}
      </button>
    </section>
  );
}
