import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, sampleInput, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor } from '../../test/support/verification.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { languageFromAccept } from '../core/language.js';
import { formatFromAccept } from './daily.routes.js';

const DAY = '2026-11-25';
const URL = `/api/v1/daily-reports/${DAY}`;

describeEachDialect('daily report API', (dialect) => {
  let t: TestApp;
  let ruToken = '';
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    const monitor = callerFor(t, await t.tokenFor('UA', ['monitor']));
    for (const marking of ['CLEAR', 'AMBER']) {
      const res = await monitor(
        'POST',
        '/api/v1/reports',
        sampleInput({ observed: { from: `${DAY}T10:00:00Z`, precision: 'exact', timeZone: 'UTC' }, marking }),
      );
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
    ruToken = await t.tokenFor('RU', ['liaison']);
  });
  afterEach(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });
  /** Every log entry's bytes, queued or integrated, oldest first. */
  const logEntries = async () => {
    const { rows } = await sql<{ data: Buffer | Uint8Array }>`
      select data from log_entries union all select data from log_queue`.execute(t.services.database.db);
    return rows.map((r) => Buffer.from(r.data).toString('utf8'));
  };

  it('chooses JSON, HTML or PDF by Accept, ?format= winning; the public gets the public edition', async () => {
    const json = await get(URL);
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()).toMatchObject({
      date: DAY,
      edition: 'public',
      omitted: { reports: 1 },
      totals: { day: 1 },
    });
    const html = await get(URL, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toMatch(/^<!doctype html>/);
    expect(html.body).not.toContain('<script');
    expect(html.headers['content-security-policy']).toContain("default-src 'self'");
    const pdf = await get(URL, { accept: 'application/pdf' });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.headers['x-content-sha256']).toBe(
      crypto.createHash('sha256').update(pdf.rawPayload).digest('hex'),
    );
    const forced = await get(`${URL}?format=html`, { accept: 'application/pdf' });
    expect(forced.headers['content-type']).toMatch(/^text\/html/);
  });

  it('gives a signed-in reader its own edition, and ?edition=public the public one', async () => {
    const own = await get(`${URL}?format=json`, { authorization: `Bearer ${ruToken}` });
    expect(own.json()).toMatchObject({
      edition: 'restricted',
      audience: 'RU',
      totals: { day: 1 },
      omitted: { reports: 1 },
    });
    const pub = await get(`${URL}?format=json&edition=public`, { authorization: `Bearer ${ruToken}` });
    expect(pub.json()).toMatchObject({ edition: 'public', audience: 'public' });
  });

  it('answers a bad or future date with 422 naming the field, and logs nothing', async () => {
    const before = (await logEntries()).length;
    for (const bad of ['2026-13-45', '2026-02-30', '2026-12-01', 'yesterday']) {
      const res = await get(`/api/v1/daily-reports/${bad}`);
      expect(res.statusCode, bad).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.json().errors)).toContain('date');
    }
    const unknown = await get(`${URL}?format=docx`);
    expect(unknown.statusCode).toBe(422);
    expect((await logEntries()).length).toBe(before);
    expect(
      await t.services.database.db.selectFrom('daily_report_editions').selectAll().execute(),
    ).toHaveLength(0);
  });

  it('renders a day with nothing on record without logging it (no log entry per empty past day)', async () => {
    const before = (await logEntries()).length;
    for (const day of ['1999-01-01', '2015-06-30', '2026-11-20']) {
      const res = await get(`/api/v1/daily-reports/${day}?format=html`);
      expect(res.statusCode, day).toBe(200);
      expect(res.body).toContain('<html');
    }
    expect((await logEntries()).length).toBe(before);
    expect(
      await t.services.database.db.selectFrom('daily_report_editions').selectAll().execute(),
    ).toHaveLength(0);
    // The day with reports is recorded, for the public as for a reader.
    expect((await get(`${URL}?format=html`)).statusCode).toBe(200);
    expect(
      await t.services.database.db.selectFrom('daily_report_editions').selectAll().execute(),
    ).toHaveLength(1);
  });

  it('writes HTML and PDF in ?lang=, else Accept-Language; JSON is the same in both', async () => {
    const uk = await get(`${URL}?format=html&lang=uk`);
    expect(uk.statusCode, uk.body).toBe(200);
    expect(uk.body).toContain('<html lang="uk">');
    expect(uk.body).toContain('Щоденний звіт, 25 листопада 2026 р.');
    expect(uk.headers['content-language']).toBe('uk');
    expect(uk.headers.vary).toContain('Accept-Language');
    expect(uk.headers['content-disposition']).toBe(
      `inline; filename="truceline-daily-${DAY}-public-uk.html"`,
    );
    const byHeader = await get(`${URL}?format=html`, { 'accept-language': 'uk-UA,uk;q=0.9,en;q=0.5' });
    expect(byHeader.body).toBe(uk.body);
    const en = await get(`${URL}?format=html&lang=en`, { 'accept-language': 'uk' });
    expect(en.body).toContain('<html lang="en">');
    expect((await get(`${URL}?format=html`, { 'accept-language': 'fr' })).body).toBe(en.body);
    const pdf = await get(`${URL}?format=pdf`, { 'accept-language': 'uk' });
    expect(pdf.headers['content-language']).toBe('uk');
    const jsonUk = await get(`${URL}?format=json&lang=uk`);
    const jsonEn = await get(`${URL}?format=json`);
    expect(jsonUk.body).toBe(jsonEn.body);
    expect(jsonUk.headers['content-language']).toBeUndefined();
    expect((await get(`${URL}?format=html&lang=fr`)).statusCode).toBe(422);
  });

  it('logs the language of each edition, in full for the public one; the audit rebuilds it', async () => {
    const before = (await logEntries()).length;
    const pubUk = await get(`${URL}?format=pdf&lang=uk`);
    const pubEn = await get(`${URL}?format=pdf&lang=en`);
    const ownUk = await get(`${URL}?format=html&lang=uk`, { authorization: `Bearer ${ruToken}` });
    expect(ownUk.statusCode).toBe(200);
    const entries = (await logEntries())
      .slice(before)
      .filter((e) => e.includes('daily-report.published'))
      .map((e) => JSON.parse(e) as Record<string, unknown>);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      record: { sha256: pubUk.headers['x-content-sha256'], format: 'pdf', edition: 'public', lang: 'uk' },
    });
    expect(entries[1]).toMatchObject({ record: { sha256: pubEn.headers['x-content-sha256'], lang: 'en' } });
    while ((await t.services.ledger.integrateOnce()) > 0);
    const logKeys = [t.services.ledger.sequencer.signer.verifierKey];
    expect(
      (await auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS, logKeys })).findings,
    ).toEqual([]);
    // Relabelling the Ukrainian edition as English is found: the language is part of the logged record.
    const id = String(pubUk.headers['x-content-sha256']);
    await t.services.database.db
      .updateTable('daily_report_editions')
      .set({ lang: 'en' })
      .where('id', '=', id)
      .execute();
    expect(
      (await auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS, logKeys })).findings,
    ).toEqual([expect.objectContaining({ table: 'daily_report_editions', id, check: 'edited' })]);
  });

  it('logs each distinct edition once: the public one in full (CLEAR), a reader’s as a commitment only', async () => {
    const before = (await logEntries()).length;
    const pub = await get(`${URL}?format=pdf`);
    await get(`${URL}?format=pdf`);
    const own = await get(`${URL}?format=html`, { authorization: `Bearer ${ruToken}` });
    const entries = (await logEntries()).slice(before).filter((e) => e.includes('daily-report.published'));
    expect(entries).toHaveLength(2);
    const [publicEntry, ownEntry] = entries.map((e) => JSON.parse(e) as Record<string, unknown>);
    expect(publicEntry).toMatchObject({
      kind: 'daily-report.published',
      record: { sha256: pub.headers['x-content-sha256'], date: DAY, format: 'pdf', edition: 'public' },
    });
    expect(ownEntry).toMatchObject({
      kind: 'daily-report.published',
      confidential: {
        recordKind: 'daily-report-edition',
        recordId: own.headers['x-content-sha256'],
        marking: 'AMBER',
      },
    });
    expect(JSON.stringify(ownEntry)).not.toContain('RU');
    expect(JSON.stringify(ownEntry)).not.toContain(DAY);

    // Every stored edition matches its entry (truceline audit --database); an edited row is found.
    while ((await t.services.ledger.integrateOnce()) > 0);
    const logKeys = [t.services.ledger.sequencer.signer.verifierKey];
    expect(
      (await auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS, logKeys })).findings,
    ).toEqual([]);
    const id = String(pub.headers['x-content-sha256']);
    await t.services.database.db
      .updateTable('daily_report_editions')
      .set({ report_date: '2026-11-24' })
      .where('id', '=', id)
      .execute();
    expect(
      (await auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS, logKeys })).findings,
    ).toEqual([expect.objectContaining({ table: 'daily_report_editions', id, check: 'edited' })]);
  });
});

it('reads the language from Accept-Language: Ukrainian when preferred, else English', () => {
  expect(languageFromAccept(undefined)).toBe('en');
  expect(languageFromAccept('uk')).toBe('uk');
  expect(languageFromAccept('uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('uk');
  expect(languageFromAccept('en-GB,en;q=0.9,uk;q=0.8')).toBe('en');
  expect(languageFromAccept('de-DE,de;q=0.9')).toBe('en');
  expect(languageFromAccept('de, uk;q=0.5')).toBe('uk');
  expect(languageFromAccept('uk;q=0, en;q=0.1')).toBe('en');
});

it('reads the format from Accept: the preferred of PDF, HTML and JSON, else JSON', () => {
  expect(formatFromAccept(undefined)).toBe('json');
  expect(formatFromAccept('*/*')).toBe('json');
  expect(formatFromAccept('application/pdf')).toBe('pdf');
  expect(formatFromAccept('text/html;q=0.5, application/pdf;q=0.9')).toBe('pdf');
  expect(formatFromAccept('text/html, application/json')).toBe('html');
  expect(formatFromAccept('application/pdf;q=0')).toBe('json');
});
