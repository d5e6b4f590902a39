import { expect, it } from 'vitest';
import { MapPage } from './pages/MapPage.js';
import { describeInBrowser, TABLET, useDashboardBrowser } from './support/browser.js';

describeInBrowser('the map', () => {
  const session = useDashboardBrowser({
    prepare: (d) => d.loadIllustrativeAgreement('CLEAR'),
  });

  async function signInAs(organisation: string, role: 'monitor' | 'analyst' | 'observer'): Promise<MapPage> {
    await session.signIn(organisation, [role]);
    return new MapPage(session.page);
  }

  it('draws the offline basemap and labels settlements from the server’s gazetteer, asking nothing outside', async () => {
    const outside: string[] = [];
    session.page.on('request', (r) => {
      if (!r.url().startsWith(session.dashboard.baseURL) && !/^(data|blob):/.test(r.url()))
        outside.push(r.url());
    });
    const map = new MapPage(session.page);
    const places = map.nextPlaces();
    await map.open();
    const names = (await places).features.map((f) => f.properties.name);
    // The view opens on the agreement's region (southern and eastern Ukraine).
    expect(names).toEqual(expect.arrayContaining(['Kharkiv', 'Dnipro']));
    expect(outside).toEqual([]);
    await map.shot('map-anonymous', false);
  });

  it('filters reports by category, source grade and dates, and clears the filters', async () => {
    const map = await signInAs('JMVC', 'analyst');
    await map.open();
    await map.openFilters();
    expect(await map.categoryNames()).toEqual(
      expect.arrayContaining(['Armed clash', 'Air or drone strike', 'Heavy weapons in a restricted zone']),
    );
    expect(await map.shownCount()).toEqual({ shown: 0, total: 0 });
    expect(await session.page.locator('[data-testid="no-reports"]').innerText()).toContain('No reports yet.');
    expect(await map.timeSliderDisabled()).toBe(true);

    await map.tickCategory('Armed clash');
    await map.tickReliability('B');
    await map.setDates('2026-01-01', '2026-01-31');
    expect(await map.activeFilters()).toBe('3 active');
    await map.shot('map-filters', false);

    await map.clearFilters();
    expect(await map.activeFilters()).toBeNull();
    expect(await session.page.getByRole('checkbox', { name: 'Armed clash', exact: true }).isChecked()).toBe(
      false,
    );
  });

  it('filters filed reports by category, source grade, dates and the time slider, and shows one on click', async () => {
    const token = await session.dashboard.t.tokenFor('JMVC', ['monitor']);
    const file = async (day: number, category: string, reliability: string, lon: number, lat: number) => {
      const res = await session.dashboard.t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          observed: { from: `2026-11-${day}T05:00:00Z`, to: `2026-11-${day}T05:30:00Z` },
          location: { lon, lat, uncertaintyM: 2000 },
          category,
          source: { name: `Post ${day}`, reliability },
          credibility: 2,
          narrative: 'Impacts observed from the post.',
        },
      });
      if (res.statusCode !== 201) throw new Error(`filing failed: ${res.statusCode} ${res.body}`);
    };
    await file(10, 'armed-clash', 'B', 37.6, 48.3);
    await file(15, 'cfv-explosion', 'C', 37.3, 48.0);
    await file(20, 'cfv-explosion', 'B', 36.3, 47.7);

    const map = await signInAs('JMVC', 'analyst');
    const asked: string[] = [];
    session.page.on('request', (r) => {
      if (r.url().includes('/api/v1/reports'))
        asked.push(new URL(r.url()).pathname + new URL(r.url()).search);
    });
    await map.open();
    await expect.poll(() => map.shownCount()).toEqual({ shown: 3, total: 3 });
    // The map asks only for what it draws and filters on; no full report until one is selected.
    expect(asked.length).toBeGreaterThan(0);
    for (const url of asked) expect(url).toMatch(/^\/api\/v1\/reports\?.*view=map/);
    await map.openFilters();
    await map.tickCategory('Armed clash');
    expect(await map.shownCount()).toEqual({ shown: 1, total: 3 });
    await map.clearFilters();
    await map.tickReliability('B');
    expect(await map.shownCount()).toEqual({ shown: 2, total: 3 });
    await map.clearFilters();
    // Dates are asked of the server: the total is then the reports of those dates.
    await map.setDates('2026-11-12', '2026-11-30');
    await expect.poll(() => map.shownCount()).toEqual({ shown: 2, total: 2 });
    await map.clearFilters();
    await expect.poll(() => map.shownCount()).toEqual({ shown: 3, total: 3 });
    await map.slideTime('Home');
    expect(await map.shownCount()).toEqual({ shown: 1, total: 3 });
    await map.slideTime('End');
    expect(await map.shownCount()).toEqual({ shown: 3, total: 3 });
    await map.slideTime('Home');
    await map.shot('map-reports-filtered', false);
    await map.clearFilters();

    asked.length = 0;
    await map.selectFirstReport();
    // The selection is the full report, fetched by its id: its nearest place is not in the map's list.
    const selected = session.page.locator('[data-testid="map-selection"]');
    await expect.poll(() => selected.innerText()).toMatch(/Explosion[\s\S]* km [NESW]+ of /);
    expect(asked.some((url) => /^\/api\/v1\/reports\/[^/?]+$/.test(url))).toBe(true);
    await map.shot('map-report-selected', false);
  });

  it('offers the agreement’s zones in the legend and the zone filter', async () => {
    const map = await signInAs('UA', 'observer');
    await map.open();
    await session.page.locator('[data-testid="legend"]').waitFor();
    const legend = await map.legendNames();
    expect(legend).toEqual(expect.arrayContaining(['Demilitarised band']));
    await session.page.locator('[data-legend-id="dmz"] input').uncheck();
    expect(await session.page.locator('[data-legend-id="dmz"] input').isChecked()).toBe(false);
    await map.shot('map-zones', false);
  });

  it('tells a role without access to reports that the map shows no reports', async () => {
    const map = await signInAs('PUBLIC', 'observer');
    await map.open();
    expect(await session.page.locator('[data-testid="reports-not-in-view"]').isVisible()).toBe(true);
    expect(await session.page.getByRole('form', { name: 'Filters' }).count()).toBe(0);
  });

  it('stacks the map above its panel on a tablet', async () => {
    await session.reopen(TABLET);
    const map = await signInAs('JMVC', 'monitor');
    await map.open();
    const mapBox = await session.page.locator('.map-main').boundingBox();
    const panelBox = await session.page.locator('.map-panel').boundingBox();
    expect(mapBox!.width).toBeGreaterThan(TABLET.width - 40);
    expect(panelBox!.y).toBeGreaterThanOrEqual(mapBox!.y + mapBox!.height - 1);
    await map.shot('map-tablet', false);
  });
});
