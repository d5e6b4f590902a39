/**
 * The map over more reports than one request holds (issue #19: "the map fetches by viewport and time
 * window so any week can be browsed"): the date range is asked of the server, and when the window
 * does not fit one page the map asks for the reports in view, again on every move; where even the
 * view holds more than a page, the server's counts per grid cell, clicked to zoom in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../../src/cli/runtime.js';
import { importFile } from '../../src/monitoring/import/importer.js';
import { sampleInput } from '../../test/support/app.js';
import { acledFile } from '../../test/support/processes.js';
import { MapPage } from './pages/MapPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';

/** More than the map's page of 5,000, all observed on 20 November 2026. */
const NEWER = 5_050;

describeInBrowser('the map over more reports than one page', () => {
  const session = useDashboardBrowser({
    prepare: async (d) => {
      await d.loadIllustrativeAgreement('GREEN');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-map-window-'));
      try {
        const result = await importFile(
          d.t.services.monitoring.reports,
          CONSOLE_ACTOR,
          acledFile(dir, NEWER),
          {
            format: 'acled',
          },
        );
        if (result.accepted !== NEWER) throw new Error(`import: ${JSON.stringify(result).slice(0, 500)}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      // Three older reports, five days before every imported one.
      const monitor = await d.t.tokenFor('JMVC', ['monitor']);
      for (let i = 0; i < 3; i += 1) {
        const res = await d.t.app.inject({
          method: 'POST',
          url: '/api/v1/reports',
          headers: { authorization: `Bearer ${monitor}` },
          payload: sampleInput({
            observed: { from: `2026-11-15T0${i + 1}:00:00Z`, precision: 'exact', timeZone: 'UTC' },
            narrative: `An older report ${i}.`,
          }),
        });
        if (res.statusCode !== 201) throw new Error(`filing a report failed: ${res.body}`);
      }
    },
    eachTest: async (s) => void (await s.signIn('JMVC', ['analyst'])),
  });

  it(
    'shows any day by asking the server, counts per area where a view holds too many, and draws them all zoomed in',
    { timeout: 180_000 },
    async () => {
      const map = new MapPage(session.page);
      await map.open();
      const truncated = session.page.getByTestId('reports-truncated');
      await truncated.waitFor();
      expect((await map.shownCount()).total).toBe(5_000);

      // An older day: the server answers that day's reports, which the newest 5,000 did not hold.
      await map.openFilters();
      await map.setDates('2026-11-15', '2026-11-15');
      await expect.poll(async () => (await map.shownCount()).total, { timeout: 30_000 }).toBe(3);
      expect(await truncated.count()).toBe(0);
      await map.shot('map-window-older-day');

      // The day of the import: more reports in view than one page, so the map asks the server for its
      // counts per grid cell and draws those instead of the newest 5,000.
      await map.setDates('2026-11-20', '2026-11-20');
      const density = session.page.getByTestId('reports-density');
      await density.waitFor({ timeout: 30_000 });
      const total = Number(await density.getAttribute('data-total'));
      expect(total).toBeGreaterThan(5_000);
      expect(total).toBeLessThanOrEqual(NEWER);
      expect(await truncated.count()).toBe(0);
      await map.shot('map-window-density');
      // Picking the densest area zooms to it, until the view holds no more than a page and every
      // report in it is drawn.
      const inView = session.page.getByTestId('reports-in-view');
      for (let i = 0; i < 8 && !(await inView.isVisible()); i += 1) {
        if (await density.isVisible()) await density.getByRole('button').first().click();
        await session.page.waitForTimeout(1_500);
      }
      await inView.waitFor({ timeout: 30_000 });
      const shown = (await map.shownCount()).total;
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThanOrEqual(5_000);
      await map.shot('map-window-in-view');
    },
  );
});
