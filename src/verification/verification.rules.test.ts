import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import {
  callerFor,
  explosionReport,
  verificationStaff,
  type Caller,
} from '../../test/support/verification.js';

/**
 * Every rule of the verification workflow (each `ruleViolated` of the services) and every bad input
 * the issue names: the refusal (status, the rule named in problem+json) and that nothing changed —
 * the records as an analyst reads them, the verification tables row by row, and the log's size.
 */
describeEachDialect('verification: every rule refuses and changes nothing', (dialect) => {
  let t: TestApp;
  let staff: Awaited<ReturnType<typeof verificationStaff>>;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    staff = await verificationStaff(t);
  });
  afterEach(() => t.close());

  type Answer = Awaited<ReturnType<Caller>>;

  /** Observation times far enough apart that reports at different slots never correlate. */
  function observedAt(slot: number): string {
    return `2026-11-${String(25 - slot).padStart(2, '0')}T12:00:00+02:00`;
  }

  /** Files a report of the commission's team at `slot` and returns its id. */
  async function fileReport(slot: number, caller: Caller = staff.monitorJMVC, nudge = 0): Promise<string> {
    const res = await caller(
      'POST',
      '/api/v1/reports',
      explosionReport(
        { name: 'JMVC patrol 3', group: 'jmvc-team-3' },
        {
          observed: { from: observedAt(slot), precision: 'exact', timeZone: 'Europe/Kyiv' },
          location: { lon: 38.08 + nudge * 0.002, lat: 48.36, uncertaintyM: 300 },
        },
      ),
    );
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.report.id as string;
  }

  /** The incident a report was correlated into. */
  async function incidentOf(reportId: string): Promise<string> {
    const res = await staff.analyst('GET', '/api/v1/incidents?limit=1000');
    expect(res.status).toBe(200);
    const found = (res.json.incidents as { id: string; reportIds: string[] }[]).find((i) =>
      i.reportIds.includes(reportId),
    );
    if (found === undefined) throw new Error(`report ${reportId} is in no incident`);
    return found.id;
  }

  /** A candidate incident of `reports` reports at `slot` (one independence group). */
  async function openIncident(slot: number, reports = 1): Promise<{ id: string; reportIds: string[] }> {
    const reportIds: string[] = [];
    for (let i = 0; i < reports; i += 1) reportIds.push(await fileReport(slot, staff.monitorJMVC, i));
    const id = await incidentOf(reportIds[0] ?? '');
    for (const r of reportIds) expect(await incidentOf(r)).toBe(id);
    return { id, reportIds };
  }

  async function move(caller: Caller, id: string, body: Record<string, unknown>): Promise<Answer> {
    return caller('POST', `/api/v1/incidents/${id}/transitions`, { reason: 'as the test says', ...body });
  }

  async function ok(answer: Promise<Answer>, status = 200): Promise<Answer> {
    const res = await answer;
    expect(res.status, JSON.stringify(res.json)).toBe(status);
    return res;
  }

  /** Takes an incident to a conclusion under the four-eyes rule (it is serious: two organisations). */
  async function conclude(id: string, to = 'verified'): Promise<void> {
    await ok(move(staff.analyst, id, { to: 'under_review' }));
    await ok(move(staff.analyst, id, { to }));
    const confirmed = await ok(move(staff.analystEU, id, { to }));
    expect(confirmed.json.incident.status).toBe(to);
  }

  async function propose(id: string): Promise<string> {
    const res = await ok(
      staff.analyst('POST', `/api/v1/incidents/${id}/findings`, { summary: 'Shelling near Horlivka.' }),
      201,
    );
    return res.json.finding.id as string;
  }

  async function vote(caller: Caller, findingId: string, choice: string): Promise<Answer> {
    return caller('POST', `/api/v1/findings/${findingId}/votes`, { choice });
  }

  /** A verified incident with an adopted finding (the US's three seats and one of the EUC's). */
  async function adoptedFinding(slot: number): Promise<{ incidentId: string; findingId: string }> {
    const { id } = await openIncident(slot);
    await conclude(id);
    const findingId = await propose(id);
    for (const member of [staff.commissionerUS1, staff.commissionerUS2, staff.commissionerUS3])
      await ok(vote(member, findingId, 'for'), 201);
    const last = await ok(vote(staff.commissionerEUC1, findingId, 'for'), 201);
    expect(last.json.finding.state).toBe('adopted');
    return { incidentId: id, findingId };
  }

  /** Everything a refusal could have changed: the records as read, the tables, the log. */
  async function snapshot(records: { incidents?: string[]; findings?: string[] }) {
    while ((await t.services.ledger.integrateOnce()) > 0);
    const db = t.services.database.db;
    const read = async (url: string) => {
      const res = await staff.analyst('GET', url);
      return { status: res.status, json: res.json as unknown };
    };
    return {
      logSize: t.services.ledger.reader.size,
      incidents: await Promise.all((records.incidents ?? []).map((id) => read(`/api/v1/incidents/${id}`))),
      findings: await Promise.all((records.findings ?? []).map((id) => read(`/api/v1/findings/${id}`))),
      tables: {
        incidents: await db.selectFrom('incidents').selectAll().orderBy('id').execute(),
        members: await db.selectFrom('incident_reports').selectAll().orderBy('report_id').execute(),
        transitions: await db.selectFrom('incident_transitions').selectAll().orderBy('id').execute(),
        findings: await db.selectFrom('findings').selectAll().orderBy('id').execute(),
        votes: await db.selectFrom('finding_votes').selectAll().orderBy('id').execute(),
        addressees: await db
          .selectFrom('record_addressees')
          .select(['record_kind', 'record_id', 'organisation_id'])
          .where('record_kind', 'in', ['incident', 'finding'])
          .orderBy('record_kind')
          .orderBy('record_id')
          .orderBy('organisation_id')
          .execute(),
        generation: await db.selectFrom('verification_state').selectAll().execute(),
      },
    };
  }

  /**
   * Runs a request that must be refused, checks the status, the rule (or the field) problem+json
   * names, and that the snapshot is the same before and after.
   */
  async function refused(
    records: { incidents?: string[]; findings?: string[] },
    request: () => Promise<Answer>,
    expected: { status: number; rule?: string; path?: string },
  ): Promise<Answer> {
    const before = await snapshot(records);
    for (const r of [...before.incidents, ...before.findings]) expect(r.status).toBe(200);
    const res = await request();
    expect(res.status, JSON.stringify(res.json)).toBe(expected.status);
    if (expected.rule !== undefined) {
      expect(res.json.type).toBe('urn:truceline:problem:rule_violated');
      expect(res.json.errors?.[0]?.rule).toBe(expected.rule);
    }
    if (expected.path !== undefined)
      expect((res.json.errors as { path: string }[]).map((e) => e.path)).toContain(expected.path);
    const after = await snapshot(records);
    expect(after).toEqual(before);
    return res;
  }

  it('sees the change a request that is not refused makes (the check can fail)', async () => {
    const { id } = await openIncident(0);
    const before = await snapshot({ incidents: [id] });
    const assessed = await ok(
      staff.analyst('PATCH', `/api/v1/incidents/${id}`, { severity: 'grave', provisions: ['P-02'] }),
    );
    expect(assessed.json.incident).toMatchObject({ severity: 'grave', provisions: ['P-02'] });
    const after = await snapshot({ incidents: [id] });
    expect(after.logSize).toBeGreaterThan(before.logSize);
    expect(after.incidents).not.toEqual(before.incidents);
    expect(after.tables.incidents).not.toEqual(before.tables.incidents);
  });

  describe('transitions', () => {
    it('transition-not-allowed: a reported incident cannot become verified', async () => {
      const { id } = await openIncident(0);
      const res = await refused({ incidents: [id] }, () => move(staff.analyst, id, { to: 'verified' }), {
        status: 409,
        rule: 'transition-not-allowed',
        path: '/body/to',
      });
      expect(res.json.detail).toMatch(/reported cannot become verified/);
    });

    it('transition-not-allowed: a verified incident cannot be refuted without a new review', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      await refused({ incidents: [id] }, () => move(staff.analyst, id, { to: 'refuted' }), {
        status: 409,
        rule: 'transition-not-allowed',
      });
    });

    it('four-eyes-reporter: an analyst who reported the incident cannot conclude it', async () => {
      const both = callerFor(t, await t.tokenFor('JMVC', ['analyst', 'monitor']));
      const reportId = await fileReport(0, both);
      const id = await incidentOf(reportId);
      const review = await ok(move(both, id, { to: 'under_review' }));
      // The page offers the reporter no conclusion at all.
      expect(review.json.allowed).toEqual(['duplicate']);
      await refused({ incidents: [id] }, () => move(both, id, { to: 'verified' }), {
        status: 409,
        rule: 'four-eyes-reporter',
      });
    });

    it('four-eyes-reporter: the reporter cannot confirm another analyst’s proposal either', async () => {
      const both = callerFor(t, await t.tokenFor('JMVC-EU', ['analyst', 'monitor']));
      const reportId = await fileReport(0, both);
      const id = await incidentOf(reportId);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await ok(move(staff.analyst, id, { to: 'verified' }));
      await refused({ incidents: [id] }, () => move(both, id, { to: 'verified' }), {
        status: 409,
        rule: 'four-eyes-reporter',
      });
    });

    it('four-eyes-second-analyst: the proposer cannot confirm their own proposal', async () => {
      const { id } = await openIncident(0);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await ok(move(staff.analyst, id, { to: 'verified' }));
      await refused({ incidents: [id] }, () => move(staff.analyst, id, { to: 'verified' }), {
        status: 409,
        rule: 'four-eyes-second-analyst',
      });
    });

    it('four-eyes-two-organisations: a serious incident needs a second analyst of another organisation', async () => {
      const { id } = await openIncident(0);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await ok(move(staff.analyst, id, { to: 'verified' }));
      await refused({ incidents: [id] }, () => move(staff.analystSameOrg, id, { to: 'verified' }), {
        status: 409,
        rule: 'four-eyes-two-organisations',
      });
    });

    it('four-eyes-two-organisations: lowering the assessed severity does not lift the rule', async () => {
      const { id } = await openIncident(0);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await ok(staff.analyst('PATCH', `/api/v1/incidents/${id}`, { severity: 'minor' }));
      const proposed = await ok(move(staff.analyst, id, { to: 'verified' }));
      expect(proposed.json.incident).toMatchObject({ status: 'under_review', severity: 'minor' });
      expect(proposed.json.incident.pending.status).toBe('verified');
      await refused({ incidents: [id] }, () => move(staff.analystSameOrg, id, { to: 'verified' }), {
        status: 409,
        rule: 'four-eyes-two-organisations',
      });
    });

    it('four-eyes-same-conclusion: the second analyst confirms the proposal, not another conclusion', async () => {
      const { id } = await openIncident(0);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await ok(move(staff.analyst, id, { to: 'verified' }));
      await refused({ incidents: [id] }, () => move(staff.analystEU, id, { to: 'refuted' }), {
        status: 409,
        rule: 'four-eyes-same-conclusion',
      });
    });

    it('pending-conclusion: an incident awaiting its second analyst is not reassessed', async () => {
      const { id } = await openIncident(0);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await ok(move(staff.analyst, id, { to: 'verified' }));
      await refused(
        { incidents: [id] },
        () => staff.analystEU('PATCH', `/api/v1/incidents/${id}`, { severity: 'minor' }),
        { status: 409, rule: 'pending-conclusion' },
      );
    });

    it('finding-in-vote: an incident whose finding is in vote cannot go back to review', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      await refused(
        { incidents: [id], findings: [findingId] },
        () => move(staff.analyst, id, { to: 'under_review' }),
        { status: 409, rule: 'finding-in-vote' },
      );
    });

    it('pending-conclusion: an incident awaiting its second analyst is not split', async () => {
      const { id } = await openIncident(0);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await ok(move(staff.analyst, id, { to: 'verified' }));
      const incident = (await staff.analyst('GET', `/api/v1/incidents/${id}`)).json.incident as {
        reportIds: string[];
      };
      await refused(
        { incidents: [id] },
        () =>
          staff.analystEU('POST', `/api/v1/incidents/${id}/split`, {
            reportIds: incident.reportIds.slice(0, 1),
            reason: 'apart',
          }),
        { status: 409, rule: 'pending-conclusion' },
      );
    });

    it('finding-in-vote: the attribution is not changed while the body votes', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      await refused(
        { incidents: [id], findings: [findingId] },
        () =>
          staff.analyst('PUT', `/api/v1/incidents/${id}/attribution`, {
            confidence: 'unknown',
            method: 'second look',
          }),
        { status: 409, rule: 'finding-in-vote' },
      );
    });

    it("finding-adopted: an adopted finding's incident is not reassessed", async () => {
      const { incidentId, findingId } = await adoptedFinding(0);
      await refused(
        { incidents: [incidentId], findings: [findingId] },
        () => staff.analyst('PATCH', `/api/v1/incidents/${incidentId}`, { severity: 'grave' }),
        { status: 409, rule: 'finding-adopted' },
      );
    });

    it('finding-adopted: an incident with an adopted finding no longer changes status', async () => {
      const { incidentId, findingId } = await adoptedFinding(0);
      await refused(
        { incidents: [incidentId], findings: [findingId] },
        () => move(staff.analystEU, incidentId, { to: 'under_review' }),
        { status: 409, rule: 'finding-adopted' },
      );
    });
  });

  describe('duplicates, splits and merges', () => {
    it('duplicate-of-itself', async () => {
      const { id } = await openIncident(0);
      await refused(
        { incidents: [id] },
        () => move(staff.analyst, id, { to: 'duplicate', duplicateOf: id }),
        {
          status: 409,
          rule: 'duplicate-of-itself',
          path: '/body/duplicateOf',
        },
      );
    });

    it('duplicate-of-duplicate: a duplicate points at the original, not at another duplicate', async () => {
      const a = await openIncident(0);
      const b = await openIncident(1);
      const c = await openIncident(2);
      await ok(move(staff.analyst, b.id, { to: 'duplicate', duplicateOf: a.id }));
      const res = await refused(
        { incidents: [a.id, b.id, c.id] },
        () => move(staff.analyst, c.id, { to: 'duplicate', duplicateOf: b.id }),
        { status: 409, rule: 'duplicate-of-duplicate' },
      );
      expect(res.json.detail).toContain(a.id);
    });

    it('a duplicate of an incident the analyst cannot find is 404', async () => {
      const { id } = await openIncident(0);
      await refused(
        { incidents: [id] },
        () => move(staff.analyst, id, { to: 'duplicate', duplicateOf: 'no-such-incident' }),
        { status: 404 },
      );
    });

    it('merge-into-itself', async () => {
      const { id } = await openIncident(0);
      await refused(
        { incidents: [id] },
        () => staff.analyst('POST', `/api/v1/incidents/${id}/merge`, { incidentIds: [id], reason: 'same' }),
        { status: 409, rule: 'merge-into-itself', path: '/body/incidentIds' },
      );
    });

    it('incident-not-open: a concluded incident is neither split nor merged, into or from', async () => {
      const closed = await openIncident(0, 2);
      await conclude(closed.id);
      const open = await openIncident(1);
      const records = { incidents: [closed.id, open.id] };
      await refused(
        records,
        () =>
          staff.analyst('POST', `/api/v1/incidents/${closed.id}/split`, {
            reportIds: [closed.reportIds[0]],
            reason: 'two events',
          }),
        { status: 409, rule: 'incident-not-open' },
      );
      await refused(
        records,
        () =>
          staff.analyst('POST', `/api/v1/incidents/${closed.id}/merge`, {
            incidentIds: [open.id],
            reason: 'one',
          }),
        { status: 409, rule: 'incident-not-open' },
      );
      await refused(
        records,
        () =>
          staff.analyst('POST', `/api/v1/incidents/${open.id}/merge`, {
            incidentIds: [closed.id],
            reason: 'one',
          }),
        { status: 409, rule: 'incident-not-open' },
      );
    });

    it('report-not-in-incident: a split names only the incident’s own reports', async () => {
      const a = await openIncident(0, 2);
      const b = await openIncident(1);
      await refused(
        { incidents: [a.id, b.id] },
        () =>
          staff.analyst('POST', `/api/v1/incidents/${a.id}/split`, {
            reportIds: [a.reportIds[0], b.reportIds[0]],
            reason: 'two events',
          }),
        { status: 409, rule: 'report-not-in-incident', path: '/body/reportIds' },
      );
    });

    it('split-leaves-empty: a split leaves at least one report behind', async () => {
      const a = await openIncident(0, 2);
      await refused(
        { incidents: [a.id] },
        () =>
          staff.analyst('POST', `/api/v1/incidents/${a.id}/split`, {
            reportIds: a.reportIds,
            reason: 'all of it',
          }),
        { status: 409, rule: 'split-leaves-empty', path: '/body/reportIds' },
      );
    });

    it('same-agreement-version: incidents judged under different versions neither merge nor duplicate', async () => {
      // Version 4, signed on 20 November: reports from the 23rd on are judged under it, earlier ones
      // under version 3 (signed in January).
      await t.services.agreements.load(CONSOLE_ACTOR, {
        text: illustrativeAgreementText('2026-11-20T00:00:00+02:00').replace(/^version: 3$/m, 'version: 4'),
        fileName: 'illustrative-v4.yaml',
        marking: 'GREEN',
      });
      const underV4 = await openIncident(0);
      const underV3 = await openIncident(4);
      const versionOf = async (id: string): Promise<unknown> =>
        (await staff.analyst('GET', `/api/v1/incidents/${id}`)).json.incident.agreementVersionId;
      expect(await versionOf(underV4.id)).toBe('illustrative-framework-2025@4');
      expect(await versionOf(underV3.id)).toBe('illustrative-framework-2025@3');
      const records = { incidents: [underV4.id, underV3.id] };
      await refused(
        records,
        () =>
          staff.analyst('POST', `/api/v1/incidents/${underV4.id}/merge`, {
            incidentIds: [underV3.id],
            reason: 'one event',
          }),
        { status: 409, rule: 'same-agreement-version', path: '/body/incidentIds' },
      );
      await refused(
        records,
        () => move(staff.analyst, underV3.id, { to: 'duplicate', duplicateOf: underV4.id }),
        { status: 409, rule: 'same-agreement-version', path: '/body/duplicateOf' },
      );
    });
  });

  describe('findings', () => {
    it('finding-needs-conclusion: only a concluded incident is put to the vote', async () => {
      const { id } = await openIncident(0);
      await ok(move(staff.analyst, id, { to: 'under_review' }));
      await refused(
        { incidents: [id] },
        () => staff.analyst('POST', `/api/v1/incidents/${id}/findings`, { summary: 'too early' }),
        { status: 409, rule: 'finding-needs-conclusion' },
      );
    });

    it('one-finding-per-incident: a second finding while one is in vote', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      await refused(
        { incidents: [id], findings: [findingId] },
        () => staff.analyst('POST', `/api/v1/incidents/${id}/findings`, { summary: 'again' }),
        { status: 409, rule: 'one-finding-per-incident' },
      );
    });

    it('vote-after-decision: neither a vote nor closing the vote once it is decided', async () => {
      const { incidentId, findingId } = await adoptedFinding(0);
      const records = { incidents: [incidentId], findings: [findingId] };
      await refused(records, () => vote(staff.commissionerEUC2, findingId, 'against'), {
        status: 409,
        rule: 'vote-after-decision',
      });
      await refused(records, () => staff.analyst('POST', `/api/v1/findings/${findingId}/close`), {
        status: 409,
        rule: 'vote-after-decision',
      });
    });

    it('not-a-voting-member: a commissioner of an organisation without a seat sees the finding but cannot vote', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      const commissionerJMVC = callerFor(t, await t.tokenFor('JMVC', ['commissioner']));
      expect((await commissionerJMVC('GET', `/api/v1/findings/${findingId}`)).status).toBe(200);
      await refused(
        { incidents: [id], findings: [findingId] },
        () => vote(commissionerJMVC, findingId, 'for'),
        {
          status: 409,
          rule: 'not-a-voting-member',
        },
      );
    });

    it('an observer party’s commissioner cannot see the incident or the finding, nor vote (404)', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      const commissionerUA = callerFor(t, await t.tokenFor('UA', ['commissioner']));
      const records = { incidents: [id], findings: [findingId] };
      await refused(records, () => commissionerUA('GET', `/api/v1/incidents/${id}`), { status: 404 });
      await refused(records, () => commissionerUA('GET', `/api/v1/findings/${findingId}`), { status: 404 });
      await refused(records, () => vote(commissionerUA, findingId, 'against'), { status: 404 });
    });

    it('one-vote-per-member: a member votes once', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      await ok(vote(staff.commissionerUS1, findingId, 'for'), 201);
      await refused(
        { incidents: [id], findings: [findingId] },
        () => vote(staff.commissionerUS1, findingId, 'against'),
        {
          status: 409,
          rule: 'one-vote-per-member',
        },
      );
    });

    it('seats-filled: an organisation casts no more votes than it holds seats', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      await ok(vote(staff.commissionerEUC1, findingId, 'for'), 201);
      await ok(vote(staff.commissionerEUC2, findingId, 'against'), 201);
      const thirdEuc = callerFor(t, await t.tokenFor('EUC', ['commissioner']));
      await refused({ incidents: [id], findings: [findingId] }, () => vote(thirdEuc, findingId, 'for'), {
        status: 409,
        rule: 'seats-filled',
      });
    });

    it('publish-needs-adoption: a finding in vote, or rejected, is not published', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      const records = { incidents: [id], findings: [findingId] };
      await refused(records, () => staff.analyst('POST', `/api/v1/findings/${findingId}/publish`), {
        status: 409,
        rule: 'publish-needs-adoption',
      });
      for (const member of [staff.commissionerUS1, staff.commissionerUS2, staff.commissionerUS3])
        await ok(vote(member, findingId, 'against'), 201);
      const decided = await ok(vote(staff.commissionerEUC1, findingId, 'against'), 201);
      expect(decided.json.finding.state).toBe('rejected');
      await refused(records, () => staff.analyst('POST', `/api/v1/findings/${findingId}/publish`), {
        status: 409,
        rule: 'publish-needs-adoption',
      });
    });

    it('published-once: a finding is published once', async () => {
      const { incidentId, findingId } = await adoptedFinding(0);
      await ok(staff.analyst('POST', `/api/v1/findings/${findingId}/publish`));
      await refused(
        { incidents: [incidentId], findings: [findingId] },
        () => staff.analystEU('POST', `/api/v1/findings/${findingId}/publish`),
        { status: 409, rule: 'published-once' },
      );
    });

    it('no-verification-body: a version whose agreement gives no body a mandate to verify decides no finding', async () => {
      const text = illustrativeAgreementText('2026-11-20T00:00:00+02:00')
        .replace(/^version: 3$/m, 'version: 4')
        .replace(/^ {2}body: MVC\n/m, '')
        .replace('mandate: { monitor: true, verify: true,', 'mandate: { monitor: true, verify: false,');
      await t.services.agreements.load(CONSOLE_ACTOR, { text, fileName: 'no-body.yaml', marking: 'GREEN' });
      const { id } = await openIncident(0);
      await conclude(id);
      await refused(
        { incidents: [id] },
        () => staff.analyst('POST', `/api/v1/incidents/${id}/findings`, { summary: 'to nobody' }),
        { status: 409, rule: 'no-verification-body' },
      );
    });
  });

  describe('bad input: 422 naming the field, nothing written', () => {
    it('an empty or blank reason', async () => {
      const { id, reportIds } = await openIncident(0, 2);
      const other = await openIncident(1);
      const records = { incidents: [id, other.id] };
      for (const reason of ['', '   ']) {
        await refused(records, () => move(staff.analyst, id, { to: 'under_review', reason }), {
          status: 422,
          path: '/body/reason',
        });
        await refused(
          records,
          () => staff.analyst('POST', `/api/v1/incidents/${id}/split`, { reportIds: [reportIds[0]], reason }),
          { status: 422, path: '/body/reason' },
        );
        await refused(
          records,
          () => staff.analyst('POST', `/api/v1/incidents/${id}/merge`, { incidentIds: [other.id], reason }),
          { status: 422, path: '/body/reason' },
        );
      }
    });

    it('an attribution to a party not in the agreement, or a confidence without a party', async () => {
      const { id } = await openIncident(0);
      const attribute = (body: Record<string, unknown>) =>
        staff.analyst('PUT', `/api/v1/incidents/${id}/attribution`, { method: 'crater analysis', ...body });
      for (const party of ['US', 'XX'])
        await refused({ incidents: [id] }, () => attribute({ party, confidence: 'probable' }), {
          status: 422,
          path: '/body/party',
        });
      await refused({ incidents: [id] }, () => attribute({ confidence: 'probable' }), {
        status: 422,
        path: '/body/party',
      });
      await refused({ incidents: [id] }, () => attribute({ party: 'RU', confidence: 'unknown' }), {
        status: 422,
        path: '/body/party',
      });
      await refused(
        { incidents: [id] },
        () => attribute({ party: 'RU', confidence: 'probable', method: '  ' }),
        {
          status: 422,
          path: '/body/method',
        },
      );
    });

    it('an unknown provision', async () => {
      const { id } = await openIncident(0);
      const res = await refused(
        { incidents: [id] },
        () => staff.analyst('PATCH', `/api/v1/incidents/${id}`, { provisions: ['P-02', 'P-99'] }),
        { status: 422, path: '/body/provisions' },
      );
      expect(res.json.detail).toContain('P-99');
    });

    it('an unknown status filter', async () => {
      const { id } = await openIncident(0);
      const res = await refused(
        { incidents: [id] },
        () => staff.analyst('GET', '/api/v1/incidents?status=reported,lost'),
        {
          status: 422,
          path: '/querystring/status',
        },
      );
      expect(res.json.detail).toContain('lost');
    });

    it('to=duplicate without duplicateOf, and duplicateOf without to=duplicate', async () => {
      const { id } = await openIncident(0);
      const other = await openIncident(1);
      await refused({ incidents: [id, other.id] }, () => move(staff.analyst, id, { to: 'duplicate' }), {
        status: 422,
        path: '/body/duplicateOf',
      });
      await refused(
        { incidents: [id, other.id] },
        () => move(staff.analyst, id, { to: 'under_review', duplicateOf: other.id }),
        { status: 422, path: '/body/duplicateOf' },
      );
    });

    it('an unknown vote', async () => {
      const { id } = await openIncident(0);
      await conclude(id);
      const findingId = await propose(id);
      await refused(
        { incidents: [id], findings: [findingId] },
        () => vote(staff.commissionerUS1, findingId, 'maybe'),
        {
          status: 422,
          path: '/body/choice',
        },
      );
    });
  });
});
