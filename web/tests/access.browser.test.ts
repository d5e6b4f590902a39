import { expect, it } from 'vitest';
import type { Role } from '../../src/access/policy.js';
import { AccountPage } from './pages/AccountPage.js';
import { AppPage } from './pages/AppPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';
import { TEST_PASSWORD } from './support/server.js';

/**
 * What each role sees in the navigation, written out here rather than derived from policy.ts, so a
 * change of access shows up as a failing test until someone decides it on purpose. Every signed-in
 * user has the deconfliction board (notices:read: their organisation's notices and the copies
 * addressed to it); the anonymous public does not. Everyone, the public too, has the breach-response
 * and commitments screens (cases:read, commitments:read): the markings decide what they show.
 */
const EVERYONE = ['overview', 'map', 'findings', 'deconfliction', 'cases', 'agreement', 'commitments', 'log'];
/** The anonymous public also reads the CLEAR reports, their daily report and public findings (markings hide the rest). */
const PUBLIC = [
  'overview',
  'map',
  'reports',
  'findings',
  'daily',
  'cases',
  'agreement',
  'commitments',
  'log',
];
const READERS = [
  'overview',
  'map',
  'reports',
  'findings',
  'daily',
  'deconfliction',
  'cases',
  'agreement',
  'commitments',
  'log',
];
/** Analysts, commissioners and the commission's administrators also see the verification queue. */
const VERIFIERS = [
  'overview',
  'map',
  'reports',
  'incidents',
  'findings',
  'daily',
  'deconfliction',
  'cases',
  'agreement',
  'commitments',
  'log',
];
const FILERS = [
  'overview',
  'map',
  'reports',
  'new-report',
  'findings',
  'daily',
  'deconfliction',
  'cases',
  'agreement',
  'commitments',
  'log',
];

const CASES: { role: Role; organisation: string; kind: string; name: string; nav: string[] }[] = [
  {
    role: 'monitor',
    organisation: 'JMVC',
    kind: 'commission',
    name: 'Joint Monitoring and Verification Commission',
    nav: FILERS,
  },
  {
    role: 'analyst',
    organisation: 'JMVC',
    kind: 'commission',
    name: 'Joint Monitoring and Verification Commission',
    nav: VERIFIERS,
  },
  { role: 'commissioner', organisation: 'RU', kind: 'party', name: 'Russian Federation', nav: VERIFIERS },
  { role: 'liaison', organisation: 'UA', kind: 'party', name: 'Ukraine', nav: FILERS },
  { role: 'guarantor', organisation: 'US', kind: 'guarantor', name: 'United States', nav: READERS },
  {
    role: 'humanitarian',
    organisation: 'OCHA',
    kind: 'humanitarian',
    name: 'UN OCHA Humanitarian Notification Team',
    nav: EVERYONE,
  },
  { role: 'observer', organisation: 'PUBLIC', kind: 'public', name: 'Public and press', nav: EVERYONE },
  {
    role: 'admin',
    organisation: 'JMVC',
    kind: 'commission',
    name: 'Joint Monitoring and Verification Commission',
    nav: VERIFIERS,
  },
];

describeInBrowser('sign-in and role-driven navigation', () => {
  const session = useDashboardBrowser();

  it('shows the anonymous public the map, the CLEAR reports, the agreement and the log, with a public badge', async () => {
    const app = new AppPage(session.page);
    await app.goto('/');
    expect(await app.navItems()).toEqual(PUBLIC);
    expect(await app.badge()).toMatchObject({ kind: 'public', organisation: null });
    expect((await app.badge()).text).toContain('Public view');
    await expect.poll(() => session.page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
  });

  it('asks the anonymous public to sign in for a screen that needs an account', async () => {
    const app = new AppPage(session.page);
    await app.goto('/reports/new');
    expect(await app.isNotAllowed()).toBe(true);
    expect(await session.page.locator('[data-testid="not-allowed"]').innerText()).toContain(
      'This page needs an account.',
    );
    await app.shot('not-allowed-anonymous');
  });

  for (const c of CASES) {
    it(`signs a ${c.role} of ${c.organisation} in, shows only what the role may use, and signs out`, async () => {
      const username = await session.dashboard.createUser(c.organisation, [c.role]);
      const signIn = new SignInPage(session.page);
      await signIn.open();
      if (c.role === 'monitor') await signIn.shot('sign-in');
      await signIn.signIn(username, TEST_PASSWORD);

      expect(await signIn.navItems()).toEqual(c.nav);
      const badge = await signIn.badge();
      expect(badge).toMatchObject({ kind: c.kind, organisation: c.organisation });
      expect(badge.text).toContain(c.name);
      // The landing screen after sign-in is the overview.
      await session.page.getByTestId('overview-tiles').waitFor();
      await signIn.shot(`shell-${c.role}`, false);

      await signIn.signOut();
      expect(await signIn.navItems()).toEqual(PUBLIC);
      expect((await signIn.badge()).kind).toBe('public');
    });
  }

  it('refuses a screen the role may not use even when its address is typed in', async () => {
    await session.signIn('JMVC', ['analyst']);
    const app = new AppPage(session.page);
    await app.goto('/reports/new');
    expect(await app.isNotAllowed()).toBe(true);
    expect(await session.page.locator('[data-testid="not-allowed"]').innerText()).toContain('Your role');
    expect(await session.page.getByRole('heading', { name: 'File a report' }).count()).toBe(0);
  });

  it('says so when the password is wrong, and stays signed out', async () => {
    const username = await session.dashboard.createUser('UA', ['liaison']);
    const signIn = new SignInPage(session.page);
    await signIn.open();
    await signIn.fill(username, 'not the password at all');
    await session.page.getByRole('button', { name: 'Sign in' }).click();
    expect(await signIn.error()).toBe('The username or password is not right.');
    expect((await signIn.badge()).kind).toBe('public');
    await signIn.shot('sign-in-rejected');
  });

  it('changes the password from the account screen, which ends the session, and signs in with the new one', async () => {
    const username = await session.dashboard.createUser('UA', ['liaison']);
    const signIn = new SignInPage(session.page);
    await signIn.open();
    await signIn.signIn(username, TEST_PASSWORD);
    const account = new AccountPage(session.page);
    await account.openFromHeader();
    await account.changePassword(TEST_PASSWORD, 'a new passphrase, long', 'a different one, long');
    expect(await account.error()).toBe('The two new passwords differ.');
    await account.changePassword('not my password at all', 'a new passphrase, long');
    expect(await account.error()).toBe('The current password is not right.');
    await account.shot('account-wrong-current');
    await account.changePassword(TEST_PASSWORD, 'a new passphrase, long');
    await session.page.waitForURL('**/sign-in?passwordChanged=1');
    await session.page.getByText('Your password was changed.').waitFor();
    expect((await signIn.badge()).kind).toBe('public');
    await signIn.signIn(username, 'a new passphrase, long');
    expect((await signIn.badge()).organisation).toBe('UA');
  });

  it('keeps the session across a reload and returns to the page asked for', async () => {
    const username = await session.dashboard.createUser('US', ['guarantor']);
    const signIn = new SignInPage(session.page);
    await signIn.goto('/sign-in?next=%2Ftransparency-log');
    await signIn.signIn(username, TEST_PASSWORD);
    await session.page.waitForURL('**/transparency-log');
    await session.page.reload();
    await session.page.locator('[data-testid="current-user"]').waitFor();
    expect((await signIn.badge()).organisation).toBe('US');
    expect(await signIn.heading()).toBe('Transparency log');
  });
});
