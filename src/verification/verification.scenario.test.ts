import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor, fileThreeSightings, verificationStaff } from '../../test/support/verification.js';
import { sql } from 'kysely';
import { auditDatabase } from '../ledger/database-audit.js';
import { decodeEntryBundle, entriesPath, TILE_WIDTH } from '../ledger/tiles.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';

interface Entry {
  kind: string;
  record?: Record<string, unknown>;
  confidential?: { marking: string; recordKind: string; recordId: string; commitment: string };
}

describeEachDialect('verification: from three sources to a published finding', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  async function logEntries(): Promise<Entry[]> {
    while ((await t.services.ledger.integrateOnce()) > 0);
    const size = t.services.ledger.reader.size;
    const out: Entry[] = [];
    for (let index = 0; index * TILE_WIDTH < size; index += 1) {
      const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
      const res = await t.app.inject({ url: `/log/${entriesPath(index, width)}` });
      for (const data of decodeEntryBundle(res.rawPayload, width))
        out.push(JSON.parse(data.toString()) as Entry);
    }
    return out;
  }

  it('groups, reviews under four eyes, attributes, votes and publishes, logging every step', async () => {
    const staff = await verificationStaff(t);
    const before = (await logEntries()).length;

    // Three sources: a party's observation post, and two commission teams of one independence group.
    const [a, b, c] = await fileThreeSightings(staff);
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    const reportIds = [a.json.report.id, b.json.report.id, c.json.report.id].sort();

    // Correlated on intake into one candidate incident.
    const queue = await staff.analyst('GET', '/api/v1/incidents');
    expect(queue.status).toBe(200);
    expect(queue.json.total).toBe(1);
    const incident = queue.json.incidents[0];
    expect(incident.reportIds).toEqual(reportIds);
    expect(incident.status).toBe('reported');
    expect(incident.severity).toBe('serious');
    expect(incident.corroboration.level).toBe('corroborated');
    expect(incident.corroboration.independentGroups).toBe(2);
    expect(incident.corroboration.reasons[0]).toMatch(
      /3 reports from 2 independent source groups: jmvc-team-3 \(2\), ua-op-7 \(1\)/,
    );
    const id: string = incident.id;

    // The parties' liaison officers see no incident at all.
    expect((await staff.liaisonUA('GET', '/api/v1/incidents')).status).toBe(403);
    expect((await staff.liaisonUA('GET', `/api/v1/incidents/${id}`)).status).toBe(403);

    // Review, attribution (a separate field), and the four-eyes rule for a serious incident.
    expect(
      (
        await staff.analyst('POST', `/api/v1/incidents/${id}/transitions`, {
          to: 'under_review',
          reason: 'taking it',
        })
      ).status,
    ).toBe(200);
    const attributed = await staff.analyst('PUT', `/api/v1/incidents/${id}/attribution`, {
      party: 'RU',
      confidence: 'probable',
      method: 'crater analysis: direction of fire from the south-east',
      evidence: [reportIds[0]],
    });
    expect(attributed.status).toBe(200);
    expect(attributed.json.incident.attribution).toMatchObject({ party: 'RU', confidence: 'probable' });
    expect(attributed.json.incident.corroboration.level).toBe('corroborated');

    const proposed = await staff.analyst('POST', `/api/v1/incidents/${id}/transitions`, {
      to: 'verified',
      reason: 'imagery and two teams agree',
    });
    expect(proposed.status).toBe(200);
    expect(proposed.json.incident.status).toBe('under_review');
    expect(proposed.json.incident.pending.status).toBe('verified');
    const again = await staff.analyst('POST', `/api/v1/incidents/${id}/transitions`, {
      to: 'verified',
      reason: 'again',
    });
    expect(again.status).toBe(409);
    expect(again.json.errors[0].rule).toBe('four-eyes-second-analyst');
    const sameOrg = await staff.analystSameOrg('POST', `/api/v1/incidents/${id}/transitions`, {
      to: 'verified',
      reason: 'agree',
    });
    expect(sameOrg.json.errors[0].rule).toBe('four-eyes-two-organisations');
    const confirmed = await staff.analystEU('POST', `/api/v1/incidents/${id}/transitions`, {
      to: 'verified',
      reason: 'confirmed on the imagery',
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.incident.status).toBe('verified');
    expect(confirmed.json.incident.concludedBy).toHaveLength(2);
    expect((confirmed.json.transitions as { step: string }[]).map((s) => s.step)).toEqual([
      'applied',
      'proposed',
      'confirmed',
    ]);

    // The finding is put to the body; parties do not learn of it before it is published.
    const put = await staff.analyst('POST', `/api/v1/incidents/${id}/findings`, {
      summary: 'Shelling of Horlivka outskirts, attributed to RU (probable).',
      public: true,
    });
    expect(put.status).toBe(201);
    const findingId: string = put.json.finding.id;
    expect((await staff.liaisonUA('GET', '/api/v1/findings')).json.total).toBe(0);
    expect((await staff.liaisonUA('GET', `/api/v1/findings/${findingId}`)).status).toBe(404);
    expect((await callerFor(t)('GET', `/api/v1/findings/${findingId}`)).status).toBe(404);
    expect(
      (await staff.commissionerRU('POST', `/api/v1/findings/${findingId}/votes`, { choice: 'against' }))
        .status,
    ).toBe(404);

    // Majority with a quorum of 4 seats: US holds 3 (chair), EUC 2; the parties observe.
    for (const vote of [staff.commissionerUS1, staff.commissionerUS2, staff.commissionerUS3])
      expect(
        (await vote('POST', `/api/v1/findings/${findingId}/votes`, { choice: 'for' })).json.finding.state,
      ).toBe('voting');
    const dissent = await staff.commissionerEUC1('POST', `/api/v1/findings/${findingId}/votes`, {
      choice: 'against',
      opinion: 'Attribution rests on one crater; probable is too strong.',
    });
    expect(dissent.status).toBe(201);
    expect(dissent.json.finding.state).toBe('adopted');
    expect(dissent.json.finding.tally).toEqual({ for: 3, against: 1, abstain: 0, seatsVoting: 4, quorum: 4 });
    expect(dissent.json.votes).toHaveLength(4);
    const late = await staff.commissionerEUC2('POST', `/api/v1/findings/${findingId}/votes`, {
      choice: 'for',
    });
    expect(late.status).toBe(409);
    expect(late.json.errors[0].rule).toBe('vote-after-decision');

    // Published: the parties and, as it is marked public, everyone read it, with the separate opinion.
    const published = await staff.analyst('POST', `/api/v1/findings/${findingId}/publish`);
    expect(published.status).toBe(200);
    expect(published.json.finding.marking).toBe('CLEAR');
    const seen = await staff.liaisonUA('GET', `/api/v1/findings/${findingId}`);
    expect(seen.status).toBe(200);
    expect(seen.json.finding).toMatchObject({
      outcome: 'verified',
      category: 'cfv-explosion',
      severity: 'serious',
      attribution: { party: 'RU', confidence: 'probable' },
    });
    expect(seen.json.finding.proposedBy).toBeUndefined();
    expect(seen.json.votes).toBeUndefined();
    expect(seen.json.opinions).toEqual([
      {
        organisationId: 'EUC',
        choice: 'against',
        opinion: 'Attribution rests on one crater; probable is too strong.',
      },
    ]);
    expect((await callerFor(t)('GET', '/api/v1/findings')).json.total).toBe(1);

    // Every step is in the log; only the published finding is in plain text.
    const entries = (await logEntries()).slice(before);
    const kinds = entries
      .map((e) => e.kind)
      .filter((k) => k.startsWith('incident.') || k.startsWith('finding.'));
    expect(kinds).toEqual([
      'incident.opened',
      'incident.regrouped',
      'incident.regrouped',
      'incident.transition',
      'incident.status-changed',
      'incident.attributed',
      'incident.transition',
      'incident.status-changed',
      'incident.transition',
      'incident.status-changed',
      'finding.proposed',
      'finding.vote',
      'finding.vote',
      'finding.vote',
      'finding.vote',
      'finding.decided',
      'finding.published',
    ]);
    for (const e of entries.filter((x) => x.kind.startsWith('incident.') || x.kind.startsWith('finding.'))) {
      if (e.kind === 'finding.published') {
        expect(e.record).toMatchObject({ id: findingId, state: 'adopted', marking: 'CLEAR' });
        expect(e.record?.proposedBy).toBeUndefined();
      } else {
        expect(e.record).toBeUndefined();
        expect(e.confidential?.marking).toBe('AMBER');
      }
    }
    const votes = entries.filter((e) => e.kind === 'finding.vote');
    expect(new Set(votes.map((v) => v.confidential?.recordKind))).toEqual(new Set(['finding-vote']));

    // Every stored row matches its log entry; a single edit of any of them is named.
    const audit = () => auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
    expect((await audit()).findings).toEqual([]);
    const voteId =
      (dissent.json.votes as { id: string; choice: string }[]).find((v) => v.choice === 'against')?.id ?? '';
    const transitionId: string = confirmed.json.transitions[1].id;
    const edits: [table: string, rowId: string, apply: string, undo: string][] = [
      ['incidents', id, `status = 'refuted'`, `status = 'verified'`],
      ['incidents', id, `severity = 'grave'`, `severity = 'serious'`],
      ['incidents', id, 'radius_m = radius_m + 1', 'radius_m = radius_m - 1'],
      ['incident_transitions', transitionId, `reason = 'x'`, `reason = 'imagery and two teams agree'`],
      ['findings', findingId, 'public = 0', 'public = 1'],
      ['finding_votes', voteId, `choice = 'for'`, `choice = 'against'`],
    ];
    const db = t.services.database.db;
    for (const [table, rowId, apply, undo] of edits) {
      await sql.raw(`update ${table} set ${apply} where id = '${rowId}'`).execute(db);
      const found = (await audit()).findings;
      expect(
        found.some((f) => f.table === table && f.id === rowId),
        `${table} ${apply}: ${JSON.stringify(found)}`,
      ).toBe(true);
      await sql.raw(`update ${table} set ${undo} where id = '${rowId}'`).execute(db);
    }
    expect((await audit()).findings).toEqual([]);
  });
});
