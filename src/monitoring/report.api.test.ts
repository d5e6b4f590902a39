// Tests read untyped JSON bodies (see the test override in eslint.config.js); calling their methods is fine here.
/* eslint-disable @typescript-eslint/no-unsafe-call */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/databases.js';
import { ed25519Verifier } from '../ledger/note.js';
import { verifyReceipt } from '../ledger/proof.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';

describeEachDialect('reports API', (dialect) => {
  let t: TestApp;
  let monitor: string;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    monitor = await t.tokenFor('JMVC', ['monitor']);
  });
  afterEach(async () => t.close());

  const post = (token: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${token}`, ...headers },
      payload: payload as object,
    });
  const get = (token: string, url: string) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const db = () => t.services.database.db;
  const countRows = async (table: 'reports' | 'report_evidence' | 'report_sources') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Everything a rejected request must leave untouched. */
  const snapshot = async () => ({
    reports: await countRows('reports'),
    // One statement, one snapshot: the sequencer moves entries from the queue to the log meanwhile.
    queued: Number(
      (
        await sql<{
          n: number;
        }>`select (select count(*) from log_queue) + (select count(*) from log_entries) as n`.execute(db())
      ).rows[0]?.n,
    ),
    evidence: await countRows('report_evidence'),
    sources: await countRows('report_sources'),
  });

  it('files sixteen first reports of one new source at once without a 500 (crash suite finding, #14 B1)', async () => {
    // On PostgreSQL each request registered the source in its own transaction, and all but the first
    // failed with a unique-key error: a 500 for the monitors of a patrol filing together.
    const source = {
      name: 'Patrol 12 (first sighting)',
      reliability: 'B',
      independenceGroup: 'jmvc-team-12',
    };
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => post(monitor, sampleInput({ source, narrative: `Report ${i}.` }))),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array.from({ length: 16 }, () => 201));
    const sources = await db()
      .selectFrom('report_sources')
      .select('id')
      .where('name', '=', source.name)
      .execute();
    expect(sources).toHaveLength(1);
  });

  async function expectRejected(payload: unknown, path: string, reason: RegExp): Promise<void> {
    const before = await snapshot();
    const res = await post(monitor, payload);
    expect(res.statusCode, res.body).toBe(422);
    const problems = res.json().errors as { path: string; reason: string }[];
    expect(
      problems.some((p) => p.path === path && reason.test(p.reason)),
      JSON.stringify(problems),
    ).toBe(true);
    expect(await snapshot()).toEqual(before);
  }

  it('accepts a report, classifies it against the agreement and logs it with a receipt', async () => {
    const res = await post(
      monitor,
      sampleInput({ location: { lon: 37.95, lat: 48.55, uncertaintyM: 300 } }),
      {
        prefer: 'receipt',
      },
    );
    expect(res.statusCode, res.body).toBe(201);
    const { report } = res.json();
    expect(report.category).toBe('cfv-explosion');
    const c = report.classification;
    expect(c.agreementVersionId).toBe('illustrative-framework-2025@3');
    expect(c.nearestPlace.text).toBe('6.2 km SW of Bakhmut');
    expect(c.zones.map((z: { band?: string; id: string }) => z.band ?? z.id)).toEqual(
      expect.arrayContaining(['dmz', 'wb-artillery', 'airspace']),
    );
    expect(c.side).toBe('RU');
    expect(c.lineDistanceKm).toBeGreaterThan(8);
    expect(c.possibleViolations.map((v: { restriction?: string }) => v.restriction)).toContain('r-dmz-fire');
    expect(report.grade).toEqual({ reliability: 'B', credibility: 2, capped: false });
    // The receipt verifies offline against the published key, for the entry that commits to this report.
    // Two entries: the report's, then its classification against the GREEN agreement, logged apart
    // (AMBER: the stricter of the report's marking and the version's).
    const indices = String(res.headers['x-log-entries']).split(',').map(Number);
    expect(indices).toHaveLength(2);
    const index = indices[0] ?? -1;
    const receipt = Buffer.from(
      String(res.headers['x-log-receipt']).split(',')[0] ?? '',
      'base64',
    ).toString();
    const [, classified] = await t.services.ledger.entries(index, index + 2);
    expect(JSON.parse(classified?.data.toString() ?? '{}')).toMatchObject({
      kind: 'report.classified',
      confidential: { recordKind: 'report-classification', recordId: report.id, marking: 'AMBER' },
    });
    const vkey = (await t.app.inject({ url: '/log/vkey' })).body.trim();
    const [entry] = await t.services.ledger.entries(index, index + 1);
    const data = entry?.data ?? Buffer.alloc(0);
    expect(verifyReceipt(receipt, data, { log: ed25519Verifier(vkey) }).index).toBe(index);
    expect(JSON.parse(data.toString())).toMatchObject({
      kind: 'report.accepted',
      confidential: { recordKind: 'report', recordId: report.id, marking: 'AMBER' },
    });
    expect(() =>
      verifyReceipt(receipt, Buffer.from('another entry'), { log: ed25519Verifier(vkey) }),
    ).toThrow();
    expect(await countRows('reports')).toBe(1);
  });

  it('flags a 122 mm howitzer inside the artillery withdrawal band', async () => {
    const res = await post(
      monitor,
      sampleInput({
        smm: undefined,
        category: 'heavy-weapons-in-zone',
        equipment: { system: 'D-30 howitzer', calibreMm: 122 },
        counts: { items: 2 },
        location: { lon: 37.95, lat: 48.45, uncertaintyM: 100 },
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json().report.classification;
    expect(res.json().report.equipment.category).toBe('artillery-100');
    const v = c.possibleViolations.find((x: { restriction?: string }) => x.restriction === 'r-wb-artillery');
    expect(v.reason).toMatch(/Tube artillery of 100 mm calibre and above is prohibited in .* on the RU side/);
  });

  it('takes MGRS and bearing-and-distance positions and derives the location', async () => {
    const mgrs = await post(monitor, sampleInput({ location: { mgrs: '37U DP 2983 5405' } }));
    expect(mgrs.statusCode, mgrs.body).toBe(201);
    expect(mgrs.json().report.location.lat).toBeCloseTo(48.3357, 3);
    expect(mgrs.json().report.location.uncertaintyM).toBeCloseTo(7.07, 1);
    const fix = await post(
      monitor,
      sampleInput({ location: { observer: { lon: 37.9, lat: 48.5, bearingDeg: 90, distanceM: 4000 } } }),
    );
    expect(fix.statusCode, fix.body).toBe(201);
    const loc = fix.json().report.location;
    expect(loc.input).toBe('bearing');
    expect(loc.lon).toBeGreaterThan(37.95);
    expect(loc.lat).toBeCloseTo(48.5, 2);
    // 2σ of √((4000·tan 5°)² + 1000²) ≈ 2.1 km
    expect(loc.uncertaintyM).toBeGreaterThan(2000);
    expect(loc.uncertaintyM).toBeLessThan(2300);
  });

  it('rejects coordinates out of range, naming the field, and writes nothing', async () => {
    await expectRejected(
      sampleInput({ location: { lon: 38, lat: 95 } }),
      '/body/location/lat',
      /latitude 95 is out of range/,
    );
  });

  it('rejects swapped latitude and longitude', async () => {
    await expectRejected(
      sampleInput({ location: { lon: 48.5, lat: 37.9 } }),
      '/body/location',
      /look swapped/,
    );
  });

  it('rejects positions far outside the agreement area, or warns when so configured', async () => {
    await expectRejected(
      sampleInput({ location: { lon: 13.4, lat: 52.5 } }),
      '/body/location',
      /outside the agreement's area/,
    );
    const lenient = await startTestApp(dialect, { monitoring: { outsideRegion: 'warn' } });
    try {
      const token = await lenient.tokenFor('JMVC', ['monitor']);
      const res = await lenient.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${token}` },
        payload: sampleInput({ location: { lon: 13.4, lat: 52.5 } }),
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().warnings.join(' ')).toMatch(/outside the agreement's area/);
    } finally {
      await lenient.close();
    }
  });

  it('rejects MGRS that does not parse', async () => {
    await expectRejected(
      sampleInput({ location: { mgrs: '37U DP 12345 678' } }),
      '/body/location/mgrs',
      /same number of digits/,
    );
    await expectRejected(
      sampleInput({ location: { mgrs: 'hello' } }),
      '/body/location/mgrs',
      /not an MGRS reference/,
    );
  });

  it('rejects times in the future and before the agreement', async () => {
    await expectRejected(
      sampleInput({ observed: { from: '2026-12-25T10:00:00Z', precision: 'exact' } }),
      '/body/observed/from',
      /in the future/,
    );
    await expectRejected(
      sampleInput({ observed: { from: '2025-06-01', precision: 'day' } }),
      '/body/observed/from',
      /before the agreement entered into force/,
    );
  });

  it('rejects unknown categories with a suggestion', async () => {
    await expectRejected(
      sampleInput({ smm: undefined, category: 'cfv-explosio' }),
      '/body/category',
      /unknown category "cfv-explosio".*did you mean "cfv-explosion"/,
    );
  });

  it('rejects text that is not valid Unicode (a lone surrogate), naming the field', async () => {
    await expectRejected(
      sampleInput({ narrative: 'shelling near \ud800 the bridge' }),
      '/body/narrative',
      /lone surrogate/,
    );
  });

  it('rejects evidence whose hash does not match, and oversized evidence', async () => {
    const content = Buffer.from('photo bytes');
    const evidence = {
      sha256: crypto.createHash('sha256').update('something else').digest('hex'),
      filename: 'IMG_0001.jpg',
      mediaType: 'image/jpeg',
      capturedAt: '2026-11-25T19:45:00Z',
      collector: 'Patrol 3',
      contentBase64: content.toString('base64'),
    };
    await expectRejected(
      sampleInput({ evidence: [evidence] }),
      '/body/evidence/0/sha256',
      /does not match the content/,
    );
    const big = Buffer.alloc(70 * 1024, 1);
    await expectRejected(
      sampleInput({
        evidence: [
          {
            ...evidence,
            sha256: crypto.createHash('sha256').update(big).digest('hex'),
            contentBase64: big.toString('base64'),
          },
        ],
      }),
      '/body/evidence/0/contentBase64',
      /over the limit/,
    );
  });

  it('applies a batch fully or not at all, listing every bad report; applyGood applies the rest', async () => {
    const reports = [
      sampleInput({ externalId: 'b-1' }),
      sampleInput({ externalId: 'b-2', location: { lon: 38, lat: 95 } }),
      sampleInput({ externalId: 'b-3', category: 'nope', smm: undefined }),
    ];
    const before = await snapshot();
    const res = await post(monitor, { reports });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((p: { path: string }) => p.path)).toEqual([
      '/body/reports/1/location/lat',
      '/body/reports/2/category',
    ]);
    expect(await snapshot()).toEqual(before);
    const partial = await post(monitor, { reports, applyGood: true });
    expect(partial.statusCode, partial.body).toBe(201);
    expect(partial.json()).toMatchObject({ accepted: 1, rejected: 2 });
    expect(await countRows('reports')).toBe(1);
  });

  it('checks a report against the route schema, naming every bad field and nothing else', async () => {
    const before = await snapshot();
    const { location: _l, ...noLocation } = sampleInput({ counts: { events: 'three' }, colour: 'red' });
    const res = await post(monitor, noLocation);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors).toEqual([
      { path: '/body/location', reason: 'is required' },
      { path: '/body/colour', reason: 'unknown field "colour"' },
      { path: '/body/counts/events', reason: 'must be integer' },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('checks a batch envelope against the route schema', async () => {
    const before = await snapshot();
    const res = await post(monitor, { reports: [], applyGood: 'yes', dryRun: true });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().errors).toEqual([
      { path: '/body/dryRun', reason: 'unknown field "dryRun"' },
      { path: '/body/reports', reason: 'must NOT have fewer than 1 items' },
      { path: '/body/applyGood', reason: 'must be boolean' },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('names the index of each report of a batch that breaks the schema; applyGood applies the rest', async () => {
    const reports = [
      sampleInput({ externalId: 's-1' }),
      sampleInput({ externalId: 's-2', colour: 'red' }),
      'not a report',
    ];
    const before = await snapshot();
    const all = await post(monitor, { reports });
    expect(all.statusCode, all.body).toBe(422);
    expect(all.json().errors).toEqual([
      { path: '/body/reports/1/colour', reason: 'unknown field "colour"' },
      { path: '/body/reports/2', reason: 'must be object' },
    ]);
    expect(await snapshot()).toEqual(before);
    const partial = await post(monitor, { reports, applyGood: true });
    expect(partial.statusCode, partial.body).toBe(201);
    expect(partial.json()).toMatchObject({ accepted: 1, rejected: 2 });
    expect(partial.json().problems.map((p: { path: string }) => p.path)).toEqual([
      '/body/reports/1/colour',
      '/body/reports/2',
    ]);
  });

  it('is idempotent by external id: the same report again is unchanged, a changed one a new revision', async () => {
    const first = await post(monitor, sampleInput({ externalId: 'patrol3-0042' }));
    expect(first.json().status).toBe('accepted');
    const again = await post(monitor, sampleInput({ externalId: 'patrol3-0042' }));
    expect(again.json()).toMatchObject({ status: 'unchanged', report: { id: first.json().report.id } });
    const changed = await post(monitor, sampleInput({ externalId: 'patrol3-0042', counts: { events: 4 } }));
    expect(changed.json()).toMatchObject({ status: 'revised', report: { revision: 2 } });
    const list = await get(monitor, '/api/v1/reports?externalId=patrol3-0042');
    expect(list.json().reports).toHaveLength(1);
    expect(list.json().reports[0].counts.events).toBe(4);
  });

  it('keeps external ids per organisation (security A1: revision hijack)', async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const input = sampleInput({ externalSystem: 'field-app', externalId: 'obs-0001' });
    const own = await post(ua, input);
    expect(own.json().status).toBe('accepted');
    const ownId: string = own.json().report.id;
    // Another party posting the same system and id, with the same or other content, files a report of
    // its own: it revises nothing and learns nothing of the first one.
    const foreign = await post(ru, input);
    expect(foreign.statusCode, foreign.body).toBe(201);
    expect(foreign.json()).toMatchObject({ status: 'accepted', report: { revision: 1 } });
    expect(foreign.body).not.toContain(ownId);
    const theirs: string = foreign.json().report.id;
    // Its changed content revises its own report, not the first party's.
    const again = await post(ru, { ...input, counts: { events: 40 } });
    expect(again.json()).toMatchObject({ status: 'revised', report: { revision: 2 } });
    expect(again.body).not.toContain(ownId);
    expect(
      await db().selectFrom('reports').select('id').where('superseded_by', 'is not', null).execute(),
    ).toEqual([{ id: theirs }]);
    const mine = await get(ua, `/api/v1/reports/${ownId}`);
    expect(mine.json()).toMatchObject({ id: ownId, revision: 1, counts: { events: 3 } });
    const current = await db()
      .selectFrom('reports')
      .select(['id', 'superseded_by'])
      .where('id', '=', ownId)
      .executeTakeFirstOrThrow();
    expect(current.superseded_by).toBeNull();
    // The owner still revises its own report.
    const revised = await post(ua, { ...input, counts: { events: 4 } });
    expect(revised.json()).toMatchObject({ status: 'revised', report: { revision: 2 } });
  });

  it('caps a party’s own grading under its ceiling; unjudged grades stay unjudged', async () => {
    const liaison = await t.tokenFor('UA', ['liaison']);
    const res = await post(
      liaison,
      sampleInput({ source: { name: 'UA brigade observers', reliability: 'A' }, credibility: 1 }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().report.grade).toEqual({
      reliability: 'C',
      credibility: 3,
      capped: true,
      claimed: 'A1',
    });
    const unknown = await post(
      liaison,
      sampleInput({ source: { name: 'Unknown channel', reliability: 'F' }, credibility: 6 }),
    );
    expect(unknown.json().report.grade).toEqual({ reliability: 'F', credibility: 6, capped: false });
  });

  it('lets only the commission grade sources and set ceilings', async () => {
    const liaison = await t.tokenFor('UA', ['liaison']);
    await post(liaison, sampleInput({ source: { name: 'UA channel' } }));
    const analyst = await t.tokenFor('JMVC', ['analyst']);
    // Sources may be confidential: a party and even the commission's monitors do not list them.
    expect((await get(liaison, '/api/v1/report-sources')).statusCode).toBe(403);
    expect((await get(monitor, '/api/v1/report-sources')).statusCode).toBe(403);
    const sources = (await get(analyst, '/api/v1/report-sources')).json().sources as {
      id: string;
      name: string;
      reliability: string;
    }[];
    const id = sources.find((x) => x.name === 'UA channel')?.id ?? '';
    const patch = (token: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/report-sources/${id}`,
        headers: { authorization: `Bearer ${token}` },
        payload: { reliability: 'D' },
      });
    expect((await patch(liaison)).statusCode).toBe(403);
    expect((await patch(analyst)).statusCode).toBe(204);
    expect(
      (await get(analyst, '/api/v1/report-sources')).json().sources.find((x: { id: string }) => x.id === id)
        .reliability,
    ).toBe('D');
    const me = (await get(liaison, '/api/v1/me')).json();
    const admin = await t.tokenFor('JMVC', ['admin']);
    const set = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/grading-ceilings/${me.user.id}`,
      headers: { authorization: `Bearer ${admin}` },
      payload: { ceiling: 'D4' },
    });
    expect(set.statusCode, set.body).toBe(200);
    const capped = await post(
      liaison,
      sampleInput({ source: { name: 'UA channel', reliability: 'A' }, credibility: 1 }),
    );
    expect(capped.json().report.grade).toMatchObject({ reliability: 'D', credibility: 4, capped: true });
  });

  it('sorts by grade with F and 6 between the judged grades, not last', async () => {
    for (const [reliability, credibility] of [
      ['E', 5],
      ['F', 6],
      ['A', 1],
      ['C', 3],
    ] as const) {
      await post(monitor, sampleInput({ source: { name: `src ${reliability}`, reliability }, credibility }));
    }
    const res = await get(monitor, '/api/v1/reports?sort=grade');
    const grades = res
      .json()
      .reports.map(
        (r: { grade: { reliability: string; credibility: number } }) =>
          `${r.grade.reliability}${r.grade.credibility}`,
      );
    expect(grades).toEqual(['A1', 'C3', 'F6', 'E5']);
  });

  it('does not show a party a report not addressed to it; shows it once addressed', async () => {
    const ru = await t.tokenFor('RU', ['liaison']);
    const ua = await t.tokenFor('UA', ['liaison']);
    const secret = await post(monitor, sampleInput({ narrative: 'for the commission' }));
    const shared = await post(
      monitor,
      sampleInput({ narrative: 'to UA', addressees: { organisations: ['UA'] } }),
    );
    const id = secret.json().report.id as string;
    expect((await get(ru, `/api/v1/reports/${id}`)).statusCode).toBe(404);
    expect((await get(ru, '/api/v1/reports')).json().reports).toEqual([]);
    const uaList = (await get(ua, '/api/v1/reports')).json().reports.map((r: { id: string }) => r.id);
    expect(uaList).toEqual([shared.json().report.id]);
    const guarantor = await t.tokenFor('US', ['guarantor']);
    expect((await get(guarantor, `/api/v1/reports/${id}`)).statusCode).toBe(404);
    const analyst = await t.tokenFor('JMVC', ['analyst']);
    expect((await get(analyst, `/api/v1/reports/${id}`)).statusCode).toBe(200);
  });

  it('lists as GeoJSON and filters by zone, category and time', async () => {
    await post(monitor, sampleInput({ location: { lon: 37.95, lat: 48.55 } }));
    await post(monitor, sampleInput({ location: { lon: 39.5, lat: 47.5 }, smm: 'burst_and_shot' }));
    const geo = (await get(monitor, '/api/v1/reports?format=geojson&zone=dmz')).json();
    expect(geo.type).toBe('FeatureCollection');
    expect(geo.features).toHaveLength(1);
    expect(geo.features[0].geometry).toEqual({ type: 'Point', coordinates: [37.95, 48.55] });
    expect((await get(monitor, '/api/v1/reports?category=cfv-small-arms')).json().reports).toHaveLength(1);
    expect((await get(monitor, '/api/v1/reports?to=2026-01-01T00:00:00Z')).json().reports).toHaveLength(0);
  });

  it('stores evidence by hash, checks later uploads against the declared hash, records every access', async () => {
    const bytes = Buffer.from('a photograph of a crater');
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const res = await post(
      monitor,
      sampleInput({
        evidence: [
          {
            sha256,
            filename: 'crater.jpg',
            mediaType: 'image/jpeg',
            capturedAt: '2026-11-25T20:00:00Z',
            collector: 'Patrol 3',
            device: 'Pixel 8',
          },
        ],
      }),
    );
    const reportId = res.json().report.id as string;
    const auth = { authorization: `Bearer ${monitor}` };
    const wrong = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${reportId}/evidence/${sha256}`,
      headers: { ...auth, 'content-type': 'image/jpeg' },
      payload: Buffer.from('tampered'),
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0].reason).toMatch(/declared .* the upload hashes to/);
    const ok = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${reportId}/evidence/${sha256}`,
      headers: { ...auth, 'content-type': 'image/jpeg' },
      payload: bytes,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${reportId}/evidence/${sha256}`,
      headers: { ...auth, 'content-type': 'image/jpeg' },
      payload: bytes,
    });
    expect(again.statusCode).toBe(409);
    const evidenceId = ok.json().id as string;
    const download = await get(monitor, `/api/v1/evidence/${evidenceId}/content`);
    expect(download.rawPayload.equals(bytes)).toBe(true);
    expect(download.headers['x-content-sha256']).toBe(sha256);
    // The hash is a strong ETag: a copy held already is answered 304, still checked and recorded.
    expect(download.headers.etag).toBe(`"${sha256}"`);
    expect(download.headers['cache-control']).toBe('private, no-cache');
    const url = `/api/v1/evidence/${evidenceId}/content`;
    const revalidated = await t.app.inject({ url, headers: { ...auth, 'if-none-match': `"${sha256}"` } });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload.length).toBe(0);
    const stale = await t.app.inject({ url, headers: { ...auth, 'if-none-match': '"0000"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.equals(bytes)).toBe(true);
    // Another organisation learns nothing from the ETag: no 304 for a report it may not read.
    const party = await t.tokenFor('UA', ['liaison'], 'etag-liaison');
    const foreign = await t.app.inject({
      url,
      headers: { authorization: `Bearer ${party}`, 'if-none-match': `"${sha256}"` },
    });
    expect(foreign.statusCode).toBe(404);
    const handover = await t.app.inject({
      method: 'POST',
      url: `/api/v1/evidence/${evidenceId}/handover`,
      headers: auth,
      payload: { to: 'JMVC evidence room', note: 'sealed bag 17' },
    });
    expect(handover.statusCode, handover.body).toBe(200);
    const derived = await t.app.inject({
      method: 'POST',
      url: `/api/v1/evidence/${evidenceId}/derived`,
      headers: auth,
      payload: {
        contentBase64: Buffer.from('blurred').toString('base64'),
        filename: 'crater-blurred.jpg',
        mediaType: 'image/jpeg',
        derivation: 'faces blurred',
      },
    });
    expect(derived.statusCode, derived.body).toBe(201);
    expect(derived.json().derivedFrom).toBe(evidenceId);
    const trail = (await get(monitor, `/api/v1/evidence/${evidenceId}/custody`))
      .json()
      .events.map((e: { action: string }) => e.action);
    expect(trail).toEqual([
      'captured',
      'declared',
      'uploaded',
      'accessed',
      'accessed',
      'accessed',
      'handed_over',
      'derived',
    ]);
    const list = (await get(monitor, `/api/v1/reports/${reportId}/evidence`)).json().evidence;
    expect(list.map((e: { sha256: string }) => e.sha256)).toContain(sha256);
  });

  const countAddressees = async () =>
    Number(
      (
        await db()
          .selectFrom('record_addressees')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses a RED report to an unknown user or organisation (security A8: 5xx on bad input)', async () => {
    const addressed = await countAddressees();
    await expectRejected(
      sampleInput({ marking: 'RED', addressees: { users: ['no-such-user'] } }),
      '/body/addressees/users/0',
      /unknown user "no-such-user"/,
    );
    await expectRejected(
      sampleInput({ marking: 'RED', addressees: { organisations: ['NOPE'] } }),
      '/body/addressees/organisations/0',
      /unknown organisation "NOPE"/,
    );
    await expectRejected(
      { reports: [sampleInput(), sampleInput({ marking: 'RED', addressees: { users: ['ghost'] } })] },
      '/body/reports/1/addressees/users/0',
      /unknown user "ghost"/,
    );
    expect(await countAddressees()).toBe(addressed);
  });

  it('refuses NUL characters in report text, alone or in a batch (security A8: 5xx on bad input)', async () => {
    await expectRejected(sampleInput({ narrative: 'before\u0000after' }), '/body/narrative', /NUL/);
    await expectRejected(
      { reports: [sampleInput({ narrative: 'x\u0000' })] },
      '/body/reports/0/narrative',
      /NUL/,
    );
    await expectRejected(
      sampleInput({ attributes: { 'key\u0000': 'v' } }),
      '/body/attributes/key\u0000',
      /property name must not contain NUL/,
    );
  });

  it('refuses evidence whose contentBase64 is not base64 (security A8: 5xx on bad input)', async () => {
    await expectRejected(
      sampleInput({
        evidence: [
          {
            sha256: 'a'.repeat(64),
            filename: 'IMG_0002.jpg',
            mediaType: 'image/jpeg',
            capturedAt: '2026-11-25T20:00:00Z',
            collector: 'Patrol 3',
            contentBase64: 'this is not base64!',
          },
        ],
      }),
      '/body/evidence/0/contentBase64',
      /base64/,
    );
  });

  it('refuses a self-intersecting area (security A8: 5xx on bad input)', async () => {
    const bowTie = [
      [38.0, 48.3],
      [38.1, 48.4],
      [38.1, 48.3],
      [38.0, 48.4],
      [38.0, 48.3],
    ];
    await expectRejected(
      sampleInput({ location: { area: { type: 'Polygon', coordinates: [bowTie] } } }),
      '/body/location/area/coordinates/0',
      /intersects itself/,
    );
  });

  it('takes JSON evidence as the bytes sent (security A8: 5xx on bad input)', async () => {
    const bytes = Buffer.from('{"reading": 42, "unit": "mm"}');
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const declared = {
      sha256,
      filename: 'sensor.json',
      mediaType: 'application/json',
      capturedAt: '2026-11-25T20:00:00Z',
      collector: 'Patrol 3',
    };
    const res = await post(monitor, sampleInput({ evidence: [declared] }));
    expect(res.statusCode, res.body).toBe(201);
    const reportId = res.json().report.id as string;
    const upload = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${reportId}/evidence/${sha256}`,
      headers: { authorization: `Bearer ${monitor}`, 'content-type': 'application/json' },
      payload: bytes,
    });
    expect(upload.statusCode, upload.body).toBe(200);
    const download = await get(monitor, `/api/v1/evidence/${upload.json().id as string}/content`);
    expect(download.rawPayload.equals(bytes)).toBe(true);
  });

  it('refuses non-base64 evidence declared later or derived (security A8: 5xx on bad input)', async () => {
    const bytes = Buffer.from('a photograph');
    const declared = {
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      filename: 'photo.jpg',
      mediaType: 'image/jpeg',
      capturedAt: '2026-11-25T20:00:00Z',
      collector: 'Patrol 3',
    };
    const res = await post(
      monitor,
      sampleInput({ evidence: [{ ...declared, contentBase64: bytes.toString('base64') }] }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const reportId = res.json().report.id as string;
    const evidenceId = (await get(monitor, `/api/v1/reports/${reportId}/evidence`)).json().evidence[0]
      .id as string;
    const auth = { authorization: `Bearer ${monitor}` };
    // The submission's correlation (after its answer) is not what this test compares.
    await t.services.monitoring.reports.settled();
    const before = await snapshot();
    const later = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${reportId}/evidence`,
      headers: auth,
      payload: { ...declared, sha256: 'b'.repeat(64), contentBase64: '%%%' },
    });
    expect(later.statusCode, later.body).toBe(422);
    expect(later.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(later.json().errors[0].path).toBe('/body/contentBase64');
    const derived = await t.app.inject({
      method: 'POST',
      url: `/api/v1/evidence/${evidenceId}/derived`,
      headers: auth,
      payload: { contentBase64: 'not base64', filename: 'x.jpg', mediaType: 'image/jpeg', derivation: 'x' },
    });
    expect(derived.statusCode, derived.body).toBe(422);
    expect(derived.json().errors[0].path).toBe('/body/contentBase64');
    expect(await snapshot()).toEqual(before);
  });

  it('takes a source named again in another case or spacing as the same source (security A8: 5xx on bad input)', async () => {
    const sources = await countRows('report_sources');
    const first = await post(monitor, sampleInput({ source: { name: 'Village Council' } }));
    expect(first.statusCode, first.body).toBe(201);
    const again = await post(monitor, { reports: [sampleInput({ source: { name: ' village council' } })] });
    expect(again.statusCode, again.body).toBe(201);
    expect(await countRows('report_sources')).toBe(sources + 1);
  });
});
