// Tests read untyped JSON bodies (see the test override in eslint.config.js).
/* eslint-disable @typescript-eslint/no-unsafe-call */
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { tableCounts } from '../../test/support/counts.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { ed25519Verifier } from '../ledger/note.js';
import { distanceM } from '../geo/geodesic.js';
import { verifyProof, type ProofBundle } from './notice.proof.js';

/** A hospital near Horlivka, notified by the humanitarian notification team. */
const HOSPITAL = { lon: 38.08, lat: 48.36 };

const hospitalNotice = (extra: Record<string, unknown> = {}) => ({
  obligation: 'n-humanitarian-site',
  subject: 'static_site',
  kind: 'site',
  site: { ...HOSPITAL, precisionM: 50, function: 'hospital', name: 'City hospital No. 2' },
  details: { operator: 'MSF', occupants: '40 patients, 12 staff' },
  ...extra,
});

describeEachDialect('deconfliction: a notified hospital, then a strike report 300 m away', (dialect) => {
  let t: TestApp;
  let ocha: Caller;
  let liaisonUA: Caller;
  let liaisonRU: Caller;
  let monitor: Caller;
  let analyst: Caller;
  let guarantor: Caller;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    ocha = callerFor(t, await t.tokenFor('OCHA', ['humanitarian']));
    liaisonUA = callerFor(t, await t.tokenFor('UA', ['liaison']));
    liaisonRU = callerFor(t, await t.tokenFor('RU', ['liaison']));
    monitor = callerFor(t, await t.tokenFor('JMVC', ['monitor']));
    analyst = callerFor(t, await t.tokenFor('JMVC', ['analyst']));
    guarantor = callerFor(t, await t.tokenFor('US', ['guarantor']));
  });
  afterEach(async () => t.close());

  it('flags the report with the full delivery history, raises the severity, and the receipts verify offline', async () => {
    const submitted = await ocha('POST', '/api/v1/notices', hospitalNotice());
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(201);
    const id: string = submitted.json.notice.id;
    expect(submitted.json.notice.addressees).toEqual(['JMVC', 'JMVC-EU', 'RU', 'UA']);
    expect(submitted.json.deliveries.map((d: { state: string }) => d.state)).toEqual([
      'forwarded',
      'forwarded',
      'forwarded',
      'forwarded',
    ]);

    // The parties receive an area that contains the hospital, not its position; the commission the point.
    t.clock.advance(3_600_000);
    const uaCopy = await liaisonUA('GET', `/api/v1/notices/${id}`);
    expect(uaCopy.status).toBe(200);
    expect(uaCopy.json.role).toBe('addressee');
    const view = uaCopy.json.delivery.view;
    expect(view.location).toBe('area');
    expect(view.geometry.type).toBe('Polygon');
    expect(JSON.stringify(view)).not.toContain('40 patients');
    expect(view.details).toEqual({ facility_type: 'hospital', operator: 'MSF' });
    expect(uaCopy.json.delivery.state).toBe('delivered');
    expect(uaCopy.json.delivery.addressee).toBe('UA');
    expect(JSON.stringify(uaCopy.json)).not.toContain('"RU"');
    const ring: [number, number][] = view.geometry.coordinates[0];
    const centre = ring.slice(0, -1).reduce(([a, b], [x, y]) => [a + x / 32, b + y / 32], [0, 0]);
    expect(distanceM(centre[0], centre[1], HOSPITAL.lon, HOSPITAL.lat)).toBeLessThan(260);
    const commissionCopy = await analyst('GET', `/api/v1/notices/${id}`);
    expect(commissionCopy.json.delivery.view.geometry).toEqual({
      type: 'Point',
      coordinates: [HOSPITAL.lon, HOSPITAL.lat],
    });

    // Acknowledged means received, never approved.
    const approve = await liaisonUA('POST', `/api/v1/notices/${id}/respond`, { response: 'approve' });
    expect(approve.status).toBe(409);
    expect(approve.json.errors[0].rule).toBe('approval-needs-permission-request');
    const ack = await liaisonUA('POST', `/api/v1/notices/${id}/respond?receipt=true`, {
      response: 'acknowledge',
    });
    expect(ack.status, JSON.stringify(ack.json)).toBe(200);
    expect(ack.json.delivery.state).toBe('acknowledged');
    const again = await liaisonUA('POST', `/api/v1/notices/${id}/respond`, { response: 'acknowledge' });
    expect(again.json.errors[0].rule).toBe('answered-once');

    // A shelling report 300 m north of the hospital, after it was delivered and acknowledged.
    t.clock.advance(3_600_000);
    const report = await monitor(
      'POST',
      '/api/v1/reports',
      sampleInput({
        observed: { from: '2026-11-26T09:30:00Z', precision: 'exact' },
        location: { lon: HOSPITAL.lon, lat: HOSPITAL.lat + 0.0027, uncertaintyM: 100 },
      }),
    );
    expect(report.status, JSON.stringify(report.json)).toBe(201);
    const reportId: string = report.json.report.id;

    const touched = await analyst('GET', `/api/v1/notices/touched?report=${reportId}`);
    expect(touched.status).toBe(200);
    const [hit] = touched.json.touched;
    expect(hit).toMatchObject({ noticeId: id, kind: 'site', severity: 'grave', role: 'commission' });
    // What the parties were sent stays theirs: the commission reads when, not what.
    expect(JSON.stringify(hit)).not.toContain('Polygon');
    expect(JSON.stringify(hit)).not.toContain('40 patients');
    expect(hit.distanceM).toBeGreaterThan(200);
    expect(hit.distanceM).toBeLessThan(300);
    const ua = hit.deliveries.find((d: { addressee: string }) => d.addressee === 'UA');
    expect(ua).toMatchObject({ state: 'acknowledged', deliveredAt: '2026-11-26T09:00:00.000Z' });
    expect(
      hit.events.map(
        (e: { kind: string; addressee?: string }) => `${e.kind}${e.addressee ? `:${e.addressee}` : ''}`,
      ),
    ).toEqual([
      'submitted',
      'forwarded:JMVC',
      'forwarded:JMVC-EU',
      'forwarded:RU',
      'forwarded:UA',
      'delivered:UA',
      'delivered:JMVC',
      'acknowledged:UA',
    ]);

    // The incident the report opened carries the severity the agreement gives a strike on the site.
    const incidents = await analyst('GET', '/api/v1/incidents');
    const incident = incidents.json.incidents.find((i: { reportIds: string[] }) =>
      i.reportIds.includes(reportId),
    );
    expect(incident.severity).toBe('grave');
    const viaIncident = await analyst('GET', `/api/v1/notices/touched?incident=${incident.id}`);
    expect(viaIncident.json.touched[0]).toMatchObject({ noticeId: id, role: 'commission' });
    // The other party and a guarantor (not an addressee) learn nothing of the hospital from the report.
    for (const caller of [liaisonRU, guarantor]) {
      const seen = await caller('GET', `/api/v1/reports/${reportId}`);
      if (seen.status === 200)
        expect(seen.json.report?.classification?.notified ?? seen.json.classification?.notified).toEqual([]);
      expect((await caller('GET', `/api/v1/notices/touched?report=${reportId}`)).json.touched ?? []).toEqual(
        [],
      );
    }

    // The notifier's receipts verify offline against the log key: who received which version, when.
    await tableCounts(t);
    const proof = await ocha('GET', `/api/v1/notices/${id}/proof`);
    expect(proof.status).toBe(200);
    const bundle = proof.json as ProofBundle;
    const vkey = (await t.app.inject({ url: '/log/vkey' })).body.trim();
    const { verified, pending } = verifyProof(bundle, { log: ed25519Verifier(vkey) });
    expect(pending).toBe(0);
    expect(verified.find((v) => v.kind === 'acknowledged')).toMatchObject({
      addressee: 'UA',
      state: 'acknowledged',
    });
    expect(verified.find((v) => v.kind === 'forwarded' && v.addressee === 'UA')?.viewHash).toBe(
      uaCopy.json.delivery.viewHash,
    );
    // A forged step does not verify.
    const forged = structuredClone(bundle);
    const step = forged.steps.find((s) => s.record.kind === 'acknowledged');
    if (step) step.record.at = '2026-11-27T00:00:00.000Z';
    expect(() => verifyProof(forged, { log: ed25519Verifier(vkey) })).toThrow(/does not match/);
    // The addressee's own bundle holds its own copy's steps only.
    const uaProof = await liaisonUA('GET', `/api/v1/notices/${id}/proof`);
    expect(
      new Set(uaProof.json.steps.map((s: { record: { addressee?: string } }) => s.record.addressee)),
    ).toEqual(new Set(['UA']));
    expect(verifyProof(uaProof.json as ProofBundle, { log: ed25519Verifier(vkey) }).verified.length).toBe(3);

    // Every stored row matches its log entry; an edit is named.
    const audit = () => auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
    expect((await audit()).findings).toEqual([]);
    const db = t.services.database.db;
    for (const [table, apply, undo] of [
      ['notices', `precision_m = 5000`, `precision_m = 50`],
      ['notice_deliveries', `state = 'objected'`, `state = 'acknowledged'`],
    ] as const) {
      const where =
        table === 'notices' ? `id = '${id}'` : `notice_id = '${id}' and addressee_organisation_id = 'UA'`;
      await sql.raw(`update ${table} set ${apply} where ${where}`).execute(db);
      expect(
        (await audit()).findings.some((f) => f.table === table),
        `${table} ${apply}`,
      ).toBe(true);
      await sql.raw(`update ${table} set ${undo} where ${where}`).execute(db);
    }
    await sql
      .raw(`update notice_events set at = '2026-11-27T00:00:00.000Z' where kind = 'acknowledged'`)
      .execute(db);
    expect((await audit()).findings.some((f) => f.table === 'notice_events')).toBe(true);
  });

  it('keeps a party’s notices from everyone they are not addressed to, through every route and the log', async () => {
    const holding = {
      obligation: 'n-holding-areas',
      subject: 'heavy_weapons_holding_area',
      kind: 'site',
      site: { lon: 37.5, lat: 47.9, precisionM: 20, function: 'holding_area' },
      validFrom: '2026-11-27T12:00:00Z',
      details: { equipment_category: 'artillery-100mm-plus', count: 12 },
    };
    const res = await liaisonUA('POST', '/api/v1/notices', holding);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const id: string = res.json.notice.id;
    expect(res.json.notice.addressees).toEqual(['JMVC', 'JMVC-EU']);
    expect(res.json.notice.marking).toBe('AMBER+STRICT');
    const anonymous = callerFor(t);
    for (const caller of [liaisonRU, guarantor, ocha, anonymous]) {
      for (const url of [`/api/v1/notices/${id}`, `/api/v1/notices/${id}/proof`]) {
        const r = await caller('GET', url);
        expect([401, 404]).toContain(r.status);
      }
      const list = await caller('GET', '/api/v1/notices?format=geojson');
      expect(JSON.stringify(list.json ?? {})).not.toContain(id);
      expect(JSON.stringify((await caller('GET', '/api/v1/notices')).json ?? {})).not.toContain(id);
      expect(JSON.stringify((await caller('GET', '/api/v1/notices/conflicts')).json ?? {})).not.toContain(id);
      for (const [method, path, body] of [
        ['POST', 'respond', { response: 'acknowledge' }],
        ['POST', 'cancel', { reason: 'x' }],
        ['POST', 'withdraw', { reason: 'x' }],
        ['POST', 'requests', { fields: ['count'], reason: 'x' }],
      ] as const) {
        const r = await caller(method, `/api/v1/notices/${id}/${path}`, body);
        expect([401, 403, 404], `${path}: ${JSON.stringify(r.json)}`).toContain(r.status);
      }
    }
    // The salts API answers the other party exactly as for an unknown record.
    const events = await t.services.database.db
      .selectFrom('notice_events')
      .select('id')
      .where('notice_id', '=', id)
      .execute();
    for (const e of events) {
      expect((await liaisonRU('GET', `/api/v1/log/commitments/notice-event/${e.id}`)).status).toBe(404);
      expect((await liaisonUA('GET', `/api/v1/log/commitments/notice-event/${e.id}`)).status).toBe(200);
    }
    // The public log holds commitments, not coordinates.
    await tableCounts(t);
    const size = t.services.ledger.reader.size;
    const entries = await t.services.ledger.entries(0, size);
    const notices = entries.map((e) => e.data.toString()).filter((d) => d.includes('"notice.'));
    expect(notices.length).toBe(3);
    for (const d of notices) {
      expect(d).toContain('"confidential"');
      expect(d).not.toContain('37.5');
      expect(d).not.toContain('holding_area');
    }
  });

  it('refuses bad notices precisely and writes nothing', async () => {
    const before = await tableCounts(t);
    const movement = {
      obligation: 'n-humanitarian-movement',
      subject: 'convoy',
      kind: 'movement',
      route: {
        coordinates: [
          [37.8, 48.0],
          [37.9, 48.1],
        ],
        corridorM: 200,
      },
      departure: { from: '2026-11-28T09:00:00Z', to: '2026-11-28T10:00:00Z' },
      arrival: { from: '2026-11-28T14:00:00Z', to: '2026-11-28T16:00:00Z' },
      details: { vehicles: '6 trucks', markings: 'UN logo' },
    };
    const cases: [string, Record<string, unknown>, string, Caller?][] = [
      [
        'antimeridian',
        {
          ...movement,
          route: {
            coordinates: [
              [179.9, 60],
              [-179.9, 60],
            ],
            corridorM: 200,
          },
        },
        '/route/coordinates/1',
      ],
      [
        'window backwards',
        { ...movement, departure: { from: '2026-11-28T10:00:00Z', to: '2026-11-28T09:00:00Z' } },
        '/departure/to',
      ],
      [
        'lead time',
        { ...movement, departure: { from: '2026-11-26T20:00:00Z', to: '2026-11-26T21:00:00Z' } },
        '/departure/from',
      ],
      ['not entitled', { ...movement, addressees: ['US'] }, '/addressees/0'],
      ['unknown addressee', { ...movement, addressees: ['XX'] }, '/addressees/0'],
      ['missing field', { ...movement, details: { vehicles: '6 trucks' } }, '/details/markings'],
      ['wrong subject', { ...movement, subject: 'parade' }, '/subject'],
      ['not a notifier', movement, '/obligation', liaisonUA],
    ];
    for (const [name, body, path, caller] of cases) {
      const r = await (caller ?? ocha)('POST', '/api/v1/notices', body);
      expect(r.status, name).toBe(422);
      expect(
        r.json.errors.map((e: { path: string }) => e.path),
        `${name}: ${JSON.stringify(r.json)}`,
      ).toContain(path);
    }
    const garbled = await ocha('POST', '/api/v1/notices', {
      ...movement,
      route: { coordinates: 'north', corridorM: 1 },
    });
    expect(garbled.status).toBe(422);
    // An import with one bad feature submits none.
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: movement.route.coordinates },
          properties: { ...movement, route: undefined, corridorM: 200 },
        },
        {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: [[1, 2]] },
          properties: { ...movement, route: undefined, corridorM: 200 },
        },
      ],
    };
    const imported = await ocha('POST', '/api/v1/notices/import', fc);
    expect(imported.status).toBe(422);
    expect(imported.json.errors[0].path).toBe('/features/1/route/coordinates');
    expect(await tableCounts(t)).toEqual(before);

    // Late only as an emergency, and then flagged, never dropped.
    const late = await ocha('POST', '/api/v1/notices', {
      ...movement,
      emergency: true,
      departure: { from: '2026-11-26T20:00:00Z', to: '2026-11-26T21:00:00Z' },
      arrival: { from: '2026-11-27T01:00:00Z', to: '2026-11-27T02:00:00Z' },
    });
    expect(late.status, JSON.stringify(late.json)).toBe(201);
    expect(late.json.notice).toMatchObject({ late: true, emergency: true });
    expect(late.json.notice.lateReason).toMatch(/emergency lead time is 24h/);
    // Cancelled once; not replaced, cancelled or answered afterwards.
    const id: string = late.json.notice.id;
    expect((await ocha('POST', `/api/v1/notices/${id}/cancel`, { reason: 'route closed' })).status).toBe(200);
    const replace = await ocha('POST', `/api/v1/notices/${id}/replace`, movement);
    expect(replace.json.errors[0].rule).toBe('replace-active-only');
    const ack = await liaisonUA('POST', `/api/v1/notices/${id}/respond`, { response: 'acknowledge' });
    expect(ack.status).toBe(409);
    expect(ack.json.errors[0].rule).toBe('answered-once');
    // A notice a party was never sent: not found, as if it did not exist.
    const notAddressed = await guarantor('POST', `/api/v1/notices/${id}/respond`, {
      response: 'acknowledge',
    });
    expect(notAddressed.status).toBe(404);
  });

  it('escalates an unacknowledged copy to the commission once, and expires the notice', async () => {
    const res = await ocha('POST', '/api/v1/notices', hospitalNotice({ validUntil: '2026-11-28T08:00:00Z' }));
    const id: string = res.json.notice.id;
    await liaisonUA('GET', `/api/v1/notices/${id}`);
    t.clock.advance(25 * 3_600_000);
    await t.services.deconfliction.sweep();
    await t.services.deconfliction.sweep();
    const escalations = await analyst('GET', '/api/v1/escalations?sourceKind=notice-delivery');
    expect(escalations.status).toBe(200);
    const reasons: string[] = escalations.json.escalations.map((e: { reason: string }) => e.reason);
    expect(reasons.length).toBe(4);
    expect(reasons.find((r) => r.startsWith("UA's copy"))).toMatch(/not acknowledged/);
    expect(reasons.find((r) => r.startsWith("RU's copy"))).toMatch(/not delivered/);
    // RU sees its own escalation, not UA's.
    const ru = await liaisonRU('GET', '/api/v1/escalations?sourceKind=notice-delivery');
    expect(ru.json.escalations.map((e: { reason: string }) => e.reason.slice(0, 4))).toEqual(["RU's"]);
    t.clock.advance(24 * 3_600_000);
    await t.services.deconfliction.sweep();
    const detail = await ocha('GET', `/api/v1/notices/${id}`);
    expect(detail.json.notice.state).toBe('expired');
  });
});
