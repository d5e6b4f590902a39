import { expect, it } from 'vitest';
import { sampleInput } from '../../test/support/app.js';
import { callerFor } from '../../test/support/verification.js';
import { AppPage } from './pages/AppPage.js';
import { MapPage } from './pages/MapPage.js';
import type { Page } from 'playwright-core';
import { describeInBrowser, LAPTOP, useDashboardBrowser } from './support/browser.js';

/** Resolves when the page's event stream (EventSource) has been answered. */
function streamOpened(page: Page): Promise<unknown> {
  return page.waitForResponse(
    (r) =>
      r.url().includes('/api/v1/events') &&
      (r.request().headers()['accept'] ?? '').includes('text/event-stream'),
    { timeout: 15_000 },
  );
}

/** Reports submitted through the API while a screen is open, a day before the real clock's now. */
function recentReport(marking: 'AMBER' | 'CLEAR', narrative: string, extra: Record<string, unknown> = {}) {
  const from = new Date(Date.now() - 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return sampleInput({
    marking,
    narrative,
    observed: { from, precision: 'exact', timeZone: 'UTC' },
    ...extra,
  });
}

describeInBrowser('live updates over the event stream', () => {
  const session = useDashboardBrowser({ prepare: (d) => d.loadIllustrativeAgreement('GREEN') });

  it('a report posted through the API appears on the open reports screen without a reload', async () => {
    const { t } = session.dashboard;
    await session.signIn('UA', ['liaison']);
    const screen = new AppPage(session.page);
    // The stream is open before the report is posted (the page learns the newest id, then connects).
    let streaming = streamOpened(session.page);
    await screen.goto('/reports');
    await session.page.locator('[data-testid="no-reports"]').waitFor();
    await streaming;
    let navigations = 0;
    session.page.on('framenavigated', () => (navigations += 1));

    const monitor = callerFor(t, await t.tokenFor('UA', ['monitor'], 'live-ua-monitor'));
    const posted = await monitor('POST', '/api/v1/reports', recentReport('AMBER', 'Two impacts, seen live.'));
    expect(posted.status, JSON.stringify(posted.json)).toBe(201);
    const id = (posted.json as { report: { id: string } }).report.id;

    const rows = session.page.locator('[data-testid="reports-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().locator('a').getAttribute('href')).toBe(`/reports/${id}`);
    expect(navigations).toBe(0);
    await screen.shot('live-report-appeared');

    // RU's open screen hears nothing of UA's AMBER report: a CLEAR one it does see arrives alone.
    await session.reopen(LAPTOP);
    await session.signIn('RU', ['liaison']);
    const ruScreen = new AppPage(session.page);
    streaming = streamOpened(session.page);
    await ruScreen.goto('/reports');
    await session.page.locator('[data-testid="no-reports"]').waitFor();
    await streaming;
    const clear = await monitor('POST', '/api/v1/reports', recentReport('CLEAR', 'Open-source video.'));
    expect(clear.status).toBe(201);
    const ruRows = session.page.locator('[data-testid="reports-table"] tbody tr');
    await expect.poll(() => ruRows.count(), { timeout: 15_000 }).toBe(1);
    const clearId = (clear.json as { report: { id: string } }).report.id;
    expect(await ruRows.first().locator('a').getAttribute('href')).toBe(`/reports/${clearId}`);
  });

  it('the map counts a new report and the incident it opens without a reload', async () => {
    const { t } = session.dashboard;
    await session.signIn('JMVC', ['analyst']);
    const map = new MapPage(session.page);
    const streaming = streamOpened(session.page);
    // The panel's counts are what this test reads: it does not wait for MapLibre to draw.
    await map.goto('/map');
    await session.page.locator('[data-testid="reports-shown"]').waitFor();
    await streaming;
    const before = await map.shownCount();
    const incidents = session.page.locator('[data-testid="incidents-shown"]');
    const incidentsBefore = Number(await incidents.getAttribute('data-total'));

    const monitor = callerFor(t, await t.tokenFor('UA', ['monitor'], 'live-map-monitor'));
    const posted = await monitor(
      'POST',
      '/api/v1/reports',
      recentReport('CLEAR', 'Shelling seen from the post.', {
        // Far from the first test's reports: a new incident, not one they opened.
        location: { lon: 37.55, lat: 47.1, uncertaintyM: 300 },
      }),
    );
    expect(posted.status, JSON.stringify(posted.json)).toBe(201);

    await expect.poll(async () => (await map.shownCount()).total, { timeout: 15_000 }).toBe(before.total + 1);
    await expect
      .poll(async () => Number(await incidents.getAttribute('data-total')), { timeout: 15_000 })
      .toBe(incidentsBefore + 1);
    await map.shot('live-map-updated');
  });

  it('the public, not signed in, sees a new CLEAR report on the overview and the reports list without a reload', async () => {
    const { t } = session.dashboard;
    await session.reopen(LAPTOP);
    const app = new AppPage(session.page);
    let streaming = streamOpened(session.page);
    await app.goto('/');
    const tile = session.page.getByTestId('tile-reports').locator('.stat-value');
    await tile.waitFor();
    expect((await app.badge()).kind).toBe('public');
    await streaming;
    const before = Number((await tile.innerText()).replace(/\D/g, ''));
    let navigations = 0;
    session.page.on('framenavigated', () => (navigations += 1));

    // An AMBER report is the parties' business: the public's figures move only for the CLEAR one.
    const monitor = callerFor(t, await t.tokenFor('UA', ['monitor'], 'live-public-monitor'));
    const now = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const observed = { from: now, precision: 'exact', timeZone: 'Europe/Kyiv' };
    const amber = await monitor(
      'POST',
      '/api/v1/reports',
      recentReport('AMBER', 'Not for the public.', { observed }),
    );
    expect(amber.status).toBe(201);
    const clear = await monitor(
      'POST',
      '/api/v1/reports',
      recentReport('CLEAR', 'Seen by the public.', { observed }),
    );
    expect(clear.status).toBe(201);
    await expect
      .poll(async () => Number((await tile.innerText()).replace(/\D/g, '')), { timeout: 15_000 })
      .toBe(before + 1);
    expect(navigations).toBe(0);
    await app.shot('live-public-overview');

    // The public reports list: the CLEAR report arrives, never the AMBER one.
    streaming = streamOpened(session.page);
    await app.goto('/reports');
    const rows = session.page.locator('[data-testid="reports-table"] tbody tr');
    await rows.first().waitFor();
    await streaming;
    const listed = await rows.count();
    const another = await monitor(
      'POST',
      '/api/v1/reports',
      recentReport('CLEAR', 'Seen again.', { observed }),
    );
    expect(another.status).toBe(201);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(listed + 1);
    const hrefs = await rows.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    const amberId = (amber.json as { report: { id: string } }).report.id;
    expect(hrefs).not.toContain(`/reports/${amberId}`);
  });
});
