import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { changePassword } from '../api/session.js';
import { useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { PasswordField } from '../components/PasswordField.js';
import { t } from '../i18n/index.js';

/** The signed-in user's own account: who they are, and a password change. */
export default function AccountScreen() {
  const session = useSession();
  const { navigate } = useRouter();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const user = session.me?.user;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!current || !next) return setError(t('account.missing'));
    if (next !== repeat) return setError(t('account.mismatch'));
    setBusy(true);
    try {
      await changePassword(current, next);
      // A new password ends every session and token, this one too: sign in again with it.
      await session.refresh();
      navigate('/sign-in?passwordChanged=1', { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('account.wrongCurrent')
          : err instanceof ApiError
            ? err.detail
            : (err as Error).message,
      );
      setBusy(false);
    }
  };

  return (
    <section className="signin">
      <h1>{t('account.title')}</h1>
      {user && (
        <p className="lede" data-testid="account-user">
          {t('account.who', { name: user.displayName || user.username, username: user.username })}
        </p>
      )}
      <h2>{t('account.changePassword')}</h2>
      <p className="hint">{t('account.changeHint')}</p>
      <form
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-describedby={error ? 'account-error' : undefined}
      >
        {error && (
          <p id="account-error" className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <PasswordField
          id="current-password"
          label={t('account.current')}
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
        />
        <PasswordField
          id="new-password"
          label={t('account.new')}
          autoComplete="new-password"
          minLength={12}
          value={next}
          onChange={setNext}
        />
        <PasswordField
          id="repeat-password"
          label={t('account.repeat')}
          autoComplete="new-password"
          value={repeat}
          onChange={setRepeat}
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('account.busy') : t('account.action')}
        </button>
      </form>
    </section>
  );
}
