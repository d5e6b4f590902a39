import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { PasswordField } from '../components/PasswordField.js';
import { t } from '../i18n/index.js';

/** Only same-site paths may be returned to after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInScreen() {
  const session = useSession();
  const { query, navigate } = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameInput = useRef<HTMLInputElement>(null);

  useEffect(() => usernameInput.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!username || !password) {
      setError(t('signIn.missing'));
      return;
    }
    setBusy(true);
    try {
      await session.signIn(username, password);
      navigate(safeNext(query.get('next')), { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('signIn.rejected')
          : err instanceof ApiError && err.status === 429
            ? t('signIn.tooMany', { detail: err.detail })
            : (err as Error).message,
      );
      setBusy(false);
    }
  };

  return (
    <section className="signin">
      <h1>{t('signIn.title')}</h1>
      {query.get('signedOut') === '1' && !session.signedIn && (
        <p className="notice notice-ok" role="status">
          {t('signOut.done')}
        </p>
      )}
      {query.get('passwordChanged') === '1' && !session.signedIn && (
        <p className="notice notice-ok" role="status">
          {t('signIn.passwordChanged')}
        </p>
      )}
      {session.signedIn && session.me?.user && (
        <p className="notice" role="status">
          {t('signIn.already', { name: session.me.user.displayName || session.me.user.username })}
        </p>
      )}
      <p className="lede">{t('signIn.lede')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-describedby={error ? 'signin-error' : undefined}>
        {error && (
          <p id="signin-error" className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="username">{t('signIn.username')}</label>
          <input
            id="username"
            ref={usernameInput}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </div>
        <PasswordField
          id="password"
          label={t('signIn.password')}
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('signIn.busy') : t('signIn.action')}
        </button>
      </form>
      <p className="hint">{t('signIn.publicHint')}</p>
    </section>
  );
}
