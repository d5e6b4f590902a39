/**
 * Chromium for the browser tests: Debian's package driven by playwright-core (test tools cannot
 * download browsers here). Without it the browser tests are skipped with a message, except in CI,
 * where a missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { describe } from 'vitest';

export const CHROMIUM = process.env.TRUCELINE_CHROMIUM ?? '/usr/bin/chromium';
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

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
      // WebGL for MapLibre on the software rasteriser (there is no GPU in CI).
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
    ],
  });
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
