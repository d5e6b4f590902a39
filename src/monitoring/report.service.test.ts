import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { consoleActor, type Actor } from '../access/audit.service.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { AppError, type FieldProblem } from '../core/errors.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { fillDemoReports } from './demo.js';
import { importFile } from './import/importer.js';

describeEachDialect('report service', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(async () => t.close());

  const actorWith = async (organisationId: string, roles: Parameters<TestApp['tokenFor']>[1]) =>
    consoleActor(await t.services.sessions.principalFromToken(await t.tokenFor(organisationId, roles)));
  /** Reports stored and log entries appended (queued or integrated), in one statement. */
  const written = async () =>
    (
      await sql<{ reports: number; logged: number }>`select
        (select count(*) from reports) as reports,
        (select count(*) from log_queue) + (select count(*) from log_entries) as logged`.execute(
        t.services.database.db,
      )
    ).rows.map((r) => ({ reports: Number(r.reports), logged: Number(r.logged) }))[0];

  async function expectForbidden(intake: Promise<unknown>): Promise<void> {
    const error = await intake.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('forbidden');
    expect((error as AppError).message).toMatch(/reports:create/);
  }

  it('refuses every way in without reports:create (API intake, file import, demo) and writes nothing', async () => {
    // A commission analyst reads and grades reports but does not file them.
    const analyst: Actor = await actorWith('JMVC', ['analyst']);
    const before = await written();
    const reports = t.services.monitoring.reports;
    await expectForbidden(reports.submit(analyst, [sampleInput()], () => '/body', false));
    const file = path.join(t.dataDir, 'reports.geojson');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            id: 'f-1',
            geometry: { type: 'Point', coordinates: [38.08, 48.36] },
            properties: { ...sampleInput(), location: undefined },
          },
        ],
      }),
    );
    await expectForbidden(importFile(reports, analyst, file, { format: 'geojson' }));
    await expectForbidden(
      fillDemoReports(reports, analyst, 5, {
        end: t.clock.now().getTime(),
        start: t.clock.now().getTime() - 86_400_000,
      }),
    );
    expect(await written()).toEqual(before);
    // The same file is fine for a monitor: the refusal was the permission, not the input.
    const monitor = await actorWith('JMVC', ['monitor']);
    expect(await importFile(reports, monitor, file, { format: 'geojson' })).toMatchObject({ accepted: 1 });
  });

  const DAY = 86_400_000;
  const observedAt = (ms: number) => ({ from: new Date(ms).toISOString(), precision: 'exact' });
  const submitOne = (input: Record<string, unknown>) =>
    t.services.monitoring.reports
      .submit(CONSOLE_ACTOR, [input], () => '/body', false)
      .then(
        (result) => ({ result, problems: [] as FieldProblem[] }),
        (err: unknown) => ({ result: undefined, problems: err instanceof AppError ? err.errors : [] }),
      );

  it('judges "in the future" by the service clock, not the wall clock', async () => {
    const wall = Date.now();
    // The service's clock a month ahead of the wall clock: a report from last week by it is fine.
    t.clock.current = new Date(wall + 30 * DAY);
    const ahead = await submitOne(sampleInput({ observed: observedAt(wall + 23 * DAY) }));
    expect(ahead.problems).toEqual([]);
    expect(ahead.result?.accepted).toBe(1);
    // A month behind: an hour after its time is in the future, though long past by the wall clock.
    t.clock.current = new Date(wall - 30 * DAY);
    const behind = await submitOne(sampleInput({ observed: observedAt(wall - 30 * DAY + 3_600_000) }));
    expect(behind.problems).toEqual([
      { path: '/body/observed/from', reason: expect.stringMatching(/in the future/) },
    ]);
  });

  it('stamps each report with the service clock: its creation time and the time in its id', async () => {
    const clock = new Date(Date.now() + 30 * DAY);
    t.clock.current = clock;
    const reports = [1, 2, 3].map((n) =>
      sampleInput({ externalId: `clock-${n}`, observed: observedAt(clock.getTime() - n * DAY) }),
    );
    const result = await t.services.monitoring.reports.submit(
      CONSOLE_ACTOR,
      reports,
      (i) => `/body/reports/${i}`,
      false,
    );
    const stored = result.stored ?? [];
    expect(stored).toHaveLength(3);
    for (const report of stored) {
      expect(report.createdAt).toBe(clock.toISOString());
      // UUID version 7: the first 48 bits are the time in milliseconds.
      expect(parseInt(report.id.replace(/-/g, '').slice(0, 12), 16)).toBe(clock.getTime());
    }
    // Made in one millisecond by a clock that stands still, the ids still sort by creation.
    const ids = stored.map((r) => r.id);
    expect([...ids].sort()).toEqual(ids);
  });
});
