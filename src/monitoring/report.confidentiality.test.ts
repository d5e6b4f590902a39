import { afterEach, beforeEach, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { consoleActor } from '../access/audit.service.js';
import { decodeEntryBundle, entriesPath, TILE_WIDTH } from '../ledger/tiles.js';
import type { Classification } from './report.model.js';

describeEachDialect('what a report reveals to whom', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  const as = (token: string | undefined) => (token ? { authorization: `Bearer ${token}` } : {});
  async function file(token: string, input: Record<string, unknown>): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: as(token),
      payload: input,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ report: { id: string } }>().report.id;
  }
  /** The report as the reader gets it from the detail, the list and the GeoJSON list, as text. */
  async function readAll(token: string, id: string): Promise<string[]> {
    const urls = [`/api/v1/reports/${id}`, '/api/v1/reports', '/api/v1/reports?format=geojson'];
    const out: string[] = [];
    for (const url of urls) {
      const res = await t.app.inject({ url, headers: as(token) });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain(id);
      out.push(res.body);
    }
    return out;
  }
  /** Every public entry bundle's bytes, as a mirror fetches them. */
  async function mirror(): Promise<string> {
    while ((await t.services.ledger.integrateOnce()) > 0);
    const size = t.services.ledger.reader.size;
    let bytes = '';
    for (let index = 0; index * TILE_WIDTH < size; index += 1) {
      const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
      const res = await t.app.inject({ url: `/log/${entriesPath(index, width)}` });
      expect(res.statusCode).toBe(200);
      for (const data of decodeEntryBundle(res.rawPayload, width)) bytes += `${data.toString()}\n`;
    }
    return bytes;
  }

  it('shows a source to its report’s owner and the commission’s analysts only (security A3: source identity leaks)', async () => {
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const source = { name: 'Informant Zeta', reliability: 'B', independenceGroup: 'cell-zeta' };
    const addressed = await file(analyst, sampleInput({ source, addressees: { organisations: ['UA'] } }));
    const clear = await file(analyst, sampleInput({ source, marking: 'CLEAR', externalId: 'c-1' }));
    const [registered] = await t.services.monitoring.reports.listSources();
    const secrets = ['Informant Zeta', 'cell-zeta', registered?.id ?? 'missing'];

    // The party addressed a commission report, and another party reading a CLEAR one.
    for (const [token, id] of [
      [ua, addressed],
      [ru, clear],
    ] as const)
      for (const body of await readAll(token, id)) for (const s of secrets) expect(body).not.toContain(s);
    // Filtering by the source's id tells another organisation nothing either.
    const probe = await t.app.inject({ url: `/api/v1/reports?source=${registered?.id}`, headers: as(ru) });
    expect(probe.json<{ reports: unknown[] }>().reports).toEqual([]);
    // The report's grade stays readable; the commission's analyst sees the source.
    const seen = await t.app.inject({ url: `/api/v1/reports/${addressed}`, headers: as(ua) });
    expect(seen.json()).toMatchObject({ grade: { reliability: 'B', credibility: 2 } });
    const full = await t.app.inject({ url: `/api/v1/reports/${addressed}`, headers: as(analyst) });
    expect(full.json()).toMatchObject({ source: { id: registered?.id, name: 'Informant Zeta' } });
  });

  it('shows a party’s own source as it named it, never the registered name or grade behind it (security A3: source identity leaks)', async () => {
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const ua = await t.tokenFor('UA', ['monitor']);
    await file(analyst, sampleInput({ source: { name: 'Informant Zeta', reliability: 'A' } }));
    const [registered] = await t.services.monitoring.reports.listSources();
    // The party names the source by its id and claims no grade: the report may not tell it the name or the grade A.
    const own = await file(ua, sampleInput({ source: { id: registered?.id }, externalId: 'u-1' }));
    const res = await t.app.inject({ url: `/api/v1/reports/${own}`, headers: as(ua) });
    expect(res.body).not.toContain('Informant Zeta');
    expect(res.json()).toMatchObject({ source: { id: registered?.id } });
    expect(res.json<{ grade: Record<string, unknown> }>().grade.claimed).toBeUndefined();
  });

  it('keeps the classification against a party’s AMBER+STRICT draft from other parties, the commission and the log (security A2: confidential agreement text leaks)', async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const owner = consoleActor(await t.services.sessions.principalFromToken(ua));
    const draft = await t.services.agreements.load(owner, {
      text: illustrativeAgreementText().replace(/^version: 3$/m, 'version: 4'),
      fileName: 'draft.yaml',
      marking: 'AMBER+STRICT',
    });
    const id = await file(analyst, sampleInput({ marking: 'CLEAR' }));

    // The draft's owner sees what the report was judged by.
    const mine = await t.app.inject({ url: `/api/v1/reports/${id}`, headers: as(ua) });
    const c = mine.json<{ classification: Classification }>().classification;
    expect(c.agreementVersionId).toBe(draft.version.id);
    expect(c.zones.length).toBeGreaterThan(0);
    const secrets = [
      draft.version.id,
      ...c.zones.flatMap((z) => [z.id, z.name, ...(z.band !== undefined ? [z.band] : [])]),
      ...c.lines.flatMap((l) => [l.id, l.name]),
      // (`rule` is the kind of rule, such as "category": not the agreement's text.)
      ...c.possibleViolations.flatMap((v) => [v.reason, v.restriction, v.provision, v.zone]),
    ].filter((s): s is string => s !== undefined);

    // Another party and the commission (not the draft's addressees) read the CLEAR report without it.
    for (const token of [ru, analyst])
      for (const body of await readAll(token, id)) {
        expect(body).toContain('"redacted":true');
        for (const s of secrets) expect(body).not.toContain(JSON.stringify(s));
      }
    // The public log holds the report in full, without the draft's zones and rules (the version's id
    // is public already: its agreement.loaded commitment names it).
    const bytes = await mirror();
    expect(bytes).toContain(id);
    for (const s of secrets.slice(1)) expect(bytes).not.toContain(JSON.stringify(s));
    expect(bytes).not.toContain(`"agreement":${JSON.stringify(draft.version.id)}`);
  });
});
