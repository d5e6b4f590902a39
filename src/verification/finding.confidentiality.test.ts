import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { judgedByDraftOf } from '../../test/support/confidential-draft.js';
import { describeEachDialect } from '../../test/support/databases.js';
import {
  callerFor,
  fileThreeSightings,
  publishedFindingOnDraft,
  verificationStaff,
  type Caller,
} from '../../test/support/verification.js';

describeEachDialect('what a finding reveals to whom', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  it('shows a party, the commission and the body no category, zones, sector or provisions of a finding judged by a draft they may not read, in every path (security: findings from unreadable versions)', async () => {
    const { staff, uaToken, draft, incident, findingId, answers } = await publishedFindingOnDraft(t);
    const ua = callerFor(t, uaToken);
    const secrets = [draft.version.id, incident.category, ...incident.zones, ...incident.provisions];
    if (incident.sector !== null) secrets.push(incident.sector);
    const hidden = (body: string, where: string) => {
      for (const secret of secrets) expect(body, `${where}: ${secret}`).not.toContain(JSON.stringify(secret));
    };
    const redacted = {
      agreementVersionId: null,
      category: '_undisclosed',
      zones: [],
      provisions: [],
      redacted: true,
    };

    // Every answer of the workflow went to callers who may not read the draft (JMVC, JMVC-EU, US, EUC).
    answers.forEach((body, i) => hidden(body, `answer ${i}`));

    const readers: [string, Caller][] = [
      ['RU (a party the finding is published to)', staff.liaisonRU],
      ['the commission', staff.analyst],
      ['the body', staff.commissionerUS1],
    ];
    for (const [who, reader] of readers) {
      const list = await reader('GET', '/api/v1/findings');
      expect(list.status, who).toBe(200);
      expect(list.json.findings, who).toEqual([expect.objectContaining({ id: findingId, ...redacted })]);
      expect(list.json.findings[0].side, who).toBeUndefined();
      expect(list.json.findings[0].sector, who).toBeUndefined();
      const one = await reader('GET', `/api/v1/findings/${findingId}`);
      expect(one.status, who).toBe(200);
      expect(one.json.finding, who).toMatchObject(redacted);
      // Filtering by the draft's category answers as filtering by an id no version has.
      const probe = await reader('GET', `/api/v1/findings?category=${incident.category}`);
      const miss = await reader('GET', '/api/v1/findings?category=no-such-category');
      expect(probe, who).toEqual(miss);
      for (const res of [list, one, probe]) hidden(JSON.stringify(res.json), who);
    }
    // The incident's page lists the finding as the incident shows: redacted.
    const page = await staff.analyst('GET', `/api/v1/incidents/${incident.id}`);
    expect(page.json.findings).toEqual([expect.objectContaining({ id: findingId, ...redacted })]);
    hidden(JSON.stringify(page.json), 'the incident page');

    // RU reads violations from findings: its daily report names no category of the draft, and its
    // overview and quiet days count the finding for the whole area only, never for a zone.
    const daily = await staff.liaisonRU('GET', '/api/v1/daily-reports/2026-11-25?format=json');
    expect(daily.status).toBe(200);
    expect(daily.json.incidentBasis).toBe('findings');
    expect(JSON.stringify(daily.json)).toContain(findingId);
    expect(JSON.stringify(daily.json)).not.toContain(incident.category);
    hidden(JSON.stringify(daily.json.incidents), 'the daily report');
    const quiet = await staff.liaisonRU('GET', '/api/v1/quiet-days');
    expect(quiet.json.basis).toBe('findings');
    const areas = quiet.json.areas as { kind: string; lastViolation?: string }[];
    expect(areas.find((a) => a.kind === 'whole')?.lastViolation).toBeDefined();
    expect(areas.filter((a) => a.kind !== 'whole' && a.lastViolation !== undefined)).toEqual([]);
    const overview = await staff.liaisonRU('GET', '/api/v1/overview');
    expect(overview.json.violationBasis).toBe('findings');
    const overviewAreas = overview.json.quietDays.areas as { kind: string; lastViolation?: string }[];
    expect(overviewAreas.filter((a) => a.kind !== 'whole' && a.lastViolation !== undefined)).toEqual([]);

    // The draft's owner reads the finding in full.
    const mine = await ua('GET', `/api/v1/findings/${findingId}`);
    expect(mine.json.finding).toMatchObject({
      agreementVersionId: draft.version.id,
      category: incident.category,
      zones: incident.zones,
      provisions: incident.provisions,
    });
    expect(mine.json.finding.redacted).toBeUndefined();
    const found = await ua('GET', `/api/v1/findings?category=${incident.category}`);
    expect((found.json.findings as { id: string }[]).map((f) => f.id)).toEqual([findingId]);
  });

  it('never publishes to the public a finding judged by a version not every organisation may read (security: findings from unreadable versions)', async () => {
    const staff = await verificationStaff(t);
    const ua = await t.tokenFor('UA', ['liaison']);
    await judgedByDraftOf(t, ua, () => fileThreeSightings(staff));
    const incident = (await staff.analyst('GET', '/api/v1/incidents')).json.incidents[0];
    const at = `/api/v1/incidents/${incident.id}`;
    await staff.analyst('POST', `${at}/transitions`, { to: 'under_review', reason: 'taking it' });
    await staff.analyst('POST', `${at}/transitions`, { to: 'verified', reason: 'two groups agree' });
    await staff.analystEU('POST', `${at}/transitions`, { to: 'verified', reason: 'confirmed' });
    const proposed = await staff.analyst('POST', `${at}/findings`, { summary: 'Shelling.', public: true });
    const id: string = proposed.json.finding.id;
    for (const voter of [
      staff.commissionerUS1,
      staff.commissionerUS2,
      staff.commissionerUS3,
      staff.commissionerEUC1,
    ])
      await voter('POST', `/api/v1/findings/${id}/votes`, { choice: 'for' });
    const published = await staff.analyst('POST', `/api/v1/findings/${id}/publish`);
    expect(published.status).toBe(409);
    expect(published.json.errors[0].rule).toBe('public-finding-of-confidential-version');
    // Nothing was published: the public sees no finding, the log no finding.published entry.
    expect((await callerFor(t)('GET', '/api/v1/findings')).json.total).toBe(0);
    const row = await t.services.database.db
      .selectFrom('findings')
      .select(['marking', 'published_at'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ marking: 'AMBER', published_at: null });
    const db = t.services.database.db;
    // Queued or integrated (the sequencer may be numbering them meanwhile).
    for (const table of ['log_queue', 'log_entries'] as const)
      expect(
        await db.selectFrom(table).select('kind').where('kind', '=', 'finding.published').execute(),
        table,
      ).toEqual([]);
  });
});
