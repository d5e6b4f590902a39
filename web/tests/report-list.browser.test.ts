/**
 * The reports list over more reports than one page (issue #19: "the Reports list pages, filters and
 * sorts"): the server filters and sorts, the list pages with its cursor, and any day can be listed
 * however many newer reports there are.
 */
import { expect, it } from 'vitest';
import { sampleInput } from '../../test/support/app.js';
import { AppPage } from './pages/AppPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';

/** 130 reports two hours apart from 21 November 2026 00:00 UTC; every third a muzzle flash. */
const SEEDED = 130;
const START = Date.parse('2026-11-21T00:00:00Z');
const observedAt = (i: number) => new Date(START + i * 2 * 3600_000).toISOString();
const isFlash = (i: number) => i % 3 === 0;

describeInBrowser('the reports list pages, filters and sorts on the server', () => {
  const session = useDashboardBrowser({
    prepare: async (d) => {
      await d.loadIllustrativeAgreement('GREEN');
      const monitor = await d.t.tokenFor('JMVC', ['monitor']);
      const reports = Array.from({ length: SEEDED }, (_, i) =>
        sampleInput({
          observed: { from: observedAt(i), precision: 'exact', timeZone: 'UTC' },
          smm: isFlash(i) ? 'muzzle_flash' : 'explosion_impact',
          narrative: `Seeded report ${i}.`,
          location: { lon: 38.0 + (i % 10) * 0.01, lat: 48.3, uncertaintyM: 500 },
        }),
      );
      const res = await d.t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${monitor}` },
        payload: { reports },
      });
      if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`seeding failed: ${res.body}`);
    },
    eachTest: async (s) => void (await s.signIn('JMVC', ['analyst'])),
  });

  const rows = () => session.page.locator('[data-testid="reports-table"] tbody tr');
  const range = () => session.page.getByTestId('reports-range').innerText();
  const firstObserved = async () => (await rows().first().locator('td').first().innerText()).trim();

  it('shows 100 reports a page, newest first, and pages on with the cursor and back', async () => {
    const app = new AppPage(session.page);
    await app.goto('/reports');
    await rows().first().waitFor();
    expect(await rows().count()).toBe(100);
    expect(await range()).toBe('Reports 1–100');
    const newest = await firstObserved();
    await session.page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(range).toBe('Reports 101–130');
    expect(await rows().count()).toBe(SEEDED - 100);
    expect(await session.page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await app.shot('reports-list-page-2');
    await session.page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(range).toBe('Reports 1–100');
    expect(await firstObserved()).toBe(newest);
  });

  it('lists one day and one category by asking the server, and sorts oldest first', async () => {
    const app = new AppPage(session.page);
    await app.goto('/reports');
    await rows().first().waitFor();
    // 22 November: reports 12–23, of which 12, 15, 18 and 21 are muzzle flashes.
    await session.page.getByLabel('From (UTC)').fill('2026-11-22');
    await session.page.getByLabel('To (UTC)').fill('2026-11-22');
    await expect.poll(() => rows().count()).toBe(12);
    expect(await session.page.getByTestId('reports-pager').count()).toBe(0);
    await session.page.getByLabel('Category').selectOption({ label: 'Muzzle flash' });
    await expect.poll(() => rows().count()).toBe(4);
    for (const cell of await rows().locator('td:nth-child(2)').allInnerTexts())
      expect(cell).toBe('Muzzle flash');
    // The oldest day, sorted oldest first: the first report ever seeded heads the list.
    await session.page.getByRole('button', { name: 'Clear filters' }).click();
    await session.page.getByLabel('Order').selectOption('observed');
    await expect.poll(() => range()).toBe('Reports 1–100');
    await expect.poll(firstObserved).toBe('Nov 21, 2026, 00:00 UTC');
    // A day with nothing observed says so, and changes nothing else.
    await session.page.getByLabel('From (UTC)').fill('2026-10-01');
    await session.page.getByLabel('To (UTC)').fill('2026-10-02');
    await session.page.getByTestId('no-reports').waitFor();
    expect(await session.page.getByTestId('no-reports').innerText()).toContain('matches these filters');
    await app.shot('reports-list-filtered-empty');
  });
});
