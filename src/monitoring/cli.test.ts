import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { parseCsv } from './import/csv-parse.js';

const MAIN = path.resolve('src/cli/main.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-monitoring-cli-'));

function run(args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, TRUCELINE_SCRYPT_N: '1024', TRUCELINE_DATA_DIR: dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The summary line of `import` and `demo`. */
function counts(stdout: string): { accepted: number; revised: number; unchanged: number; rejected: number } {
  const m = /^(\d+) accepted, (\d+) revised, (\d+) unchanged, (\d+) rejected/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  const [accepted, revised, unchanged, rejected] = (m ?? []).slice(1).map(Number);
  return {
    accepted: accepted ?? -1,
    revised: revised ?? -1,
    unchanged: unchanged ?? -1,
    rejected: rejected ?? -1,
  };
}

/** Reports stored and log entries appended (queued or integrated) in the CLI's database. */
function stored(): { reports: number; logged: number } {
  const db = new Database(path.join(dir, 'truceline.db'), { readonly: true });
  try {
    return (
      db
        .prepare<[], { reports: number; logged: number }>(
          `select (select count(*) from reports) as reports,
                (select count(*) from log_queue) + (select count(*) from log_entries) as logged`,
        )
        .get() ?? { reports: -1, logged: -1 }
    );
  } finally {
    db.close();
  }
}

describe('truceline import / export / demo', { timeout: 180_000 }, () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates demo reports, exports them, imports the export and again with nothing changed, with a per-row report', () => {
    expect(run(['init', '--demo-reports', '0']).code).toBe(0);
    // A version of the agreement that is in force (the demo's own awaits its signature date).
    const agreement = path.join(dir, 'agreement.yaml');
    fs.writeFileSync(agreement, illustrativeAgreementText().replace(/^version: 3$/m, 'version: 4'));
    expect(run(['agreement', 'load', agreement]).code).toBe(0);
    const demo = run(['demo', '--reports', '300', '--days', '30']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/^\d+ accepted, 0 revised, 0 unchanged, \d+ rejected/);
    const afterDemo = stored();
    expect(afterDemo.reports).toBe(counts(demo.stdout).accepted);
    const out = path.join(dir, 'reports.csv');
    const exported = run(['export', '--format', 'acled', '--out', out, '--all']);
    expect(exported.stdout).toMatch(/Exported \d+ reports/);
    expect(exported.stderr).toMatch(/^Included markings \(the full record\): /);
    const exportedCount = Number(/Exported (\d+) reports/.exec(exported.stdout)?.[1]);
    expect(exportedCount).toBeGreaterThan(0);
    // What matters travels with each row: marking, the agreement's category (the demo files SMM
    // codes: 1,735 of 2,000 rows had none), the external system and id, the grade.
    const rows = parseCsv(fs.readFileSync(out, 'utf8'));
    const header = rows[0]?.fields ?? [];
    const col = (row: { fields: string[] }, name: string) => row.fields[header.indexOf(name)];
    expect(header.slice(-6)).toEqual([
      'tlp',
      'tlp_strict',
      'report_category',
      'report_external_system',
      'report_external_id',
      'grade',
    ]);
    for (const row of rows.slice(1)) {
      // The demo marks open-source reports and every eighth other CLEAR, the rest GREEN.
      expect(['CLEAR', 'GREEN']).toContain(col(row, 'tlp'));
      expect([col(row, 'tlp_strict'), col(row, 'report_external_system')]).toEqual(['false', 'demo']);
      expect(col(row, 'report_category')).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(col(row, 'report_external_id')).toBe(col(row, 'event_id_cnty'));
      expect(col(row, 'grade')).toMatch(/^[A-F][1-6]$/);
    }
    // No --format: the file's header says it is ACLED's.
    const importExport = ['import', out, '--system', 'demo-acled'];
    const dryRun = run([...importExport, '--dry-run']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stderr).toContain(`Reading ${out} as acled (ACLED's header); --format overrides.`);
    expect(dryRun.stdout).toMatch(/dry run: nothing was written/);
    expect(stored()).toEqual(afterDemo);
    const first = run(importExport);
    expect(first.code, first.stderr).toBe(0);
    expect(counts(first.stdout)).toEqual({ accepted: exportedCount, revised: 0, unchanged: 0, rejected: 0 });
    const afterFirst = stored();
    expect(afterFirst.reports).toBe(afterDemo.reports + exportedCount);
    // The same file again: every row is unchanged, and neither a report nor a log entry is added.
    const second = run(importExport);
    expect(second.code, second.stderr).toBe(0);
    expect(counts(second.stdout)).toEqual({ accepted: 0, revised: 0, unchanged: exportedCount, rejected: 0 });
    expect(stored()).toEqual(afterFirst);
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'observed_from,lat,lon,category\r\n2026-11-20T10:00:00Z,95,38,cfv-small-arms\r\n');
    const errors = path.join(dir, 'errors.csv');
    const rejected = run(['import', bad, '--errors', errors]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain(`${bad}:2: lat: latitude 95 is out of range`);
    expect(fs.readFileSync(errors, 'utf8')).toMatch(/^file,line,field,reason\r\n.*,2,lat,latitude 95/);
    const wrongFormat = run(['import', bad, '--format', 'acled']);
    expect(wrongFormat.code).toBe(1);
    expect(wrongFormat.stderr).toMatch(/missing ACLED columns/);
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'what the patrol saw\n');
    const beforeUnknown = stored();
    const unknown = run(['import', notes]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      `truceline: ${notes}: cannot tell its format (neither JSON nor a CSV header row); accepted: acled (ACLED CSV export), csv (Truceline CSV, or any CSV with --map), geojson (GeoJSON FeatureCollection); or give --format\n`,
    );
    expect(stored()).toEqual(beforeUnknown);
    // Each step spawns the CLI (tsx compiles it afresh), so the whole story takes a while.
  }, 300_000);
  it('refuses to export without saying whose view, and exports an organisation only what it may see (security A9: truceline export writes RED and AMBER records without asking for whose view)', () => {
    const out = path.join(dir, 'view.geojson');
    const refused = run(['export', '--format', 'geojson', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/--as <organisation id> or --all/);
    expect(fs.existsSync(out)).toBe(false);
    expect(run(['export', '--format', 'geojson', '--out', out, '--all', '--as', 'UA']).code).toBe(2);

    const all = run(['export', '--format', 'geojson', '--out', out, '--all']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/GREEN \d+/);
    const asPublic = run(['export', '--format', 'geojson', '--out', out, '--as', 'PUBLIC']);
    expect(asPublic.code, asPublic.stderr).toBe(0);
    expect(asPublic.stderr).toMatch(/^Included markings \(the view of PUBLIC\): /);
    expect(asPublic.stderr).not.toMatch(/GREEN|AMBER|RED/);
    expect(fs.readFileSync(out, 'utf8')).not.toMatch(/"marking":\s*"(GREEN|AMBER|RED)/);
  });
});
