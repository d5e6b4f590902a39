import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../../cli/runtime.js';
import { describeEachDialect } from '../../../test/support/databases.js';
import { fillDemoReports } from '../demo.js';
import { BULK_ANALYZE_FIRST_ROWS } from '../report.repository.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { ACLED_COLUMNS, ACLED_EXPORT_COLUMNS } from './acled.js';
import { csvLine, parseCsv } from './csv-parse.js';
import { CSV_DERIVED, CSV_FIELDS } from './csv.js';
import {
  allReports,
  exportReports,
  ImportFileError,
  importFile,
  problemReportCsv,
  type ImportFormat,
} from './importer.js';

/** A cell a spreadsheet would run as a formula (a plain number such as -12.5 is not one). */
const isFormula = (v: string) => /^[=+\-@\t\r]/.test(v) && !/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v);

const NOW = Date.parse('2026-11-26T08:00:00Z');

function acledRow(values: Partial<Record<(typeof ACLED_COLUMNS)[number], string>>): string[] {
  const base: Record<string, string> = {
    event_id_cnty: 'UKR100001',
    event_date: '2026-11-20',
    year: '2026',
    time_precision: '1',
    disorder_type: 'Political violence',
    event_type: 'Explosions/Remote violence',
    sub_event_type: 'Shelling/artillery/missile attack',
    actor1: 'Military Forces of Russia (2000-)',
    assoc_actor_1: '',
    inter1: '8',
    actor2: 'Civilians (Ukraine)',
    assoc_actor_2: '',
    inter2: '7',
    interaction: '78',
    civilian_targeting: 'Civilian targeting',
    iso: '804',
    region: 'Europe',
    country: 'Ukraine',
    admin1: 'Donetsk',
    admin2: 'Bakhmutskyi',
    admin3: 'Bakhmutska',
    location: 'Bakhmut',
    latitude: '48.5956',
    longitude: '38.0000',
    geo_precision: '1',
    source: 'Ukrinform; Suspilne',
    source_scale: 'National',
    notes:
      'On 20 November 2026, Russian forces shelled Bakhmut, "damaging" two houses,\nand a school. [size=no report]',
    fatalities: '0',
    tags: '',
    timestamp: '1764000000',
  };
  return ACLED_COLUMNS.map((c) => values[c] ?? base[c] ?? '');
}

function acledFile(rows: string[][]): string {
  return `${[csvLine([...ACLED_COLUMNS]), ...rows.map(csvLine)].join('\r\n')}\r\n`;
}

