import { Suspense, useEffect, useRef } from 'react';
import { LOCALES, setLocale, t, type Locale } from '../i18n/index.js';
import { useLocale } from '../i18n/useLocale.js';
import { ErrorBoundary } from '../components/ErrorBoundary.js';
import { OrganisationBadge } from '../components/OrganisationBadge.js';
import { Link, matchPath, useRouter } from './router.js';
import { NAV_ORDER, SCREENS, type Screen } from './routes.js';
import { useSession } from './session.js';

function resolve(path: string): { screen: Screen; params: Record<string, string> } | null {
  for (const screen of SCREENS) {
    const params = matchPath(screen.path, path);
    if (params) return { screen, params };
  }
  return null;
}

/** The frame around every screen: who you are and for whom, what you may open, and the screen itself. */
export function Shell() {
  const session = useSession();
  const { path } = useRouter();
  const match = resolve(path);
  const main = useRef<HTMLElement>(null);
  const locale = useLocale();

  const title = match ? t(match.screen.title) : t('notFound.title');
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, locale]);

  // Move focus to the new screen so keyboard and screen-reader users land on it, not on the old link.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [path]);

  const navItems = NAV_ORDER.map((id) => SCREENS.find((s) => s.id === id)!).filter(
    (s) => s.nav !== undefined && (s.permission === undefined || session.can(s.permission)),
  );

  // A new language remounts the frame, so every string and every formatted date is made again.
  return (
    <div className="shell" key={locale}>
      <a className="skip-link" href="#content">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⟂
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </Link>
        {session.me && <OrganisationBadge me={session.me} />}
        <UserMenu />
        <LocaleSwitch locale={locale} />
      </header>
      <nav className="mainnav" aria-label={t('nav.label')}>
        <ul>
          {navItems.map((s) => {
            const current = (match?.screen.section ?? match?.screen.id) === s.id;
            return (
              <li key={s.id}>
                <Link to={s.path} aria-current={current ? 'page' : undefined} data-nav={s.id}>
                  {t(s.nav!)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="content" ref={main} tabIndex={-1} className={`screen screen-${match?.screen.id ?? 'none'}`}>
        {session.error && !session.me ? (
          <div className="notice notice-error" role="alert">
            <h1>{t('app.unreachable')}</h1>
            <p>{session.error.message}</p>
            <button type="button" onClick={() => void session.refresh()}>
              {t('common.retry')}
            </button>
          </div>
        ) : !session.me ? (
          <p className="loading" role="status">
            {t('common.loading')}
          </p>
        ) : !match ? (
          <NotFound />
        ) : match.screen.permission && !session.can(match.screen.permission) ? (
          <NotAllowed />
        ) : (
          <ErrorBoundary resetKey={path}>
            <Suspense
              fallback={
                <p className="loading" role="status">
                  {t('common.loading')}
                </p>
              }
            >
              {/* A screen shows one principal's view: when who is signed in changes, it starts over, so
                  every load is made again and nothing of the last principal's state is kept. */}
              <match.screen.component key={session.me.user?.id ?? 'anonymous'} params={match.params} />
            </Suspense>
          </ErrorBoundary>
        )}
      </main>
    </div>
  );
}

function UserMenu() {
  const session = useSession();
  const { navigate, path } = useRouter();
  const me = session.me;
  if (!me) return null;
  if (!session.signedIn) {
    if (path === '/sign-in') return null;
    return (
      <div className="usermenu">
        <Link to="/sign-in" className="button button-primary" data-testid="sign-in-link">
          {t('signIn.action')}
        </Link>
      </div>
    );
  }
  return (
    <div className="usermenu">
      <span className="user" data-testid="current-user">
        <Link to="/account" className="user-name" title={t('account.link')}>
          {me.user?.displayName || me.user?.username}
        </Link>
        <span className="user-roles">{me.roles.map((r) => t(`role.${r}`)).join(', ')}</span>
      </span>
      <button
        type="button"
        className="button"
        onClick={() => {
          void session.signOut().then(() => navigate('/sign-in?signedOut=1'));
        }}
      >
        {t('signOut.action')}
      </button>
    </div>
  );
}

/** Each language named in itself, so a reader finds theirs whatever the page is in now. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', uk: 'Українська' };

function LocaleSwitch({ locale }: { locale: Locale }) {
  return (
    <label className="locale-switch">
      <span className="visually-hidden">{t('app.language')}</span>
      <select
        value={locale}
        data-testid="locale-switch"
        onChange={(event) => setLocale(event.currentTarget.value as Locale)}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

function NotFound() {
  return (
    <section className="notice">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <Link to="/">{t('notFound.home')}</Link>
    </section>
  );
}

function NotAllowed() {
  const session = useSession();
  const { path } = useRouter();
  return (
    <section className="notice" data-testid="not-allowed">
      <h1>{t('notAllowed.title')}</h1>
      {session.signedIn ? (
        <p>{t('notAllowed.role')}</p>
      ) : (
        <p>
          {t('notAllowed.signIn')}{' '}
          <Link to={`/sign-in?next=${encodeURIComponent(path)}`}>{t('signIn.action')}</Link>
        </p>
      )}
    </section>
  );
}
