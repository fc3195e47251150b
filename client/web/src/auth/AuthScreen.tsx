import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSession } from '../session-context.ts';

type Mode = 'signIn' | 'signUp' | 'confirm';

const TITLES: Record<Mode, string> = { signIn: 'Sign in', signUp: 'Create an account', confirm: 'Confirm your account' };

/** Sign in, sign up and confirm, with Cognito's errors as the session words them. */
export function AuthScreen() {
  const session = useSession();
  const [mode, setMode] = useState<Mode>('signIn');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const shownMode = useRef(mode);

  // The button that switched modes (or the field just submitted) is gone: keyboard and screen reader
  // users continue at the first field left to fill, not at the top of the page.
  useEffect(() => {
    if (shownMode.current === mode) return;
    shownMode.current = mode;
    const fields = [...(form.current?.querySelectorAll('input') ?? [])];
    (fields.find((field) => !field.value) ?? fields[0])?.focus();
  }, [mode]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (failure) {
      const { message, code: errorCode } = failure as Error & { code?: string };
      setError(message);
      if (errorCode === 'UserNotConfirmedException') setMode('confirm');
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      if (mode === 'signIn') {
        await session.signIn(email, password);
      } else if (mode === 'signUp') {
        const { confirmed } = await session.signUp(email, password);
        if (confirmed) {
          await session.signIn(email, password);
        } else {
          setMode('confirm');
          setNotice(`We sent a confirmation code to ${email}.`);
        }
      } else {
        await session.confirmSignUp(email, code);
        if (password) await session.signIn(email, password);
        else {
          setMode('signIn');
          setNotice('Account confirmed. Sign in.');
        }
      }
    });
  };

  return (
    <main className="centered">
      <h1>ImageGraph</h1>
      <form ref={form} className="card auth" onSubmit={submit} aria-labelledby="auth-title">
        <h2 id="auth-title">{TITLES[mode]}</h2>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        </label>
        {mode !== 'confirm' && (
          <label>
            Password
            <input
              type="password"
              autoComplete={mode === 'signUp' ? 'new-password' : 'current-password'}
              required
              minLength={mode === 'signUp' ? 12 : undefined}
              aria-describedby={mode === 'signUp' ? 'password-rules' : undefined}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
        )}
        {mode === 'signUp' && (
          <p id="password-rules" className="hint">
            At least 12 characters, with upper and lower case letters, a digit and a symbol.
          </p>
        )}
        {mode === 'confirm' && (
          <label>
            Confirmation code
            <input inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(event) => setCode(event.target.value)} />
          </label>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {notice && (
          <p role="status" className="notice">
            {notice}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Please wait…' : TITLES[mode]}
        </button>
        <div className="switch">
          {mode !== 'signIn' && (
            <button type="button" className="link" onClick={() => setMode('signIn')}>
              I have an account
            </button>
          )}
          {mode !== 'signUp' && (
            <button type="button" className="link" onClick={() => setMode('signUp')}>
              Create an account
            </button>
          )}
          {mode === 'confirm' && (
            <button
              type="button"
              className="link"
              onClick={() => void run(async () => {
                await session.resendCode(email);
                setNotice(`A new code is on its way to ${email}.`);
              })}
            >
              Send a new code
            </button>
          )}
          {mode === 'signIn' && (
            <button type="button" className="link" onClick={() => setMode('confirm')}>
              I have a confirmation code
            </button>
          )}
        </div>
      </form>
    </main>
  );
}
