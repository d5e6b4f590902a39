import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import type { Overview } from './overview.schemas.js';

/** Observed this morning, local time (the test clock is 2026-11-26T08:00Z; the agreement is on Kyiv time). */
const TODAY = '2026-11-26T07:00:00+02:00';
const YESTERDAY = '2026-11-25T21:40:00+02:00';

describeEachDialect('overview API', (dialect) => {
  let t: TestApp;
  let n = 0;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(async () => t.close());

  /** Files one report (distinct each time) as the token's user, with the given marking. */
  async function file(token: string, marking: string, observedFrom = TODAY): Promise<string> {
    n += 1;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${token}` },
      payload: sampleInput({
        marking,
        observed: { from: observedFrom, precision: 'exact', timeZone: 'Europe/Kyiv' },
        location: { lon: 38.08 + n * 0.001, lat: 48.36, uncertaintyM: 500 },
        narrative: `Impacts heard, report ${n}.`,
      }),
    });
    expect(res.statusCode, res.body).toBe(201);
    // The incident it opens is correlated after the answer, by the clock of then.
    await t.services.monitoring.reports.settled();
    return res.json<{ id: string }>().id;
  }
  async function overview(token?: string, query = ''): Promise<Overview> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/overview${query}`,
      headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  /** Every figure the overview publishes about reports (what a reader could difference over time). */
  const figures = (o: Overview) => ({ counts: o.counts, series: o.series });

  it('counts today and yesterday by category and sector for a reader who sees every report', async () => {
    const monitor = await t.tokenFor('JMVC', ['monitor']);
    for (let i = 0; i < 3; i += 1) await file(monitor, 'GREEN');
    for (let i = 0; i < 2; i += 1) await file(monitor, 'GREEN', YESTERDAY);
    const o = await overview(await t.tokenFor('JMVC', ['analyst']));
    expect(o.day).toBe('2026-11-26');
    expect(o.counts.total.today).toEqual({ visible: 3, restricted: 0 });
    expect(o.counts.total.yesterday).toEqual({ visible: 2, restricted: 0 });
    // The 7-day mean covers the seven days before today: two reports in seven days.
    expect(o.counts.total.mean7.visible).toBeCloseTo(0.3, 5);
    const categories = o.counts.categories.filter((c) => c.today.visible > 0);
    expect(categories.map((c) => c.today.visible)).toEqual([3]);
    expect(o.counts.sectors.reduce((s, c) => s + c.today.visible, 0)).toBe(3);
    expect(o.series).toHaveLength(30);
    expect(o.series.at(-1)).toMatchObject({ day: '2026-11-26', reports: { visible: 3, restricted: 0 } });
    expect(o.series.at(-2)).toMatchObject({ day: '2026-11-25', reports: { visible: 2, restricted: 0 } });
  });

  it('answers the public with CLEAR reports exactly and the rest only in bands of the minimum cell', async () => {
    const monitor = await t.tokenFor('JMVC', ['monitor']);
    for (let i = 0; i < 2; i += 1) await file(monitor, 'CLEAR');
    for (let i = 0; i < 4; i += 1) await file(monitor, 'GREEN');
    let o = await overview();
    expect(o.minCell).toBe(5);
    expect(o.counts.total.today).toEqual({ visible: 2, restricted: 0 });
    await file(monitor, 'GREEN');
    await file(monitor, 'AMBER');
    o = await overview();
    // Six restricted: published as the band 5–9.
    expect(o.counts.total.today).toEqual({ visible: 2, restricted: 5 });
    expect(o.series.at(-1)?.reports).toEqual({ visible: 2, restricted: 5 });
  });

  it('never names categories of an agreement version the public may not read', async () => {
    // The test agreement is GREEN: the public may not read it, so neither its category names nor zones.
    const monitor = await t.tokenFor('JMVC', ['monitor']);
    await file(monitor, 'CLEAR');
    const o = await overview();
    expect(o.agreementVersionId).toBeNull();
    expect(o.counts.categories.map((c) => c.id)).toEqual(['_undisclosed']);
    expect(o.counts.sectors.map((c) => c.id)).toEqual(['_none']);
    expect(o.quietDays).toBeNull();
    const analyst = await overview(await t.tokenFor('JMVC', ['analyst']));
    expect(analyst.counts.categories.length).toBeGreaterThan(1);
  });

  it("shows RU none of UA's AMBER reports except in bands: one more changes no figure until its cell reaches 5", async () => {
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    for (let i = 0; i < 3; i += 1) await file(ua, 'AMBER');
    const before = await overview(ru);
    expect(before.counts.total.today).toEqual({ visible: 0, restricted: 0 });
    // UA sees its own reports exactly.
    expect((await overview(ua)).counts.total.today).toEqual({ visible: 3, restricted: 0 });

    await file(ua, 'AMBER');
    expect(figures(await overview(ru))).toEqual(figures(before));

    await file(ua, 'AMBER');
    const reached = await overview(ru);
    expect(reached.counts.total.today).toEqual({ visible: 0, restricted: 5 });
    expect(figures(reached)).not.toEqual(figures(before));
  });

  it('counts quiet days from when the agreement was loaded when it names no entry into force, never from 1970', async () => {
    const analyst = await t.tokenFor('JMVC', ['analyst']);
    // The test agreement entered into force on 2026-01-13 (Kyiv): the count starts there.
    expect((await overview(analyst)).quietDays?.since.slice(0, 10)).toBe('2026-01-13');
    // A new version still in draft names no entry into force: the count starts when it was loaded.
    await t.services.agreements.load(CONSOLE_ACTOR, {
      text: fs
        .readFileSync(new URL('../../examples/illustrative-framework.yaml', import.meta.url), 'utf8')
        .replace(/^version: 3$/m, 'version: 4'),
      fileName: 'illustrative-framework.yaml',
      marking: 'GREEN',
    });
    const quiet = (await overview(analyst)).quietDays;
    expect(quiet).not.toBeNull();
    expect(quiet?.since.slice(0, 10)).toBe('2026-11-26');
    const whole = quiet?.areas.find((a) => a.kind === 'whole');
    expect(whole?.quietDays).toBeLessThanOrEqual(1);
  });

  it('lists open items by role: incidents for the commission, none for the public or a liaison', async () => {
    const monitor = await t.tokenFor('JMVC', ['monitor']);
    await file(monitor, 'GREEN');
    const analyst = await overview(await t.tokenFor('JMVC', ['analyst']));
    expect(analyst.openItems.unverified).toMatchObject({ incidents: 1, reports: 1 });
    expect(analyst.openItems.unverified?.items[0]).toMatchObject({ status: 'reported', reports: 1 });
    expect(analyst.openItems.overdueVerifications).toMatchObject({ incidents: 0 });
    expect(analyst.violationBasis).toBe('incidents');
    expect(analyst.openItems.overdueAcknowledgements).toEqual({ total: 0, items: [] });

    const liaison = await overview(await t.tokenFor('RU', ['liaison']));
    expect(liaison.openItems.unverified).toBeNull();
    expect(liaison.openItems.overdueVerifications).toBeNull();
    expect(liaison.violationBasis).toBe('findings');
    expect(liaison.openItems.overdueAcknowledgements).toEqual({ total: 0, items: [] });

    const anonymous = await overview();
    expect(anonymous.openItems.unverified).toBeNull();
    expect(anonymous.openItems.overdueAcknowledgements).toBeNull();
    expect(anonymous.openItems.cases).toEqual({ total: 0, items: [] });
  });

  it('reports overdue verifications once an incident passes its deadline', async () => {
    const monitor = await t.tokenFor('JMVC', ['monitor']);
    await file(monitor, 'GREEN');
    t.clock.advance(72 * 3_600_000);
    const o = await overview(await t.tokenFor('JMVC', ['analyst']));
    expect(o.openItems.overdueVerifications?.incidents).toBe(1);
  });

  it("gives the log's health and a 90-day window on request, and refuses other windows", async () => {
    const o = await overview(undefined, '?days=90');
    expect(o.series).toHaveLength(90);
    expect(o.log.size).toBeGreaterThanOrEqual(0);
    expect(o.log.cosigners).toBe(0);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/overview?days=7' });
    expect(bad.statusCode).toBe(422);
  });
});
