import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { STORED_BODY_FORMAT, reportFromRow, storedBody } from './report.body.js';
import type { Report } from './report.model.js';
import { findVisibleReport } from './report.repository.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';

describeEachDialect('stored report body', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(async () => t.close());

  const inputs = [
    sampleInput(),
    // No source and no reporter; addressees, links, attributes, an external id; MGRS in.
    sampleInput({
      source: undefined,
      reporter: undefined,
      credibility: undefined,
      location: { mgrs: '37U DP 2983 5405' },
      addressees: { organisations: ['UA'] },
      links: ['https://example.org/a', 'urn:x:1'],
      attributes: { actor1: 'Unit A', notes: 'quoted, "with" commas\nand a newline' },
      externalId: 'ext-1',
      marking: 'CLEAR',
    }),
    // A fire observation from afar, casualties, an ACLED category and a day-precision window.
    sampleInput({
      smm: undefined,
      acled: { eventType: 'Explosions/Remote violence', subEventType: 'Shelling/artillery/missile attack' },
      location: { observer: { lon: 37.9, lat: 48.5, bearingDeg: 90, distanceM: 4000 } },
      casualties: { civilian: { killed: 1, injured: 2 }, military: { injured: 1 } },
      observed: { from: '2026-11-24', precision: 'day', timeZone: 'Europe/Kyiv' },
      narrative: undefined,
      language: undefined,
    }),
    // Equipment matched from a system name and calibre; a new source, registered on first sight, claiming A1.
    sampleInput({
      smm: undefined,
      category: 'heavy-weapons-in-zone',
      equipment: { system: 'D-30 howitzer', calibreMm: 122 },
      counts: { items: 2 },
      location: { lon: 38.9, lat: 47.3, uncertaintyM: 100 },
      source: { name: 'Outlet X', reliability: 'A' },
      credibility: 1,
    }),
  ];

  it('reads back exactly the report that was written, from a body a fifth smaller or more', async () => {
    const result = await t.services.monitoring.reports.submit(
      CONSOLE_ACTOR,
      inputs,
      (i) => `/body/reports/${i}`,
      false,
    );
    expect(result.problems).toEqual([]);
    const written = result.stored ?? [];
    expect(written).toHaveLength(inputs.length);
    for (const report of written) {
      const read = await findVisibleReport(t.services.database.db, undefined, report.id);
      const { logSeq, ...back } = read ?? ({ logSeq: null } as never);
      // As JSON: the in-memory report keeps `undefined` members of the input, which no store keeps.
      expect(back).toStrictEqual(JSON.parse(JSON.stringify(report)));
      expect(typeof logSeq).toBe('number');
      const row = await t.services.database.db
        .selectFrom('reports')
        .select('body')
        .where('id', '=', report.id)
        .executeTakeFirstOrThrow();
      expect((JSON.parse(row.body) as { format: number }).format).toBe(STORED_BODY_FORMAT);
      expect(row.body.length).toBeLessThan(JSON.stringify(report).length * 0.8);
    }
  });

  it('keeps a field the report does not have although the input did, and one that differs from it', async () => {
    const result = await t.services.monitoring.reports.submit(
      CONSOLE_ACTOR,
      [inputs[0]],
      () => '/body',
      false,
    );
    const stored = JSON.parse(JSON.stringify(result.stored?.[0])) as Report;
    const { narrative: _dropped, ...withoutNarrative } = stored;
    const changed: Report = { ...withoutNarrative, reporter: { name: 'Renamed', kind: 'patrol' } };
    const row = await t.services.database.db
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    const body = storedBody(changed);
    expect(JSON.parse(body)).toMatchObject({ narrative: null, reporter: { name: 'Renamed' } });
    expect(reportFromRow({ ...row, body })).toStrictEqual(changed);
  });

  it('still reads a body written before the format (the whole report as JSON)', async () => {
    const result = await t.services.monitoring.reports.submit(
      CONSOLE_ACTOR,
      [inputs[1]],
      () => '/body',
      false,
    );
    const report = result.stored?.[0] as Report;
    const db = t.services.database.db;
    await db
      .updateTable('reports')
      .set({ body: JSON.stringify(report) })
      .where('id', '=', report.id)
      .execute();
    await sql`update reports set superseded_by = ${'later-id'} where id = ${report.id}`.execute(db);
    const read = await findVisibleReport(db, undefined, report.id);
    const { logSeq: _seq, ...back } = read ?? ({ logSeq: null } as never);
    expect(back).toStrictEqual({ ...JSON.parse(JSON.stringify(report)), supersededBy: 'later-id' });
  });
});
