import { expect, it } from 'vitest';
import { sampleInput } from '../../test/support/app.js';
import { AppPage } from './pages/AppPage.js';
import { describeInBrowser, LAPTOP, useDashboardBrowser } from './support/browser.js';

const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1280, height: 900 };

/** Whether the page scrolls sideways (it must not, at phone widths). */
const overflows = (app: AppPage) =>
  app.page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describeInBrowser('overview: the landing screen, public and signed in', () => {
  const session = useDashboardBrowser({
    prepare: async (d) => {
      await d.loadIllustrativeAgreement('CLEAR');
      // Reports of the last minutes: two CLEAR (the public sees them), three GREEN (counted only in a band).
      const monitor = await d.t.tokenFor('JMVC', ['monitor']);
      const at = new Date(Date.now() - 60_000).toISOString();
      for (const [i, marking] of ['CLEAR', 'CLEAR', 'GREEN', 'GREEN', 'GREEN'].entries()) {
        const res = await d.t.app.inject({
          method: 'POST',
          url: '/api/v1/reports',
          headers: { authorization: `Bearer ${monitor}` },
          payload: sampleInput({
            marking,
            observed: { from: at, precision: 'exact', timeZone: 'Europe/Kyiv' },
            location: { lon: 38.08 + i * 0.05, lat: 48.36, uncertaintyM: 500 },
            narrative: `Impacts heard, report ${i}.`,
          }),
        });
        if (res.statusCode !== 201) throw new Error(`filing a report failed: ${res.body}`);
      }
      // Their correlation (after the answers) is in place before the page is read.
      await d.t.services.monitoring.reports.settled();
    },
  });

  it('shows the public its landing page with figures, without signing in', { timeout: 120_000 }, async () => {
    const app = new AppPage(session.page);
    await app.goto('/');
    await session.page.getByTestId('overview-tiles').waitFor();
    expect(await app.heading()).toBe('Overview');
    expect((await app.badge()).kind).toBe('public');
    expect(await app.navItems()).toContain('overview');
    // The CLEAR reports exactly; the GREEN ones only as a band below the minimum cell.
    const reports = await session.page.getByTestId('tile-reports').innerText();
    expect(reports).toContain('+ <5 restricted');
    const chart = session.page.getByTestId('overview-chart');
    await chart.locator('svg[role="img"]').waitFor();
    expect(await chart.locator('svg[role="img"]').getAttribute('aria-label')).toMatch(/last 30 days/);
    // A time axis with several dated ticks, a count axis starting at 0, a legend of both series, and
    // a title (tooltip) on each day that says what the table says.
    expect(await chart.getByTestId('axis-x').locator('text').count()).toBeGreaterThanOrEqual(3);
    expect(await chart.getByTestId('axis-x').locator('text').first().textContent()).toMatch(
      /^[A-Z][a-z]{2} \d{1,2}$/,
    );
    expect(await chart.getByTestId('axis-y').locator('text').first().textContent()).toBe('0');
    expect(await chart.getByTestId('chart-legend').locator('li').allInnerTexts()).toEqual([
      'Verified violations',
      'Reports flagged as possible violations (seen)',
    ]);
    expect(await chart.getByTestId('overview-chart-day').count()).toBe(30);
    expect(await chart.getByTestId('overview-chart-day').last().locator('title').textContent()).toMatch(
      /; Reports 2 \(\+<5\)$/,
    );
    expect(await session.page.getByTestId('overview-series-table').locator('tbody tr').count()).toBe(30);
    expect(await session.page.getByTestId('overview-log').innerText()).toContain('Entries');
    expect(await session.page.getByTestId('overview-open').innerText()).toContain('Nothing open');
    await app.shot('overview-public-1280');
    await session.page.getByRole('button', { name: '90 days' }).click();
    await expect
      .poll(() => session.page.getByTestId('overview-series-table').locator('tbody tr').count())
      .toBe(90);
  });

  it('fits a 390 px phone without sideways scrolling (public)', { timeout: 120_000 }, async () => {
    await session.reopen(PHONE);
    const app = new AppPage(session.page);
    await app.goto('/');
    await session.page.getByTestId('overview-tiles').waitFor();
    expect(await overflows(app)).toBe(false);
    await app.shot('overview-public-390');
  });

  it('gives a commission analyst the open incidents, linked', { timeout: 120_000 }, async () => {
    await session.reopen(WIDE);
    await session.signIn('JMVC', ['analyst']);
    const app = new AppPage(session.page);
    await app.goto('/');
    const open = session.page.getByTestId('overview-open');
    await open.getByText(/awaiting verification/).waitFor();
    expect(await open.locator('a[href^="/incidents/"]').count()).toBeGreaterThan(0);
    // The analyst sees all five reports exactly.
    expect(await session.page.getByTestId('tile-reports').locator('.stat-value').innerText()).toBe('5');
    await app.shot('overview-analyst-1280');
    await session.reopen(PHONE);
    await session.signIn('JMVC', ['analyst']);
    const phone = new AppPage(session.page);
    await phone.goto('/');
    await session.page.getByTestId('overview-tiles').waitFor();
    expect(await overflows(phone)).toBe(false);
    await phone.shot('overview-analyst-390');
  });

  it('gives a party liaison its own view: no verification queue', { timeout: 120_000 }, async () => {
    await session.reopen(LAPTOP);
    await session.signIn('RU', ['liaison']);
    const app = new AppPage(session.page);
    await app.goto('/');
    await session.page.getByTestId('overview-tiles').waitFor();
    expect(await session.page.getByTestId('overview-open').innerText()).not.toContain(
      'awaiting verification',
    );
    await app.shot('overview-liaison-1280');
    await session.reopen(PHONE);
    await session.signIn('RU', ['liaison']);
    const phone = new AppPage(session.page);
    await phone.goto('/');
    await session.page.getByTestId('overview-tiles').waitFor();
    expect(await overflows(phone)).toBe(false);
    await phone.shot('overview-liaison-390');
  });
});
