import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fileReport, sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { judgedByDraftOf as judgedByDraftOfIn } from '../../test/support/confidential-draft.js';
import { consoleActor } from '../access/audit.service.js';
import { decodeEntryBundle, entriesPath, TILE_WIDTH } from '../ledger/tiles.js';
import { parseCsv } from './import/csv-parse.js';
import { allReports, exportReports } from './import/importer.js';
import type { Classification } from './report.model.js';

describeEachDialect('what a report reveals to whom', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  const as = (token: string | undefined) => (token ? { authorization: `Bearer ${token}` } : {});
  const file = (token: string, input: Record<string, unknown>) => fileReport(t, token, input);
  /** The report as the reader gets it from the detail, the list, the GeoJSON list and the map list, as text. */
  async function readAll(token: string, id: string): Promise<string[]> {
    const urls = [
      `/api/v1/reports/${id}`,
      '/api/v1/reports',
      '/api/v1/reports?format=geojson',
      '/api/v1/reports?view=map',
    ];
    const out: string[] = [];
    for (const url of urls) {
      const res = await t.app.inject({ url, headers: as(token) });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain(id);
      out.push(res.body);
    }
    return out;
  }
  /** The report `fileThem` files, judged by an AMBER+STRICT draft of the token's organisation (as before the rule that such a draft judges nothing). */
  const judgedByDraftOf = <T>(token: string, fileThem: () => Promise<T>) =>
    judgedByDraftOfIn(t, token, fileThem);
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
    const { draft, filed: id } = await judgedByDraftOf(ua, () =>
      file(analyst, sampleInput({ marking: 'CLEAR' })),
    );

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

  it('shows the commission no category, zones, sector or provisions of an incident judged by a party’s draft it may not read (security: incident bodies from unreadable versions)', async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const { draft } = await judgedByDraftOf(ua, () => file(analyst, sampleInput({ marking: 'GREEN' })));
    // What the incident holds, as stored.
    const rows = await t.services.database.db.selectFrom('incidents').selectAll().execute();
    expect(rows).toHaveLength(1);
    const row = rows[0];
    if (row === undefined) throw new Error('the report opened no incident');
    const incident = {
      id: row.id,
      agreementVersionId: row.agreement_version_id,
      category: row.category,
      zones: JSON.parse(row.zones) as string[],
      provisions: JSON.parse(row.provisions) as string[],
      sector: row.sector,
    };
    expect(incident.agreementVersionId).toBe(draft.version.id);
    expect(incident.zones.length + incident.provisions.length).toBeGreaterThan(0);
    const secrets = [draft.version.id, incident.category, ...incident.zones, ...incident.provisions];
    if (incident.sector !== null) secrets.push(incident.sector);

    const urls = [
      '/api/v1/incidents',
      '/api/v1/incidents?format=geojson',
      `/api/v1/incidents/${incident.id}`,
      '/api/v1/incidents/next',
      '/api/v1/events',
    ];
    for (const url of urls) {
      const res = await t.app.inject({ url, headers: as(analyst) });
      expect(res.statusCode, url).toBe(200);
      // (The analyst filed the report, so /next offers it the incident only to another analyst.)
      if (url !== '/api/v1/events' && url !== '/api/v1/incidents/next') {
        expect(res.body, url).toContain(incident.id);
        expect(res.body, url).toContain('"redacted":true');
      }
      for (const secret of secrets)
        expect(res.body, `${url}: ${secret}`).not.toContain(JSON.stringify(secret));
    }
    const detail = await t.app.inject({ url: `/api/v1/incidents/${incident.id}`, headers: as(analyst) });
    expect(detail.json()).toMatchObject({
      incident: {
        agreementVersionId: null,
        category: '_undisclosed',
        zones: [],
        provisions: [],
        redacted: true,
      },
    });
  });

  it('keeps a category the draft’s taxonomy mapped from other parties, the commission, the log and error messages (security B4: confidential taxonomy ids)', async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    // An SMM code: the draft's taxonomy maps it to one of its categories.
    const { draft, filed: id } = await judgedByDraftOf(ua, () =>
      file(analyst, sampleInput({ marking: 'CLEAR' })),
    );
    const mine = await t.app.inject({ url: `/api/v1/reports/${id}`, headers: as(ua) });
    const category = mine.json<{ category?: string }>().category ?? 'missing';
    expect(category).not.toBe('missing');
    const secret = `"category":${JSON.stringify(category)}`;
    for (const token of [ru, analyst])
      for (const body of await readAll(token, id)) expect(body).not.toContain(secret);
    expect(await mirror()).not.toContain(secret);

    // A near miss of the draft's id: the draft judges nothing now, so the version every organisation
    // reads judges both submitters' reports, and both are answered alike, the draft unnamed.
    const typo = `${category}x`;
    const answers: string[] = [];
    for (const [token, n] of [
      [ru, 1],
      [ua, 2],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: as(token),
        payload: sampleInput({ smm: undefined, category: typo, externalId: `typo-${n}` }),
      });
      expect(res.statusCode, res.body).toBe(422);
      // (Every answer has a request id of its own.)
      answers.push(res.body.replace(/"requestId":"[^"]*"/, ''));
    }
    for (const body of answers) {
      expect(body).toContain(`unknown category \\"${typo}\\"`);
      expect(body).toMatch(/did you mean/);
      expect(body).not.toContain(draft.version.id);
    }
    expect(answers[0]).toBe(answers[1]);
  });

  it('exports an organisation’s view as the API shows it: no classification or mapped category of a version it may not read, no source it may not know (security B4: exports)', async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const source = { name: 'Informant Zeta', reliability: 'B', independenceGroup: 'cell-zeta' };
    const { filed: id } = await judgedByDraftOf(ua, () =>
      file(analyst, sampleInput({ marking: 'CLEAR', source })),
    );
    const mine = await t.app.inject({ url: `/api/v1/reports/${id}`, headers: as(ua) });
    const category = mine.json<{ category?: string }>().category ?? 'missing';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-export-view-'));
    try {
      /** The report's row of a CSV export as `token`'s principal sees it, by column. */
      async function exported(token: string): Promise<{ text: string; row: Record<string, string> }> {
        const viewer = await t.services.sessions.principalFromToken(token);
        const out = path.join(dir, `${crypto.randomUUID()}.csv`);
        const db = t.services.database.db;
        await exportReports(allReports(t.services.monitoring.reports, db, viewer), 'csv', out);
        const text = fs.readFileSync(out, 'utf8');
        const [header, ...rows] = parseCsv(text);
        const fields = rows.find((r) => r.fields.includes(id))?.fields ?? [];
        return { text, row: Object.fromEntries((header?.fields ?? []).map((h, i) => [h, fields[i] ?? ''])) };
      }
      const theirs = await exported(ru);
      expect(theirs.row.id).toBe(id);
      expect(theirs.row).toMatchObject({ agreement_version: '', zones: '', possible_violations: '' });
      expect(Object.values(theirs.row)).not.toContain(category);
      for (const s of [source.name, source.independenceGroup]) expect(theirs.text).not.toContain(s);
      // The draft's owner, who reads it, gets the classification.
      const ours = await exported(ua);
      expect(ours.row.zones).not.toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a list filter naming an id of a version the caller may not read as it answers an unknown id (security B4: filter probes of a draft)', async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    const { draft, filed: id } = await judgedByDraftOf(ua, () =>
      file(analyst, sampleInput({ marking: 'CLEAR' })),
    );
    const mine = await t.app.inject({ url: `/api/v1/reports/${id}`, headers: as(ua) });
    const { classification: c, category } = mine.json<{ classification: Classification; category: string }>();
    const zone = c.zones[0]?.band ?? c.zones[0]?.id ?? 'missing';
    expect(c.possibleViolations.length).toBeGreaterThan(0);

    /** Status and body of a list, with the probe's id put in place of an unknown one's. */
    async function probe(token: string, url: string, value: string, unknown: string) {
      const hit = await t.app.inject({
        url: url.replace('ID', encodeURIComponent(value)),
        headers: as(token),
      });
      const miss = await t.app.inject({
        url: url.replace('ID', encodeURIComponent(unknown)),
        headers: as(token),
      });
      return { hit, miss };
    }
    const reportProbes = [
      ['/api/v1/reports?zone=ID', zone, 'no-such-zone'],
      ['/api/v1/reports?category=ID', category, 'no-such-category'],
      ['/api/v1/reports?zone=ID&format=geojson', zone, 'no-such-zone'],
    ] as const;
    let cells = 0;
    for (const token of [ru, analyst])
      for (const [url, value, unknown] of reportProbes) {
        const { hit, miss } = await probe(token, url, value, unknown);
        expect(miss.statusCode, url).toBe(200);
        expect(hit.statusCode, url).toBe(miss.statusCode);
        expect(hit.body, url).toBe(miss.body);
        expect(hit.body, url).not.toContain(id);
        cells += 1;
      }
    // Whether a classification found possible violations is what it says too.
    for (const token of [ru, analyst]) {
      const res = await t.app.inject({ url: '/api/v1/reports?flagged=false', headers: as(token) });
      expect(res.body).toBe('{"reports":[]}');
    }
    // The draft's owner, who reads it, still finds the report by the draft's zone and category.
    for (const [url, value] of [...reportProbes, ['/api/v1/reports?flagged=ID', 'false', '']] as const) {
      const res = await t.app.inject({ url: url.replace('ID', encodeURIComponent(value)), headers: as(ua) });
      expect(res.body, url).toContain(id);
    }

    // The commission's analyst sees the incident the report made; filtering its queue by the draft's ids
    // answers as for ids that exist nowhere.
    const queue = await t.app.inject({ url: '/api/v1/incidents', headers: as(analyst) });
    const incident = queue
      .json<{ incidents: { reportIds: string[]; sector?: string }[] }>()
      .incidents.find((i) => i.reportIds.includes(id));
    expect(incident).toBeDefined();
    const incidentProbes: [string, string, string][] = [
      ['/api/v1/incidents?zone=ID', zone, 'no-such-zone'],
      ['/api/v1/incidents?category=ID', category, 'no-such-category'],
      ['/api/v1/incidents?zone=ID&format=geojson', zone, 'no-such-zone'],
      ...(incident?.sector !== undefined
        ? [['/api/v1/incidents?sector=ID', incident.sector, 'no-such-sector'] as [string, string, string]]
        : []),
    ];
    for (const [url, value, unknown] of incidentProbes) {
      const { hit, miss } = await probe(analyst, url, value, unknown);
      expect(miss.statusCode, url).toBe(200);
      expect(hit.statusCode, url).toBe(miss.statusCode);
      expect(hit.body, url).toBe(miss.body);
      cells += 1;
    }
    // The quiet days of a version the caller may not read answer as those of a version that does not exist.
    const quiet = await probe(analyst, '/api/v1/quiet-days?version=ID', draft.version.id, 'no-such@1');
    expect(quiet.hit.statusCode).toBe(404);
    expect(quiet.miss.statusCode).toBe(404);
    expect(Object.keys(quiet.hit.json<object>()).sort()).toEqual(
      Object.keys(quiet.miss.json<object>()).sort(),
    );
    process.stdout.write(`[${dialect}] filter probes of a draft: ${cells + 1} probes, 0 told apart\n`);
  });
  it('answers a submitter who may not read a draft the same for a category id only the draft has as for one no version has (security: category oracle at intake)', async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const analyst = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    // UA's confidential draft, loaded after the shared version: the newest, and the only one with the id.
    const secret = 'draft-only-category';
    const draft = await t.services.agreements.load(
      consoleActor(await t.services.sessions.principalFromToken(ua)),
      {
        text: illustrativeAgreementText()
          .replace(/^version: 3$/m, 'version: 4')
          .replace(
            /^report_taxonomy:\n/m,
            `report_taxonomy:\n  - { id: ${secret}, name: Draft only, group: ceasefire_violation, severity: minor, provisions: [P-02] }\n`,
          ),
        fileName: 'draft.yaml',
        marking: 'AMBER+STRICT',
      },
    );
    let n = 0;
    /** Status and body of filing a report with `category`, the category and the request id put out of the body. */
    async function answer(token: string, category: string) {
      n += 1;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: as(token),
        payload: sampleInput({ smm: undefined, category, externalId: `oracle-${n}` }),
      });
      const body = res.body.replaceAll(category, '(category)').replace(/"requestId":"[^"]*"/, '');
      return { status: res.statusCode, body };
    }
    for (const token of [ru, analyst, ua]) {
      const known = await answer(token, secret);
      const unknown = await answer(token, 'no-such-category');
      expect(known).toEqual(unknown);
      expect(known.status).toBe(422);
      expect(known.body).not.toContain(draft.version.id);
    }

    // With the shared version gone from judging too (marked above GREEN here: no API does), no version
    // judges: every submitter gets what intake answers with no agreement loaded, whatever the id.
    await t.services.database.db
      .updateTable('agreement_versions')
      .set({ marking: 'AMBER' })
      .where('id', '!=', draft.version.id)
      .execute();
    for (const token of [ru, analyst, ua]) {
      const known = await answer(token, secret);
      const unknown = await answer(token, 'no-such-category');
      expect(known).toEqual(unknown);
      expect(known.status).toBe(422);
      expect(known.body).toMatch(/before the agreement entered into force/);
      expect(known.body).toContain('/observed/from');
    }
    expect(await t.services.database.db.selectFrom('reports').select('id').execute()).toEqual([]);
  });
});
