import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, sampleInput, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { fixturePlaceNames } from '../../test/support/place-names.js';
import {
  callerFor,
  fileThreeSightings,
  verificationStaff,
  type Caller,
} from '../../test/support/verification.js';
import { ANONYMOUS, type Principal } from '../access/policy.js';

// A value only UA's AMBER report carries: no edition but UA's and the commission's may hold it.
const CANARY = 'Qx9-amber-ua-only';
const DAY = '2026-11-25';

/** A report observed at `at` (UTC), CLEAR unless told. */
function reportAt(at: string, extra: Record<string, unknown> = {}) {
  return sampleInput({
    observed: { from: at, precision: 'exact', timeZone: 'UTC' },
    marking: 'CLEAR',
    ...extra,
  });
}

describeEachDialect('daily report (service)', (dialect) => {
  let t: TestApp;
  let monitorUA: Caller;
  let amberId = '';
  const principal = async (org: string, role: 'monitor' | 'liaison' | 'analyst'): Promise<Principal> =>
    t.services.sessions.principalFromToken(await t.tokenFor(org, [role]));

  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {}, placeNames: await fixturePlaceNames() });
    monitorUA = callerFor(t, await t.tokenFor('UA', ['monitor']));
    const post = async (body: unknown) => {
      const res = await monitorUA('POST', '/api/v1/reports', body);
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      return res.json as { report: { id: string } };
    };
    // The day: three CLEAR explosions, one CLEAR obstruction of monitors, one AMBER explosion of UA.
    for (const h of ['06', '09', '13']) await post(reportAt(`${DAY}T${h}:00:00Z`));
    await post(
      reportAt(`${DAY}T15:00:00Z`, {
        smm: undefined,
        category: 'monitor-obstruction',
        narrative: 'Patrol stopped at a checkpoint and denied passage towards the village.',
      }),
    );
    const amber = await post(
      reportAt(`${DAY}T17:00:00Z`, { marking: 'AMBER', narrative: `Impacts ${CANARY}` }),
    );
    amberId = amber.report.id;
    // The day before: two; three days before: four; eight days before (outside the week): one.
    for (const h of ['10', '20']) await post(reportAt(`2026-11-24T${h}:00:00Z`));
    for (const h of ['01', '02', '03', '04']) await post(reportAt(`2026-11-22T${h}:00:00Z`));
    await post(reportAt('2026-11-17T12:00:00Z'));
  });
  afterEach(() => t.close());

  it('counts the day against the previous day and the 7 days before, by category and sector', async () => {
    const r = await t.services.daily.build(await principal('RU', 'liaison'), DAY);
    expect(r.edition).toBe('restricted');
    expect(r.totals).toEqual({ day: 4, previousDay: 2, previousWeek: 6, previousWeekMean: 0.9 });
    const explosion = r.byCategory.find((c) => c.id === 'cfv-explosion');
    expect(explosion).toMatchObject({ day: 3, previousDay: 2, previousWeek: 6, previousWeekMean: 0.9 });
    expect(explosion?.name).toMatch(/Explosion/);
    expect(r.byCategory.find((c) => c.id === 'monitor-obstruction')).toMatchObject({
      day: 1,
      previousDay: 0,
    });
    expect(r.bySector).toEqual([
      {
        id: 'sector-east',
        name: 'Donetsk and Luhansk sector',
        day: 4,
        previousDay: 2,
        previousWeek: 6,
        previousWeekMean: 0.9,
      },
    ]);
    expect(r.freedomOfMovement).toMatchObject({
      count: 1,
      previousDay: 0,
      categories: ['monitor-obstruction'],
    });
    expect(r.freedomOfMovement.reports[0]?.place).toMatch(/km [NESW]+ of |^at /);
    expect(r.omitted.reports).toBe(1);
  });

  it('lists weapons seen inside a withdrawal band, with the restriction they break', async () => {
    const howitzers = await monitorUA(
      'POST',
      '/api/v1/reports',
      reportAt(`${DAY}T19:00:00Z`, {
        smm: undefined,
        category: 'heavy-weapons-in-zone',
        equipment: { system: 'D-30 howitzer', calibreMm: 122 },
        counts: { items: 2 },
        location: { lon: 37.95, lat: 48.45, uncertaintyM: 100 },
      }),
    );
    expect(howitzers.status, JSON.stringify(howitzers.json)).toBe(201);
    const r = await t.services.daily.build(await principal('RU', 'liaison'), DAY);
    expect(r.weaponsInZones.count).toBe(1);
    expect(r.weaponsInZones.reports[0]).toMatchObject({
      id: howitzers.json.report.id,
      what: '2 × D-30 howitzer (122 mm)',
      why: expect.stringMatching(/prohibited in .* on the RU side/),
    });
  });

  it("lists the day's verified incident with its nearest settlement for the commission, not for a party", async () => {
    const staff = await verificationStaff(t);
    const [sighting] = await fileThreeSightings(staff);
    const queue = await staff.analyst('GET', '/api/v1/incidents?limit=100');
    const id = (queue.json.incidents as { id: string; reportIds: string[] }[]).find((i) =>
      i.reportIds.includes(sighting.json.report.id as string),
    )?.id as string;
    const move = (who: Caller, reason: string, to = 'verified') =>
      who('POST', `/api/v1/incidents/${id}/transitions`, { to, reason });
    expect((await move(staff.analyst, 'taking it', 'under_review')).status).toBe(200);
    expect((await move(staff.analyst, 'two teams agree')).status).toBe(200);
    expect((await move(staff.analystEU, 'confirmed')).json.incident.status).toBe('verified');

    const commission = await t.services.daily.build(await principal('JMVC', 'analyst'), DAY);
    expect(commission.incidentBasis).toBe('incidents');
    expect(commission.incidents).toEqual([
      expect.objectContaining({ id, kind: 'incident', category: 'cfv-explosion', severity: 'serious' }),
    ]);
    expect(commission.incidents[0]?.place).toMatch(/^\d+(\.\d)? km (N|NE|E|SE|S|SW|W|NW) of Horlivka$/);
    expect(commission.map.points.filter((p) => p.kind === 'incident')).toHaveLength(1);
    const party = await t.services.daily.build(await principal('RU', 'liaison'), DAY);
    expect(party.incidentBasis).toBe('findings');
    expect(party.incidents).toEqual([]);
  });

  it('the public edition leaves out the AMBER report and says how many it left out', async () => {
    const r = await t.services.daily.build(ANONYMOUS, DAY);
    expect(r.edition).toBe('public');
    expect(r.audience).toBe('public');
    expect(r.totals.day).toBe(4);
    expect(r.omitted.reports).toBe(1);
    for (const format of ['json', 'html'] as const) {
      const text = (await t.services.daily.render(ANONYMOUS, DAY, format)).bytes.toString('utf8');
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(amberId);
    }
    const html = (await t.services.daily.render(ANONYMOUS, DAY, 'html')).bytes.toString('utf8');
    expect(html).toContain('leaves out 1 report of the day marked for narrower audiences');
    expect(html).toContain('4 reports observed on this day');
  });

  it('writes the Ukrainian edition: lang, date, plurals and place names in Ukrainian', async () => {
    const html = (await t.services.daily.render(ANONYMOUS, DAY, 'html', 'uk')).bytes.toString('utf8');
    expect(html).toContain('<html lang="uk">');
    expect(html).toContain('<h1>Щоденний звіт, 25 листопада 2026 р.</h1>');
    expect(html).toContain('зафіксовано 4 звіти');
    expect(html).toContain('0 обмежень пересування спостерігачів');
    expect(html).toContain('у середньому 0,9 на добу');
    expect(html).toContain('не містить 1 звіту за добу, позначеного для вужчого кола');
    expect(html).not.toContain(CANARY);
    // The commission's edition lists the obstruction, placed by the fixture's Ukrainian name.
    const commission = await principal('JMVC', 'analyst');
    const ukFull = (await t.services.daily.render(commission, DAY, 'html', 'uk')).bytes.toString('utf8');
    expect(ukFull).toContain('1 обмеження пересування спостерігачів');
    expect(ukFull).toMatch(/\d+(,\d)? км на [а-яі ]+ від н\. п\. Горлівка/);
    expect(ukFull).not.toMatch(/ km (N|NE|E|SE|S|SW|W|NW) of /);
    const en = (await t.services.daily.render(commission, DAY, 'html', 'en')).bytes.toString('utf8');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('1 restriction of the monitors&#39; movement');
    expect(en).toMatch(/\d+(\.\d)? km (N|NE|E|SE|S|SW|W|NW) of Horlivka/);
  });

  it('records the Ukrainian edition under its own hash with its language; JSON has none', async () => {
    const en = await t.services.daily.render(ANONYMOUS, DAY, 'pdf', 'en');
    const uk = await t.services.daily.render(ANONYMOUS, DAY, 'pdf', 'uk');
    expect(uk.bytes.equals(en.bytes)).toBe(false);
    expect([en.logged, uk.logged]).toEqual([true, true]);
    expect([en.edition.lang, uk.edition.lang]).toEqual(['en', 'uk']);
    expect((await t.services.daily.verify(uk.bytes)).edition).toMatchObject({
      date: DAY,
      format: 'pdf',
      lang: 'uk',
    });
    expect((await t.services.daily.verify(en.bytes)).edition?.lang).toBe('en');
    const jsonEn = await t.services.daily.render(ANONYMOUS, DAY, 'json', 'en');
    const jsonUk = await t.services.daily.render(ANONYMOUS, DAY, 'json', 'uk');
    expect(jsonUk.bytes.equals(jsonEn.bytes)).toBe(true);
    expect([jsonEn.logged, jsonUk.logged, jsonEn.edition.lang]).toEqual([true, false, null]);
    const rows = await t.services.database.db
      .selectFrom('daily_report_editions')
      .select(['format', 'lang'])
      .orderBy('format')
      .orderBy('lang')
      .execute();
    expect(rows).toEqual([
      { format: 'json', lang: null },
      { format: 'pdf', lang: 'en' },
      { format: 'pdf', lang: 'uk' },
    ]);
  });

  it("an AMBER report of UA never appears in RU's edition, and does in UA's and the commission's", async () => {
    expect(amberId).not.toBe('');
    const ru = await principal('RU', 'liaison');
    for (const format of ['json', 'html'] as const) {
      const text = (await t.services.daily.render(ru, DAY, format)).bytes.toString('utf8');
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(amberId);
    }
    expect((await t.services.daily.build(await principal('UA', 'liaison'), DAY)).totals.day).toBe(5);
    const commission = await t.services.daily.build(await principal('JMVC', 'analyst'), DAY);
    expect(commission.totals.day).toBe(5);
    expect(commission.omitted.reports).toBe(0);
  });

  it('renders the same bytes for the same data and logs each distinct edition once', async () => {
    const a = await t.services.daily.render(ANONYMOUS, DAY, 'pdf');
    const b = await t.services.daily.render(ANONYMOUS, DAY, 'pdf');
    expect(a.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect([a.logged, b.logged]).toEqual([true, false]);
    const rows = await t.services.database.db.selectFrom('daily_report_editions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: a.edition.sha256,
      marking: 'CLEAR',
      format: 'pdf',
      edition: 'public',
    });
    const check = await t.services.daily.verify(a.bytes);
    expect(check.edition?.date).toBe(DAY);
    expect(
      (await t.services.daily.verify(Buffer.concat([a.bytes, Buffer.from(' ')]))).edition,
    ).toBeUndefined();
  });

  it('refuses a day that is not one, or is in the future, and writes nothing', async () => {
    for (const bad of ['2026-02-30', '25-11-2026', '2026-11-27'])
      await expect(t.services.daily.render(ANONYMOUS, bad, 'json')).rejects.toMatchObject({
        code: 'validation_failed',
        errors: [expect.objectContaining({ path: 'date' })],
      });
    const rows = await t.services.database.db.selectFrom('daily_report_editions').selectAll().execute();
    expect(rows).toHaveLength(0);
  });
});
