import { afterEach, beforeEach, expect, it } from 'vitest';
import { fileReport, sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { judgedByDraftOf } from '../../test/support/confidential-draft.js';
import type { ReportView, MapReportView } from './report.view.js';

/**
 * The projection of a full report onto the map's fields, as the stored columns derive them
 * (`reportValues`): each zone hit's band (or zone) then the zones of bands, and flagged when a
 * possible violation is of a restriction rather than of the category's provisions alone.
 */
function projection(r: ReportView): MapReportView {
  const c = r.classification;
  const zones = c.zones.map((z) => z.band ?? z.id);
  for (const z of c.zones) if (z.band !== undefined && !zones.includes(z.id)) zones.push(z.id);
  return {
    id: r.id,
    ...(r.category !== undefined ? { category: r.category } : {}),
    observed: { from: r.observed.from, to: r.observed.to },
    location: { lon: r.location.lon, lat: r.location.lat, uncertaintyM: r.location.uncertaintyM },
    grade: { reliability: r.grade.reliability, credibility: r.grade.credibility },
    zones,
    flagged: c.possibleViolations.some((v) => v.rule !== 'category'),
    ...('redacted' in c ? { redacted: c.redacted } : {}),
  };
}

describeEachDialect('the map’s slim report list (view=map)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  const as = (token: string | undefined) => (token ? { authorization: `Bearer ${token}` } : {});
  const file = (token: string, input: Record<string, unknown>) => fileReport(t, token, input);
  async function get<T>(token: string | undefined, url: string): Promise<T> {
    const res = await t.app.inject({ url, headers: as(token) });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json<T>();
  }
  type Page<R> = { reports: R[]; next?: string };
  /** Every page of a list, following its cursor, with the cursors it gave. */
  async function allPages<R>(
    token: string | undefined,
    query: string,
  ): Promise<{ reports: R[]; cursors: string[] }> {
    const reports: R[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get<Page<R>>(
        token,
        `/api/v1/reports?${query}${cursor !== undefined ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      reports.push(...page.reports);
      cursor = page.next;
      if (cursor !== undefined) cursors.push(cursor);
    } while (cursor !== undefined);
    return { reports, cursors };
  }

  it('answers every kind of reader the projection of its full list: same reports, order, pages and redaction', async () => {
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const monitor = await t.tokenFor('JMVC', ['monitor']);
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const guarantor = await t.tokenFor('US', ['guarantor']);
    const ocha = await t.tokenFor('OCHA', ['humanitarian']);

    const at = (day: number, hour: number) =>
      `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+02:00`;
    // Fire in the DMZ: a possible violation of a restriction (flagged), not only of the category.
    const inDmz = { lon: 37.95, lat: 48.55, uncertaintyM: 300 };
    const ids: Record<string, string> = {};
    ids.clear = await file(
      analyst,
      sampleInput({ marking: 'CLEAR', location: inDmz, observed: { from: at(20, 10) } }),
    );
    ids.green = await file(monitor, sampleInput({ marking: 'GREEN', observed: { from: at(20, 11) } }));
    ids.amber = await file(monitor, sampleInput({ marking: 'AMBER', observed: { from: at(20, 12) } }));
    ids.uaOwn = await file(
      ua,
      sampleInput({
        marking: 'AMBER',
        observed: { from: at(20, 13), to: at(21, 9) },
        location: { lon: 38.2, lat: 48.5, uncertaintyM: 2000 },
        source: { name: 'UA outlet', reliability: 'A' },
        credibility: 1,
      }),
    );
    ids.ruOwn = await file(ru, sampleInput({ marking: 'AMBER', observed: { from: at(20, 14) } }));
    ids.ruStrict = await file(ru, sampleInput({ marking: 'AMBER+STRICT', observed: { from: at(20, 15) } }));
    ids.uaAddressed = await file(
      ru,
      sampleInput({
        marking: 'AMBER',
        addressees: { organisations: ['UA'] },
        observed: { from: at(20, 16) },
      }),
    );
    ids.red = await file(analyst, sampleInput({ marking: 'RED', observed: { from: at(20, 17) } }));
    // Judged by a UA draft nobody else may read: one category mapped from an SMM code by the draft's
    // taxonomy, one the submitter gave itself.
    const { filed } = await judgedByDraftOf(t, ua, async () => ({
      mapped: await file(
        analyst,
        sampleInput({ marking: 'CLEAR', location: inDmz, observed: { from: at(20, 18) } }),
      ),
      given: await file(
        analyst,
        sampleInput({
          marking: 'CLEAR',
          smm: undefined,
          category: 'armed-clash',
          observed: { from: at(20, 19) },
        }),
      ),
    }));
    ids.draftMapped = filed.mapped;
    ids.draftGiven = filed.given;
    await t.services.monitoring.reports.settled();

    const readers: Record<string, string | undefined> = {
      analyst,
      monitor,
      ua,
      ru,
      guarantor,
      anonymous: undefined,
    };
    const seen: Record<string, MapReportView[]> = {};
    for (const [name, token] of Object.entries(readers))
      for (const query of [
        'limit=3',
        'limit=4&sort=grade',
        'limit=2&from=2026-11-20T09:30:00Z&bbox=38,48.3,38.1,48.4',
      ]) {
        const full = await allPages<ReportView>(token, query);
        const slim = await allPages<MapReportView>(token, `${query}&view=map`);
        expect(slim.reports, `${name} ${query}`).toEqual(full.reports.map(projection));
        expect(slim.cursors, `${name} ${query}`).toEqual(full.cursors);
        if (query === 'limit=3') seen[name] = slim.reports;
      }

    // A humanitarian organisation reads no reports, slim or full.
    for (const url of ['/api/v1/reports', '/api/v1/reports?view=map'])
      expect((await t.app.inject({ url, headers: as(ocha) })).statusCode, url).toBe(403);

    const idsOf = (name: string) => new Set(seen[name]!.map((r) => r.id));
    // Nothing above CLEAR reaches the public; another organisation's AMBER reports stay away.
    expect([...idsOf('anonymous')].sort()).toEqual([ids.clear, ids.draftMapped, ids.draftGiven].sort());
    expect(idsOf('ua')).toContain(ids.uaOwn);
    expect(idsOf('ua')).toContain(ids.uaAddressed);
    for (const hidden of [ids.ruOwn, ids.ruStrict, ids.amber, ids.red])
      expect(idsOf('ua')).not.toContain(hidden);
    for (const hidden of [ids.uaOwn, ids.ruOwn, ids.ruStrict, ids.amber, ids.red, ids.uaAddressed])
      expect(idsOf('guarantor')).not.toContain(hidden);
    expect(idsOf('ru')).not.toContain(ids.uaOwn);
    // The draft's classification: its owner reads it, no one else learns its zones, flag or mapped category.
    const of = (name: string, id: string | undefined) => seen[name]!.find((r) => r.id === id);
    expect(of('ua', ids.draftMapped)?.zones.length).toBeGreaterThan(0);
    expect(of('ua', ids.draftMapped)?.flagged).toBe(true);
    expect(of('ua', ids.draftMapped)?.category).toBeDefined();
    for (const name of ['ru', 'analyst', 'guarantor', 'anonymous']) {
      expect(of(name, ids.draftMapped), name).toMatchObject({ zones: [], flagged: false });
      expect(of(name, ids.draftMapped)?.category, name).toBeUndefined();
      // A category the submitter gave is part of what it filed, and stays.
      expect(of(name, ids.draftGiven)?.category, name).toBe('armed-clash');
    }
    // The version every organisation reads is GREEN: its classification is there for every
    // signed-in reader, and kept from the anonymous public as in the full report.
    for (const name of ['analyst', 'monitor', 'ua', 'ru', 'guarantor'])
      expect(of(name, ids.clear), name).toMatchObject({ flagged: true, category: 'cfv-explosion' });
    expect(of('analyst', ids.clear)?.zones).toContain('dmz');
    expect(of('anonymous', ids.clear)).toMatchObject({ zones: [], flagged: false });
    expect(of('anonymous', ids.clear)?.category).toBeUndefined();
  });

  it('counts per grid cell (view=density) exactly the reports each reader’s list holds, filters and all', async () => {
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const ua = await t.tokenFor('UA', ['liaison']);
    const guarantor = await t.tokenFor('US', ['guarantor']);
    const spots = [
      [38.08, 48.36],
      [38.12, 48.31],
      [37.95, 48.55],
      [37.31, 47.92],
    ] as const;
    const markings = ['CLEAR', 'GREEN', 'AMBER', 'AMBER', 'RED'];
    let n = 0;
    for (const [token, count] of [
      [analyst, 9],
      [ua, 5],
    ] as const)
      for (let i = 0; i < count; i += 1, n += 1) {
        const [lon, lat] = spots[n % spots.length]!;
        await file(
          token,
          sampleInput({
            marking: markings[n % markings.length],
            location: { lon, lat, uncertaintyM: 200 },
            observed: { from: `2026-11-${String(18 + (n % 4)).padStart(2, '0')}T08:00:00Z` },
          }),
        );
      }
    await t.services.monitoring.reports.settled();
    const cell = 0.1;
    // Density is asked for a window (required): the whole month, then two days of it.
    const month = '&from=2026-11-01T00:00:00Z&to=2026-11-30T23:59:59Z';
    for (const [name, token] of Object.entries({ analyst, ua, guarantor, anonymous: undefined }))
      for (const query of [
        month,
        '&from=2026-11-19T00:00:00Z&to=2026-11-20T23:59:59Z',
        `${month}&bbox=38,48.2,38.2,48.4`,
      ]) {
        const full = await allPages<ReportView>(token, `limit=5000${query}`);
        const expected = new Map<string, number>();
        for (const r of full.reports) {
          const key = `${Math.floor((r.location.lon + 180) / cell)},${Math.floor((r.location.lat + 90) / cell)}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        const density = await get<{
          cell: number;
          total: number;
          cells: { lon: number; lat: number; count: number }[];
        }>(token, `/api/v1/reports?view=density&cell=${cell}${query}`);
        expect(density.total, `${name} ${query}`).toBe(full.reports.length);
        const got = new Map(
          density.cells.map((c) => [
            `${Math.round((c.lon + 180) / cell)},${Math.round((c.lat + 90) / cell)}`,
            c.count,
          ]),
        );
        expect(got, `${name} ${query}`).toEqual(expected);
      }
    // Cells are where the reports are: the one holding 38.08, 48.36 has its south-west corner at 38.0, 48.3.
    const all = await get<{ cells: { lon: number; lat: number; count: number }[] }>(
      analyst,
      `/api/v1/reports?view=density&cell=${cell}${month}&bbox=38.05,48.33,38.1,48.4`,
    );
    expect(all.cells).toEqual([{ lon: 38, lat: 48.3, count: expect.any(Number) }]);
  });

  it('asks view=density for its cell and a window, and takes cell with view=density only', async () => {
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const week = 'from=2026-11-18T00:00:00Z&to=2026-11-24T23:59:59Z';
    for (const [url, path] of [
      [`/api/v1/reports?view=density&${week}`, '/querystring/cell'],
      [`/api/v1/reports?view=density&cell=0.1&${week}&cursor=abc`, '/querystring/cursor'],
      ['/api/v1/reports?view=density&cell=0.1', '/querystring/from'],
      ['/api/v1/reports?view=density&cell=0.1&from=2026-11-18T00:00:00Z', '/querystring/to'],
      ['/api/v1/reports?view=density&cell=0.1&to=2026-11-24T23:59:59Z', '/querystring/from'],
      ['/api/v1/reports?view=map&cell=0.1', '/querystring/cell'],
      ['/api/v1/reports?view=density&cell=0', '/querystring/cell'],
    ] as const) {
      const res = await t.app.inject({ url, headers: as(analyst) });
      expect(res.statusCode, url).toBe(422);
      expect(res.body, url).toContain(path);
    }
  });

  it('rejects view=map with format=geojson, naming the parameter', async () => {
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const res = await t.app.inject({ url: '/api/v1/reports?view=map&format=geojson', headers: as(analyst) });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('/querystring/format');
  });
});
