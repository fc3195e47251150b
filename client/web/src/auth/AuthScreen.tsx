import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSession } from '../session-context.ts';

type Mode = 'signIn' | 'signUp' | 'confirm' | 'forgot' | 'reset';

const TITLES: Record<Mode, string> = {
  signIn: 'Sign in',
  signUp: 'Create an account',
  confirm: 'Confirm your account',
  forgot: 'Reset your password',
  reset: 'Set a new password',
};
const SUBMIT: Record<Mode, string> = { ...TITLES, forgot: 'Email me a code' };
const CODE_LABEL: Partial<Record<Mode, string>> = { confirm: 'Confirmation code', reset: 'Reset code' };

/**
 * Sign in (SRP: the password never leaves the browser), sign up, confirm, and reset a forgotten
 * password with an emailed code, with Cognito's errors as the session words them.
 */
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
      } else if (mode === 'forgot') {
        const { destination } = await session.forgotPassword(email);
        setMode('reset');
        setNotice(`We sent a reset code to ${destination}.`);
      } else if (mode === 'reset') {
        await session.confirmForgotPassword(email, code, password);
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

  const newPassword = mode === 'signUp' || mode === 'reset';
  const codeLabel = CODE_LABEL[mode];

  return (
    <main className="centered">
      <h1>ImageGraph</h1>
      <form ref={form} className="card auth" onSubmit={submit} aria-labelledby="auth-title">
        <h2 id="auth-title">{TITLES[mode]}</h2>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        </label>
        {codeLabel && (
          <label>
            {codeLabel}
            <input inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(event) => setCode(event.target.value)} />
          </label>
        )}
        {(mode === 'signIn' || newPassword) && (
          <label>
            {mode === 'reset' ? 'New password' : 'Password'}
            <input
              type="password"
              autoComplete={newPassword ? 'new-password' : 'current-password'}
              required
              minLength={newPassword ? 12 : undefined}
              aria-describedby={newPassword ? 'password-rules' : undefined}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
        )}
        {newPassword && <PasswordRules />}
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
          {busy ? 'Please wait…' : SUBMIT[mode]}
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
          {(mode === 'confirm' || mode === 'reset') && (
            <button
              type="button"
              className="link"
              onClick={() => void run(async () => {
                if (mode === 'confirm') await session.resendCode(email);
                else await session.forgotPassword(email);
                setNotice(`A new code is on its way to ${email}.`);
              })}
            >
              Send a new code
            </button>
          )}
          {mode === 'signIn' && (
            <>
              <button type="button" className="link" onClick={() => setMode('forgot')}>
                Forgot your password?
              </button>
              <button type="button" className="link" onClick={() => setMode('confirm')}>
                I have a confirmation code
              </button>
            </>
          )}
          {mode === 'forgot' && (
            <button type="button" className="link" onClick={() => setMode('reset')}>
              I have a reset code
            </button>
          )}
        </div>
      </form>
    </main>
  );
}

/** The deployed password policy, in words (infra/constructs/auth.ts). */
export function PasswordRules() {
  return (
    <p id="password-rules" className="hint">
      At least 12 characters, with upper and lower case letters, a digit and a symbol.
    </p>
  );
}
