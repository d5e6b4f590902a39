// Tests read untyped JSON bodies (see the test override in eslint.config.js).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/databases.js';
import { sampleInput, startTestApp, uncorrelatedReports, type TestApp } from '../../test/support/app.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';

/**
 * Live submissions answer before their correlation into incidents runs; every stored report is still
 * correlated, by the follow-on call or, when that never ran (the process stopped), by the catch-up.
 */
describeEachDialect('correlation after the answer', (dialect) => {
  let t: TestApp;
  let monitor: string;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    monitor = await t.tokenFor('JMVC', ['monitor']);
  });
  afterEach(async () => t.close());

  const post = (payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${monitor}` },
      payload: payload as object,
    });
  const membership = () =>
    t.services.database.db.selectFrom('incident_reports').select(['report_id', 'incident_id']).execute();

  it('answers a submission before the listeners run, and settles once they have', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A listener after correlation that does not finish until the test lets it.
    t.services.monitoring.reports.onStored(() => gate);
    const res = await post(sampleInput());
    expect(res.statusCode, res.body).toBe(201);
    let settled = false;
    const settling = t.services.monitoring.reports.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await settling;
    const id = res.json().report.id as string;
    expect((await membership()).map((m) => m.report_id)).toEqual([id]);
  });

  it('correlates a stored report whose correlation never ran, once', async () => {
    // Another process on the database that stored a report and stopped before correlating it: a
    // report service with no listener.
    const stored = await uncorrelatedReports(t).ingest(CONSOLE_ACTOR, [
      [{ input: sampleInput(), path: '/0' }],
    ]);
    expect(stored.accepted).toBe(1);
    expect(await membership()).toEqual([]);
    const first = await t.services.verification.catchUpCorrelation();
    expect(first).toMatchObject({ reports: 1, opened: 1 });
    expect((await membership()).map((m) => m.report_id)).toEqual([stored.reports[0]?.id]);
    const again = await t.services.verification.catchUpCorrelation();
    expect(again).toMatchObject({ reports: 0, opened: 0, joined: 0 });
    expect(await membership()).toHaveLength(1);
  });

  it('places each report once when the catch-up runs beside live correlation', async () => {
    const inputs = [...Array(6).keys()].map((i) =>
      sampleInput({ narrative: `Report ${i}.`, counts: { events: i + 1 } }),
    );
    const [responses] = await Promise.all([
      Promise.all(inputs.map(post)),
      t.services.verification.catchUpCorrelation(),
    ]);
    await t.services.monitoring.reports.settled();
    await t.services.verification.catchUpCorrelation();
    for (const res of responses) expect(res.statusCode, res.body).toBe(201);
    const members = await membership();
    expect(members.map((m) => m.report_id).sort()).toEqual(
      responses.map((r) => r.json().report.id as string).sort(),
    );
    // The same explosion six times: one incident.
    expect(new Set(members.map((m) => m.incident_id)).size).toBe(1);
  });
});
