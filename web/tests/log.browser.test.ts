import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { LogPage } from './pages/LogPage.js';
import { describeInBrowser, launchChromium, newContext } from './support/browser.js';
import { startDashboard, type Dashboard } from './support/server.js';

describeInBrowser('the transparency log page', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    dashboard = await startDashboard();
    // The demo organisations and the admin are logged at initialisation; integrate them, then grow
    // the log by an entry an hour so there is a history to draw.
    while ((await dashboard.t.services.ledger.integrateOnce()) > 0);
    for (let hour = 0; hour < 3; hour++) {
      dashboard.t.clock.advance(3_600_000);
      await dashboard.createUser('JMVC', ['observer']);
      while ((await dashboard.t.services.ledger.integrateOnce()) > 0);
    }
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });
  beforeEach(async () => {
    context = await newContext(browser, dashboard.baseURL);
    page = await context.newPage();
  });
  afterEach(() => context.close());

  it('shows the current checkpoint, its signatures and the size over time', async () => {
    const log = new LogPage(page);
    await log.open();
    const res = await dashboard.t.app.inject({ url: '/log/checkpoint' });
    const size = Number(res.body.split('\n')[1]);
    expect(await log.size()).toBe(size);
    expect((await log.signers())[0]).toContain('truceline.test/log');
    expect(await page.locator('.chart svg').getAttribute('aria-label')).toMatch(
      /Log size over \d+ checkpoints?/,
    );
    await log.shot('log');
  });

  it('looks up an entry, fetches its receipt and checks the inclusion proof in the browser', async () => {
    const log = new LogPage(page);
    await log.open();
    await log.lookUp(0);
    expect(await log.entryKind()).toMatch(/^organisation\./);
    const receipt = await log.getReceipt();
    expect(receipt.startsWith('c2sp.org/tlog-proof@v1\nindex 0\n')).toBe(true);
    expect(await log.receiptVerdict()).toContain('leads to the root hash');
    await log.shot('log-entry');

    expect(await log.checkReceipt(receipt)).toContain('leads to the root hash');
  });

  it('catches a receipt whose proof was tampered with', async () => {
    const log = new LogPage(page);
    await log.open();
    const res = await dashboard.t.app.inject({ url: '/api/v1/log/entries/1/receipt' });
    const lines = res.body.split('\n');
    // Replace the first proof hash with another valid-looking one.
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    expect(await log.checkReceipt(lines.join('\n'))).toContain('does NOT lead');
    await log.shot('log-receipt-tampered');
  });

  it('opens the entry named in the address', async () => {
    const log = new LogPage(page);
    await log.open('?entry=1');
    await page.locator('[data-testid="log-entry"]').waitFor();
    expect(await page.locator('[data-testid="log-entry"] dd').first().innerText()).toBe('1');
  });
});
