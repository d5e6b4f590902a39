import { expect, it } from 'vitest';
import { LogPage } from './pages/LogPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';

describeInBrowser('the transparency log page', () => {
  const session = useDashboardBrowser({
    prepare: async (d) => {
      // The demo organisations and the admin are logged at initialisation; integrate them, then grow
      // the log by an entry an hour so there is a history to draw.
      while ((await d.t.services.ledger.integrateOnce()) > 0);
      for (let hour = 0; hour < 3; hour++) {
        d.t.clock.advance(3_600_000);
        await d.createUser('JMVC', ['observer']);
        while ((await d.t.services.ledger.integrateOnce()) > 0);
      }
    },
  });

  it('shows the current checkpoint, its signatures and the size over time', async () => {
    const log = new LogPage(session.page);
    await log.open();
    const res = await session.dashboard.t.app.inject({ url: '/log/checkpoint' });
    const size = Number(res.body.split('\n')[1]);
    expect(await log.size()).toBe(size);
    expect((await log.signers())[0]).toContain('truceline.test/log');
    expect(await session.page.locator('.chart svg').getAttribute('aria-label')).toMatch(
      /Log size over \d+ checkpoints?/,
    );
    // Ticks on both axes (the count from 0, times of day on the hour), a title on every checkpoint.
    const chart = session.page.getByTestId('size-chart');
    expect(await chart.getByTestId('axis-y').locator('text').first().textContent()).toBe('0');
    const times = await chart.getByTestId('axis-x').locator('text').allTextContents();
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.filter((t) => /^\d\d:00$/.test(t)).length).toBeGreaterThanOrEqual(2);
    expect(await chart.locator('circle.dot title').count()).toBe(await chart.locator('circle.dot').count());
    await log.shot('log');
  });

  it('says in plain words what the log proves, names its origin and gives the audit commands', async () => {
    const log = new LogPage(session.page);
    await log.open();
    const { text, origin, commands } = await log.explainer();
    expect(text).toContain('Every record is committed here when it is made');
    expect(text).toMatch(/Nobody — not a party, not the commission that runs this server — can rewrite/);
    expect(text).toMatch(/Witnesses run by the parties and the guarantors cosign a checkpoint/);
    expect(origin).toBe('truceline.test/log');
    const vkey = (await session.dashboard.t.app.inject({ url: '/log/vkey' })).body.trim();
    const lines = commands.split('\n');
    expect(lines).toContain(`log ${vkey}`);
    expect(lines).toContain(
      `truceline audit ${new URL(session.page.url()).origin}/log/ --policy parties.policy`,
    );
    expect(lines).toContain('truceline log export ./mirror');
    expect(lines).toContain('truceline audit ./mirror --policy parties.policy');
    await session.page.locator('[data-testid="log-explainer"]').scrollIntoViewIfNeeded();
    await log.shot('log-explainer');
  });

  it('looks up an entry, fetches its receipt and checks the inclusion proof in the browser', async () => {
    const log = new LogPage(session.page);
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
    const log = new LogPage(session.page);
    await log.open();
    const res = await session.dashboard.t.app.inject({ url: '/api/v1/log/entries/1/receipt' });
    const lines = res.body.split('\n');
    // Replace the first proof hash with another valid-looking one.
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    expect(await log.checkReceipt(lines.join('\n'))).toContain('does NOT lead');
    await log.shot('log-receipt-tampered');
  });

  it('opens the entry named in the address', async () => {
    const log = new LogPage(session.page);
    await log.open('?entry=1');
    await session.page.locator('[data-testid="log-entry"]').waitFor();
    expect(await session.page.locator('[data-testid="log-entry"] dd').first().innerText()).toBe('1');
  });

  it('follows the address back and forward to the entry it names', async () => {
    const log = new LogPage(session.page);
    await log.open('?entry=1');
    const shown = session.page.locator('[data-testid="log-entry"] dd').first();
    await shown.filter({ hasText: /^1$/ }).waitFor();
    // Another entry of the same screen in the history, as an in-app navigation leaves it.
    await session.page.evaluate(() => window.history.pushState(null, '', '/transparency-log?entry=2'));
    await session.page.goBack();
    await session.page.goForward();
    await shown.filter({ hasText: /^2$/ }).waitFor();
    expect(await session.page.getByLabel('Entry index').first().inputValue()).toBe('2');
  });
});
