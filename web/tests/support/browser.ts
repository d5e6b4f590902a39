/**
 * Chromium for the browser tests: Debian's package driven by playwright-core (test tools cannot
 * download browsers here). Without it the browser tests are skipped with a message, except in CI,
 * where a missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { Role } from '../../../src/access/policy.js';
import { SignInPage } from '../pages/SignInPage.js';
import type { TestAppOptions } from '../../../test/support/app.js';
import { startDashboard, TEST_PASSWORD, type Dashboard } from './server.js';

export { CHROMIUM, launchChromium };

const available = existsSync(CHROMIUM);

if (!available && process.env.CI === 'true') {
  throw new Error(
    `CI=true but there is no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium)`,
  );
}

/** A real browser against a real server: slower than a unit test, most of all on a busy CI machine. */
const BROWSER_TEST_TIMEOUT = 90_000;

/** `describe` for browser tests: skipped, with the reason in the name, when Chromium is not installed. */
export function describeInBrowser(name: string, body: () => void): void {
  if (available) describe(name, { timeout: BROWSER_TEST_TIMEOUT }, body);
  else describe.skip(`${name} [skipped: no Chromium at ${CHROMIUM}; apt-get install -y chromium]`, body);
}

export const LAPTOP = { width: 1366, height: 900 };
export const TABLET = { width: 820, height: 1180 };

/** A fresh context (no cookies) that refuses every address but the test server. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = LAPTOP,
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', timezoneId: 'UTC' });
  await context.route(/.*/, (route) =>
    route.request().url().startsWith(baseURL) ? route.continue() : route.abort('blockedbyclient'),
  );
  return context;
}

/** The dashboard, the browser and this test's page, for the tests of one `describeInBrowser` block. */
export interface BrowserSession {
  readonly dashboard: Dashboard;
  /** A fresh context per test: no cookies carried over from the test before. */
  readonly context: BrowserContext;
  readonly page: Page;
  /** Replaces this test's context and page with fresh ones of another viewport size. */
  reopen(viewport: { width: number; height: number }): Promise<void>;
  /** Creates a user of `organisation` with `roles` and signs in as them; returns the username. */
  signIn(organisation: string, roles: Role[]): Promise<string>;
}

/**
 * Starts a dashboard server (after `prepare` has filled it) and Chromium once for the enclosing
 * block, and gives each test its own context and page (then runs `eachTest`, say to sign in).
 * Call it inside `describeInBrowser`.
 */
export function useDashboardBrowser(
  options: {
    prepare?: (dashboard: Dashboard) => Promise<void>;
    /** Server settings that differ from the test defaults (e.g. an offline basemap archive). */
    app?: TestAppOptions;
    eachTest?: (session: BrowserSession) => Promise<void>;
  } = {},
): BrowserSession {
  let dashboard: Dashboard | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what}: use the session inside a test`);
    return value;
  };
  const open = async (viewport?: { width: number; height: number }) => {
    context = await newContext(
      started(browser, 'browser'),
      started(dashboard, 'dashboard').baseURL,
      viewport,
    );
    page = await context.newPage();
  };
  const session: BrowserSession = {
    get dashboard() {
      return started(dashboard, 'dashboard');
    },
    get context() {
      return started(context, 'browser context');
    },
    get page() {
      return started(page, 'page');
    },
    async reopen(viewport) {
      await context?.close();
      await open(viewport);
    },
    async signIn(organisation, roles) {
      const username = await session.dashboard.createUser(organisation, roles);
      const signIn = new SignInPage(session.page);
      await signIn.open();
      await signIn.signIn(username, TEST_PASSWORD);
      return username;
    },
  };
  beforeAll(async () => {
    dashboard = await startDashboard(options.app);
    await options.prepare?.(dashboard);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });
  beforeEach(async () => {
    await open();
    await options.eachTest?.(session);
  });
  afterEach(() => context?.close());
  return session;
}