describeEachDialect('report import and export', (dialect) => {
  let t: TestApp;
  let dir: string;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-import-'));
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const reportCount = async () =>
    Number(
      (
        await t.services.database.db
          .selectFrom('reports')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const exportTo = async (format: ImportFormat, name: string) => {
    const out = path.join(dir, name);
    await exportReports(allReports(t.services.monitoring.reports, t.services.database.db), format, out);
    return out;
  };

  it('round-trips ACLED: import, export, the same 31 columns (quoted notes with commas and newlines)', async () => {
    const rows = [
      acledRow({}),
      acledRow({
        event_id_cnty: 'UKR100002',
        event_type: 'Battles',
        sub_event_type: 'Armed clash',
        time_precision: '2',
        geo_precision: '2',
        fatalities: '3',
        latitude: '48.45',
        longitude: '37.95',
        notes: 'Clashes, reportedly "heavy".',
      }),
      acledRow({
        event_id_cnty: 'UKR100003',
        event_type: 'Protests',
        sub_event_type: 'Peaceful protest',
        time_precision: '3',
        event_date: '2026-10-15',
        latitude: '47.8388',
        longitude: '35.1396',
        location: 'Zaporizhzhia',
        fatalities: '0',
        tags: 'crowd size=around 200',
      }),
    ];
    const file = write('acled.csv', acledFile(rows));
    const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, { format: 'acled' });
    expect(result.problems).toEqual([]);
    expect(result.accepted).toBe(3);
    const out = await exportTo('acled', 'acled-out.csv');
    const exported = parseCsv(fs.readFileSync(out, 'utf8'));
    // ACLED's 31 columns as they came in, then what Truceline adds (ignored when read back).
    expect(exported[0]?.fields).toEqual([...ACLED_EXPORT_COLUMNS]);
    const byId = new Map(exported.slice(1).map((r) => [r.fields[0], r.fields]));
    for (const row of rows) expect(byId.get(row[0])?.slice(0, ACLED_COLUMNS.length)).toEqual(row);
    expect(byId.get('UKR100002')?.slice(ACLED_COLUMNS.length)).toEqual([
      'AMBER',
      'false',
      'armed-clash',
      'acled',
      'UKR100002',
      'F6',
    ]);
    const again = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, out, { format: 'acled' });
    expect(again).toMatchObject({ accepted: 0, unchanged: 3, rejected: 0 });
  });

  it.each(['csv', 'geojson'] as const)(
    'round-trips %s: export, import elsewhere, export again, unchanged',
    async (format) => {
      await fillDemoReports(t.services.monitoring.reports, CONSOLE_ACTOR, 150, { seed: 5, end: NOW });
      const first = await exportTo(format, `first.${format}`);
      const other = await startTestApp(dialect, { monitoring: {} });
      try {
        const result = await importFile(other.services.monitoring.reports, CONSOLE_ACTOR, first, {
          format,
          externalSystem: 'demo',
        });
        expect(result.problems).toEqual([]);
        expect(result.accepted).toBe(await reportCount());
        const second = path.join(dir, `second.${format}`);
        await exportReports(
          allReports(other.services.monitoring.reports, other.services.database.db),
          format,
          second,
        );
        if (format === 'csv') {
          const a = parseCsv(fs.readFileSync(first, 'utf8')).map((r) =>
            r.fields.slice(0, CSV_FIELDS.length + 0),
          );
          const b = parseCsv(fs.readFileSync(second, 'utf8')).map((r) =>
            r.fields.slice(0, CSV_FIELDS.length + 0),
          );
          expect(new Set(b.map((r) => JSON.stringify(r)))).toEqual(new Set(a.map((r) => JSON.stringify(r))));
        } else {
          const strip = (text: string) =>
            (
              JSON.parse(text) as {
                features: {
                  id: string;
                  geometry: unknown;
                  properties: { derived: { classification: unknown } } & Record<string, unknown>;
                }[];
              }
            ).features
              .map(({ id, geometry, properties: { derived, ...props } }) =>
                JSON.stringify({ id, geometry, props, classification: derived.classification }),
              )
              .sort();
          expect(strip(fs.readFileSync(second, 'utf8'))).toEqual(strip(fs.readFileSync(first, 'utf8')));
        }
        const again = await importFile(other.services.monitoring.reports, CONSOLE_ACTOR, first, {
          format,
          externalSystem: 'demo',
        });
        expect(again.accepted + again.revised).toBe(0);
      } finally {
        await other.close();
      }
    },
  );

  it('exports carry each report’s marking, category, external system and id and grade, and a geometry for every report (observer bearings and MGRS included)', async () => {
    const filled = await fillDemoReports(t.services.monitoring.reports, CONSOLE_ACTOR, 200, {
      seed: 7,
      end: NOW,
    });
    expect(filled.accepted).toBeGreaterThan(150);
    const csv = parseCsv(fs.readFileSync(await exportTo('csv', 'facts.csv'), 'utf8'));
    const header = csv[0]?.fields ?? [];
    expect(header).toEqual([...CSV_FIELDS, ...CSV_DERIVED]);
    const cell = (row: { fields: string[] }, name: string) => row.fields[header.indexOf(name)] ?? '';
    const rows = csv.slice(1);
    expect(rows).toHaveLength(filled.accepted);
    // The demo files SMM codes, not categories: the filed column stays empty, the agreement's is filled.
    expect(rows.filter((r) => cell(r, 'category') === '').length).toBeGreaterThan(100);
    for (const r of rows) {
      expect(cell(r, 'report_category'), cell(r, 'external_id')).toMatch(/^[a-z][a-z0-9-]+$/);
      // The demo marks open-source reports and every eighth other CLEAR, the rest GREEN.
      expect(['CLEAR', 'GREEN']).toContain(cell(r, 'tlp'));
      expect([cell(r, 'tlp_strict'), cell(r, 'report_external_system')]).toEqual(['false', 'demo']);
      expect(cell(r, 'report_external_id')).toBe(cell(r, 'external_id'));
      expect(cell(r, 'grade')).toMatch(/^[A-F][1-6]$/);
    }
    const geo = JSON.parse(fs.readFileSync(await exportTo('geojson', 'facts.geojson'), 'utf8')) as {
      features: {
        geometry: { type: string; coordinates: number[] } | null;
        properties: { location?: { observer?: unknown; mgrs?: string }; derived: Record<string, unknown> };
      }[];
    };
    expect(geo.features).toHaveLength(filled.accepted);
    const estimated = geo.features.filter((f) => f.properties.derived.geometryFrom !== undefined);
    expect(estimated.some((f) => f.properties.derived.geometryFrom === 'bearing')).toBe(true);
    expect(estimated.some((f) => f.properties.derived.geometryFrom === 'mgrs')).toBe(true);
    for (const f of geo.features) {
      expect(f.geometry).not.toBeNull();
      expect(f.properties.derived).toMatchObject({ strict: false, externalSystem: 'demo' });
      expect(['CLEAR', 'GREEN']).toContain(f.properties.derived.tlp);
      expect(f.properties.derived.category).toEqual(expect.stringMatching(/^[a-z][a-z0-9-]+$/));
    }
    for (const f of estimated) {
      // The estimated point is the stored one; the position as filed stays in properties.location.
      expect(f.geometry?.coordinates).toEqual(f.properties.derived.point);
      expect(f.properties.location?.observer ?? f.properties.location?.mgrs).toBeDefined();
    }
    const acled = parseCsv(fs.readFileSync(await exportTo('acled', 'facts-acled.csv'), 'utf8'));
    const acledHeader = acled[0]?.fields ?? [];
    for (const r of acled.slice(1)) {
      const facts = r.fields.slice(ACLED_COLUMNS.length);
      expect(['CLEAR', 'GREEN']).toContain(facts[0]);
      expect(facts[2]).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(facts[3]).toBe('demo');
      expect(facts[4]).toBe(r.fields[acledHeader.indexOf('event_id_cnty')]);
    }
  });

  it('imports a foreign CSV through a column mapping', async () => {
    const file = write(
      'foreign.csv',
      'When,Lat,Lon,What,Notes\r\n2026-11-24T22:10:00Z,48.55,37.95,cfv-small-arms,"Bursts, then single shots"\r\n',
    );
    const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'csv',
      mapping: { observed_from: 'When', lat: 'Lat', lon: 'Lon', category: 'What', narrative: 'Notes' },
    });
    expect(result.problems).toEqual([]);
    expect(result.accepted).toBe(1);
  });

  it('reports every bad row with its line and column and imports none of them', async () => {
    const rows = [
      acledRow({}),
      acledRow({ event_id_cnty: 'UKR2', latitude: '95.2' }),
      acledRow({ event_id_cnty: 'UKR3', event_date: '2026-13-40' }),
      acledRow({ event_id_cnty: 'UKR4', event_type: 'Skirmish' }),
      acledRow({ event_id_cnty: 'UKR5', event_date: '2027-02-01' }),
    ];
    const file = write('bad.csv', acledFile(rows));
    const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, { format: 'acled' });
    expect(result.accepted).toBe(0);
    expect(result.rejected).toBe(4);
    const lines = result.problems.map((p) => `${p.line}:${p.path}`);
    // Line 2 holds a quoted newline in its notes, so row n starts on line 2n.
    expect(lines).toEqual(['4:latitude', '6:event_date', '8:event_type', '10:event_date']);
    expect(result.problems[0]?.reason).toMatch(/latitude 95.2 is out of range/);
    expect(result.problems[3]?.reason).toMatch(/in the future/);
    expect(result.problems.every((p) => p.file === file)).toBe(true);
    expect(await reportCount()).toBe(0);
    const partial = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'acled',
      applyGood: true,
    });
    expect(partial).toMatchObject({ accepted: 1, rejected: 4 });
  });

  it('writes the problem report with formula cells neutralised and quoted (security B3: CSV injection in the import problem report)', async () => {
    // The file's own column names and cells reach the report through the mapping and the reasons.
    const file = write('hostile.csv', `When,@SUM(A1),Lon\r\n2026-11-24T22:10:00Z,=1+2,38\r\n`);
    const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'csv',
      mapping: { observed_from: 'When', lat: '@SUM(A1)', lon: 'Lon' },
    });
    expect(result.problems.map((p) => p.path)).toContain('@SUM(A1)');
    const starts = ['=', '+', '-', '@', '\t', '\r'];
    const text = problemReportCsv(file, [
      ...result.problems,
      ...starts.map((s, i) => ({ file: `${s}cmd|' /C calc'!A0`, line: i, path: `${s}x`, reason: `${s}1+1` })),
      { file, line: 9, path: 'lat', reason: '-12.5' },
    ]);
    const [header, ...rows] = parseCsv(text);
    expect(header?.fields).toEqual(['file', 'line', 'field', 'reason']);
    expect(rows).toHaveLength(result.problems.length + starts.length + 1);
    const cells = rows.flatMap((r) => r.fields);
    expect(cells.filter(isFormula)).toEqual([]);
    // Each neutralised cell is prefixed with an apostrophe and quoted; a plain number is left alone.
    expect(text).toContain(`"'@SUM(A1)"`);
    for (const s of starts) expect(text).toContain(`"'${s}1+1"`);
    expect(rows.at(-1)?.fields).toEqual([file, '9', 'lat', '-12.5']);
    expect(await reportCount()).toBe(0);
  });

  it('dry run validates and classifies everything and writes nothing', async () => {
    const file = write('ok.csv', acledFile([acledRow({}), acledRow({ event_id_cnty: 'UKR9' })]));
    const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'acled',
      dryRun: true,
    });
    expect(result).toMatchObject({ accepted: 2, dryRun: true, problems: [] });
    expect(await reportCount()).toBe(0);
  });

  it('a bulk import (COPY on PostgreSQL) stores and logs every row, rolls back on a bad row late in the file, and a dry run writes nothing', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => acledRow({ event_id_cnty: `UKRB${i}` }));
    const queued = async () =>
      Number(
        (
          await t.services.database.db
            .selectFrom('log_queue')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ) +
      Number(
        (
          await t.services.database.db
            .selectFrom('log_entries')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const reports = t.services.monitoring.reports;
    // Chunks of 150 are written as they come, so the bad last row undoes rows already copied.
    const bad = write(
      'late-bad.csv',
      acledFile([...rows, acledRow({ event_id_cnty: 'UKRX', latitude: '95' })]),
    );
    const before = await queued();
    const refused = await importFile(reports, CONSOLE_ACTOR, bad, { format: 'acled', chunkSize: 150 });
    expect(refused).toMatchObject({ accepted: 0, rejected: 1 });
    expect(refused.problems.map((p) => `${p.file}:${p.line}:${p.path}`)).toEqual([`${bad}:602:latitude`]);
    expect(await reportCount()).toBe(0);
    expect(await queued()).toBe(before);
    const file = write('bulk.csv', acledFile(rows));
    const dry = await importFile(reports, CONSOLE_ACTOR, file, {
      format: 'acled',
      chunkSize: 150,
      dryRun: true,
    });
    expect(dry).toMatchObject({ accepted: 300, dryRun: true, problems: [] });
    expect(await reportCount()).toBe(0);
    expect(await queued()).toBe(before);
    const result = await importFile(reports, CONSOLE_ACTOR, file, { format: 'acled', chunkSize: 150 });
    expect(result).toMatchObject({ accepted: 300, rejected: 0, problems: [] });
    expect(await reportCount()).toBe(300);
    // Each report's entry, and its classification's where logged apart.
    expect(await queued()).toBeGreaterThanOrEqual(before + 300);
    const again = await importFile(reports, CONSOLE_ACTOR, file, { format: 'acled', chunkSize: 150 });
    expect(again).toMatchObject({ accepted: 0, unchanged: 300 });
    // The stored bodies read back whole: the notes' quotes, commas and newline went through COPY.
    const [header, ...exported] = parseCsv(fs.readFileSync(await exportTo('acled', 'bulk-out.csv'), 'utf8'));
    const notes = header?.fields.indexOf('notes') ?? -1;
    expect(exported).toHaveLength(300);
    expect(new Set(exported.map((r) => r.fields[notes]))).toEqual(
      new Set([acledRow({})[ACLED_COLUMNS.indexOf('notes')]]),
    );
  });

  it.skipIf(dialect === 'sqlite')(
    'a long import on PostgreSQL gives the planner statistics of the rows it wrote (external ids are looked up by index)',
    async () => {
      const rows = Array.from({ length: BULK_ANALYZE_FIRST_ROWS }, (_, i) =>
        acledRow({ event_id_cnty: `UKRS${i}` }),
      );
      const file = write('long.csv', acledFile(rows));
      const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
        format: 'acled',
        chunkSize: 1000,
      });
      expect(result).toMatchObject({ accepted: BULK_ANALYZE_FIRST_ROWS, problems: [] });
      const { rows: stats } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stats
        where schemaname = current_schema() and tablename = 'reports' and attname = 'external_id'`.execute(
        t.services.database.db,
      );
      expect(stats[0]?.n).toBe(1);
    },
  );

  it('rejects a file in the wrong encoding, naming the line', async () => {
    const text = acledFile([
      acledRow({ location: 'Kramatorsk' }),
      acledRow({ event_id_cnty: 'UKR7', location: 'Kramatorsk' }),
    ]);
    const latin1 = Buffer.from(text.replace('Kramatorsk', 'Kramatorsk\u00e9'), 'latin1');
    const file = write('latin1.csv', latin1);
    const err = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'acled',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).message).toMatch(/not valid UTF-8 .*line 2/);
    expect(await reportCount()).toBe(0);
  });

  it('refuses a GeoJSON file that is JSON but not an object (null answered a TypeError)', async () => {
    for (const text of ['null', '42', '[]', '"FeatureCollection"']) {
      const file = write('not-an-object.geojson', text);
      const err = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
        format: 'geojson',
      }).catch((e: unknown) => e);
      expect(err, text).toBeInstanceOf(ImportFileError);
      expect((err as ImportFileError).problems).toEqual([
        { file, path: '/type', reason: 'must be FeatureCollection with features' },
      ]);
    }
    expect(await reportCount()).toBe(0);
  });

  it('rejects a file with the wrong columns', async () => {
    const header: string[] = [...ACLED_COLUMNS.filter((c) => c !== 'latitude'), 'lat'];
    const file = write('cols.csv', `${csvLine(header)}\r\n`);
    const err = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'acled',
    }).catch((e: unknown) => e);
    expect((err as ImportFileError).problems.map((p) => p.reason)).toEqual([
      'missing ACLED column: latitude',
      "unknown column: lat (this is not ACLED's 31-column export)",
    ]);
    const csv = write('cols2.csv', 'observed_from,lat,lon,colour\r\n');
    const err2 = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, csv, { format: 'csv' }).catch(
      (e: unknown) => e,
    );
    expect((err2 as ImportFileError).message).toMatch(/unknown column: colour/);
  });
});
