import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { MAX_PLACES, placesIn } from '../../src/server/places.routes.js';
import { emptyPmtilesArchive } from '../../test/support/pmtiles.js';
import { MapPage } from './pages/MapPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';

const WIDE = { width: 1280, height: 800 };
const HORLIVKA = { lon: 38.05, lat: 48.33 };

interface Places {
  features: { properties: { name: string; population: number } }[];
}

describeInBrowser('the basemap at working zoom', () => {
  const session = useDashboardBrowser({ prepare: (d) => d.loadIllustrativeAgreement('CLEAR') });

  /** Files a CLEAR report at Horlivka; its page fits the map to ±0.2° around it (zoom 10). */
  async function reportAtHorlivka(): Promise<string> {
    const token = await session.dashboard.t.tokenFor('JMVC', ['monitor']);
    const res = await session.dashboard.t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        observed: { from: '2026-11-10T05:00:00Z', to: '2026-11-10T05:30:00Z' },
        location: { ...HORLIVKA, uncertaintyM: 500 },
        category: 'armed-clash',
        source: { name: 'Post 7', reliability: 'B' },
        credibility: 2,
        narrative: 'Small-arms fire heard from the post.',
      },
    });
    if (res.statusCode !== 201) throw new Error(`filing failed: ${res.statusCode} ${res.body}`);
    return res.json<{ report: { id: string } }>().report.id;
  }

  /** The report's page fits its small map to the report (zoom 9 and some); the analyst zooms in once, past 10. */
  async function openAtZoom10(id: string): Promise<void> {
    const page = session.page;
    await page.goto(`/reports/${id}`);
    await page.locator('.map-view[data-state="ready"]').waitFor({ timeout: 30_000 });
    for (let i = 0; i < 1; i++) {
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/places')),
        page.getByRole('button', { name: 'Zoom in' }).click(),
      ]);
    }
  }

  it('names villages around Horlivka at zoom 10, from a request for the visible box with no population floor', async () => {
    await session.reopen(WIDE);
    const id = await reportAtHorlivka();
    await session.signIn('JMVC', ['analyst']);
    const page = session.page;
    const answers: { url: URL; places: Places }[] = [];
    page.on('response', (r) => {
      if (!r.url().includes('/api/v1/places')) return;
      void r
        .json()
        .then((places: Places) => answers.push({ url: new URL(r.url()), places }))
        .catch(() => undefined);
    });
    await openAtZoom10(id);
    // The last request is for the settled view at the report (zoom 10): every settlement in the box.
    await expect
      .poll(() => answers.find((a) => a.url.searchParams.get('minPopulation') === '0'), { timeout: 20_000 })
      .toBeDefined()
      .catch((err: unknown) => {
        throw new Error(
          `${(err as Error).message}; places asked: ${answers.map((a) => a.url.search).join(' ')}`,
        );
      });
    const atZoom10 = answers.filter((a) => a.url.searchParams.get('minPopulation') === '0').at(-1)!;
    const [w, s, e, n] = atZoom10.url.searchParams.get('bbox')!.split(',').map(Number) as [
      number,
      number,
      number,
      number,
    ];
    // The box is the view around Horlivka, not the whole region: a light request.
    expect(w < HORLIVKA.lon && HORLIVKA.lon < e && s < HORLIVKA.lat && HORLIVKA.lat < n).toBe(true);
    expect(e - w).toBeLessThan(2);
    const names = atZoom10.places.features.map((f) => f.properties.name);
    expect(names).toContain('Horlivka');
    // Every settlement the gazetteer knows in the view, the smallest included, is named.
    const all = placesIn([w, s, e, n], 0, MAX_PLACES).features.map((f) => f.properties.name);
    expect(names.sort()).toEqual(all.sort());
    expect(
      atZoom10.places.features.some((f) => f.properties.population < 10_000),
      names.join(', '),
    ).toBe(true);
    await new MapPage(page).shot('basemap-horlivka-z10', false);
  });

  it('draws the MGRS grid with labels when its checkbox is ticked, and removes it when unticked', async () => {
    await session.reopen(WIDE);
    const id = await reportAtHorlivka();
    await session.signIn('JMVC', ['analyst']);
    const page = session.page;
    await openAtZoom10(id);
    const view = page.locator('.map-view[data-state="ready"]');
    const canvas = page.locator('.map-view canvas').first();
    const before = await canvas.screenshot();
    const toggle = page.getByRole('checkbox', { name: 'MGRS grid' });
    await toggle.check();
    // At zoom 10: 10 km squares; this small map shows some 40 km × 25 km, so a handful of lines and labels.
    await expect.poll(async () => Number(await view.getAttribute('data-grid-features'))).toBeGreaterThan(5);
    await page.waitForTimeout(500);
    const after = await canvas.screenshot();
    expect(after.equals(before)).toBe(false);
    await new MapPage(page).shot('basemap-mgrs-z10', false);
    await toggle.uncheck();
    await expect.poll(async () => Number(await view.getAttribute('data-grid-features'))).toBe(0);
  });

  it('keeps the countries basemap and asks for no archive when none is configured', async () => {
    const archiveRequests: string[] = [];
    session.page.on('request', (r) => {
      if (r.url().includes('/basemap/tiles.pmtiles')) archiveRequests.push(r.url());
    });
    const map = new MapPage(session.page);
    await map.open();
    expect(await session.page.locator('.map-view').getAttribute('data-basemap')).toBe('countries');
    expect(archiveRequests).toEqual([]);
  });
});

describeInBrowser('the basemap with an operator’s PMTiles archive', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-basemap-web-'));
  const archive = path.join(dir, 'region.pmtiles');
  fs.writeFileSync(archive, emptyPmtilesArchive());
  const session = useDashboardBrowser({
    app: { config: { basemapPmtiles: archive } },
    prepare: (d) => d.loadIllustrativeAgreement('CLEAR'),
  });

  it('reads the archive from this origin by byte ranges, with no CSP violation', async () => {
    await session.reopen(WIDE);
    const page = session.page;
    const ranges: { status: number; range: string | undefined }[] = [];
    const problems: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/basemap/tiles.pmtiles'))
        ranges.push({ status: r.status(), range: r.request().headers().range });
    });
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    const map = new MapPage(page);
    await map.open();
    await expect
      .poll(() => session.page.locator('.map-view').getAttribute('data-basemap'), { timeout: 20_000 })
      .toBe('osm');
    await expect.poll(() => ranges.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(ranges[0]).toMatchObject({ status: 206, range: expect.stringMatching(/^bytes=0-/) as unknown });
    expect(problems).toEqual([]);
    await map.shot('basemap-pmtiles-configured', false);
  });
});
