import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { recordBreach } from '../../test/support/response.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { decodeEntryBundle, entriesPath, TILE_WIDTH } from '../ledger/tiles.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import type { CaseEvent } from './case.service.js';

const HOUR = 3_600_000;

/** The parts of a case page the test reads. */
interface Detail {
  case: Record<string, unknown> & {
    id: string;
    rungId: string;
    rungSince: string;
    deadline: string | null;
    findingIds: string[];
    evidence: { findings: { id: string }[]; incidents: string[] };
  };
  inactions: { actor: string; rungId: string; at: string }[];
  options: string[];
}

interface Entry {
  kind: string;
  record?: Record<string, unknown>;
  confidential?: { marking: string; recordKind: string; recordId: string; commitment: string };
}

describeEachDialect('response: from a first verified violation to the top rung', (dialect) => {
  let t: TestApp;
  let staff: Record<'commission' | 'us' | 'euc' | 'ru' | 'ua' | 'ocha', Caller>;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    staff = {
      commission: callerFor(t, await t.tokenFor('JMVC', ['analyst'])),
      us: callerFor(t, await t.tokenFor('US', ['guarantor'])),
      euc: callerFor(t, await t.tokenFor('EUC', ['guarantor'])),
      ru: callerFor(t, await t.tokenFor('RU', ['liaison'])),
      ua: callerFor(t, await t.tokenFor('UA', ['liaison'])),
      ocha: callerFor(t, await t.tokenFor('OCHA', ['humanitarian'])),
    };
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

  const sweep = () => t.services.response.cases.sweep(t.clock.now());

  it('opens, times out with inaction, escalates on triggers and decisions, responds, and replays', async () => {
    const events: CaseEvent[] = [];
    t.services.response.cases.onCaseEvent((e) => {
      events.push(e);
    });
    const start = t.clock.now();

    // Nothing without a breach: the list is empty.
    expect((await staff.commission('GET', '/api/v1/cases')).json.total).toBe(0);

    // 1. A first verified minor violation attributed to RU opens a case at rung 1 (the JC, 72 h).
    const f1 = await recordBreach(t, { party: 'RU' });
    const list = await staff.commission('GET', '/api/v1/cases');
    expect(list.json.total).toBe(1);
    const id: string = list.json.cases[0].id;
    let c = (await staff.commission('GET', `/api/v1/cases/${id}`)).json as Detail;
    expect(c.case).toMatchObject({ rungId: 'rung-1', status: 'open', actors: ['JC'], party: 'RU' });
    expect(c.case.deadline).toBe(new Date(start.getTime() + 72 * HOUR).toISOString());
    expect(c.case.evidence.findings.map((f) => f.id)).toEqual([f1.id]);
    expect(c.case.evidence.incidents).toEqual([f1.incidentId]);
    expect(c.options).toEqual(['escalate', 'hold', 'close']);
    expect(events.map((e) => e.kind)).toEqual(['case.opened']);

    // 12 h before the deadline the actors are warned once (webhooks and the event stream).
    t.clock.advance(61 * HOUR);
    expect(await sweep()).toBe(0);
    expect(await sweep()).toBe(0);
    expect(events.map((e) => e.kind)).toEqual(['case.opened', 'case.deadline-approaching']);
    events.pop();

    // 2. Nobody acts within 72 h: on the sweep the case escalates to rung 2 and the JC's inaction is recorded.
    t.clock.advance(12 * HOUR);
    expect(await sweep()).toBe(1);
    c = (await staff.commission('GET', `/api/v1/cases/${id}`)).json as Detail;
    expect(c.case.rungId).toBe('rung-2');
    expect(c.inactions).toMatchObject([{ actor: 'JC', rungId: 'rung-1', at: c.case.rungSince }]);
    expect(events.map((e) => e.kind)).toEqual(['case.opened', 'case.escalated', 'case.inaction']);
    // The guarantors are no actors yet (rungs 1 and 2): they cannot read it, decide on it, or list it.
    expect((await staff.us('GET', `/api/v1/cases/${id}`)).status).toBe(404);
    expect((await staff.us('GET', '/api/v1/cases')).json.total).toBe(0);
    const early = await staff.us('POST', `/api/v1/cases/${id}/decisions`, { option: 'close', reason: 'x' });
    expect(early.status).toBe(404);
    expect(JSON.stringify(early.json)).not.toContain('rung-');

    // 3. Two more violations in the same sector within 7 days: the third fires rung 3 (count 3, window 7d).
    await recordBreach(t, { party: 'RU', severity: 'serious', category: 'cfv-explosion' });
    c = (await staff.commission('GET', `/api/v1/cases/${id}`)).json as Detail;
    expect(c.case.rungId).toBe('rung-2');
    t.clock.advance(HOUR);
    await recordBreach(t, { party: 'RU' });
    c = (await staff.commission('GET', `/api/v1/cases/${id}`)).json as Detail;
    expect(c.case).toMatchObject({ rungId: 'rung-3', actors: ['US', 'EUC'], decisionRule: 'consensus' });
    expect(c.case.findingIds).toHaveLength(3);
    expect(c.options).toEqual(['escalate', 'hold', 'close', 'respond:resp-diplomatic']);

    // Who sees it: the commission, the rung's actors, the attributed party and the beneficiary; not OCHA.
    for (const who of ['us', 'euc', 'ru', 'ua'] as const)
      expect((await staff[who]('GET', `/api/v1/cases/${id}`)).status).toBe(200);
    expect((await staff.ocha('GET', `/api/v1/cases/${id}`)).status).toBe(404);
    expect((await staff.ocha('GET', '/api/v1/cases')).json.total).toBe(0);
    expect((await callerFor(t)('GET', `/api/v1/cases/${id}`)).status).toBe(404);

    // Bad decisions: nothing is written.
    const before = (await staff.commission('GET', `/api/v1/cases/${id}`)).json;
    const ocha = await staff.ocha('POST', `/api/v1/cases/${id}/decisions`, { option: 'close', reason: 'x' });
    expect(ocha.status).toBe(403); // humanitarians hold no cases:decide; and they could not see it anyway
    const ru = await t.tokenFor('RU', ['commissioner']);
    const notActor = await callerFor(t, ru)('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'close',
      reason: 'x',
    });
    expect(notActor.status).toBe(409);
    expect(notActor.json.errors[0].rule).toBe('not-an-actor');
    const badOption = await staff.us('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'bomb',
      reason: 'x',
    });
    expect(badOption.status).toBe(422);
    expect(badOption.json.errors[0]).toMatchObject({
      reason: expect.stringMatching(/must be one of escalate/),
    });
    const emptyReason = await staff.us('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'close',
      reason: ' ',
    });
    expect(emptyReason.status).toBe(422);
    expect((await staff.commission('GET', `/api/v1/cases/${id}`)).json).toEqual(before);

    // 4. The guarantors decide to escalate by consensus: rung 4. A second decision by the same actor is refused.
    const us = await staff.us('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'escalate',
      reason: 'pattern of violations in the east',
      rung: 'rung-3',
    });
    expect(us.status).toBe(201);
    expect(us.json.case.rungId).toBe('rung-3');
    const twice = await staff.us('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'hold',
      reason: 'again',
    });
    expect(twice.status).toBe(409);
    expect(twice.json.errors[0].rule).toBe('decided-once');
    const euc = await staff.euc('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'escalate',
      reason: 'agreed',
    });
    expect(euc.status).toBe(201);
    expect(euc.json.case).toMatchObject({ rungId: 'rung-4', decisionRule: 'each_guarantor' });
    const moved = await staff.us('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'hold',
      reason: 'late',
      rung: 'rung-3',
    });
    expect(moved.json.errors[0].rule).toBe('rung-moved');

    // 5. Rung 4 times out with neither guarantor deciding: escalates to the top rung, two inactions.
    t.clock.advance(73 * HOUR);
    await sweep();
    c = (await staff.commission('GET', `/api/v1/cases/${id}`)).json as Detail;
    expect(c.case.rungId).toBe('rung-5');
    expect(
      c.inactions
        .filter((i) => i.rungId === 'rung-4')
        .map((i) => i.actor)
        .sort(),
    ).toEqual(['EUC', 'US']);

    // 6. An armed attack attributed to RU: evidence on the top rung, the guarantee is activated.
    const attack = await recordBreach(t, { party: 'RU', category: 'armed-clash', severity: 'grave' });
    c = (await staff.commission('GET', `/api/v1/cases/${id}`)).json as Detail;
    expect(c.case.findingIds).toContain(attack.id);
    const status = await staff.commission('GET', '/api/v1/guarantees/status');
    expect(status.status).toBe(200);
    expect(status.json.guarantees[0]).toMatchObject({ id: 'g-security', state: 'activated' });
    // The cfv-explosion by RU is among the activation categories too.
    expect(status.json.guarantees[0].activation[0].findingIds).toHaveLength(2);
    expect(status.json.guarantees[0].activation[0].findingIds).toContain(attack.id);
    expect(c.options.slice(0, 4)).toEqual([
      'hold',
      'close',
      'respond:resp-snapback',
      'respond:resp-intelligence',
    ]);

    // 7. Each guarantor records its response: the case is closed as responded; nothing after that.
    await staff.us('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'respond:resp-intelligence',
      reason: 'support',
    });
    const last = await staff.euc('POST', `/api/v1/cases/${id}/decisions`, {
      option: 'respond:resp-snapback',
      reason: 'sanctions',
    });
    expect(last.json.case).toMatchObject({ status: 'closed', outcome: 'responded' });
    const closed = await staff.us('POST', `/api/v1/cases/${id}/decisions`, { option: 'hold', reason: 'x' });
    expect(closed.status).toBe(409);
    expect(closed.json.errors[0].rule).toBe('case-closed');

    // 8. The replay reproduces the same case, for the commission and for a party.
    const from = new Date(start.getTime() - HOUR).toISOString();
    const to = t.clock.now().toISOString();
    const replay = await staff.commission('GET', `/api/v1/ladder/replay?from=${from}&to=${to}`);
    expect(replay.status).toBe(200);
    expect(replay.json.mismatches).toEqual([]);
    expect(replay.json.text).toBe('reproduced 1 cases');
    expect((await staff.ua('GET', `/api/v1/ladder/replay?from=${from}&to=${to}`)).json.reproduced).toBe(1);

    // Every case event, decision and inaction is in the log, as commitments only (AMBER).
    const entries = (await logEntries()).filter((e) => e.kind.startsWith('case.'));
    expect(new Set(entries.map((e) => e.kind))).toEqual(
      new Set([
        'case.opened',
        'case.escalated',
        'case.evidence-added',
        'case.inaction',
        'case.decision',
        'case.closed',
      ]),
    );
    expect(entries.every((e) => e.record === undefined && e.confidential?.marking === 'AMBER')).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('rung-');

    // The audit binds every case, decision and inaction row to its entry; an edit is named.
    const audit = () => auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
    expect((await audit()).findings).toEqual([]);
    await t.services.database.db
      .updateTable('cases')
      .set({ rung_id: 'rung-1' })
      .where('id', '=', id)
      .execute();
    expect((await audit()).findings.map((f) => f.id)).toEqual([id]);
  });

  it('names a mismatch when a stored case was changed outside the rules', async () => {
    const start = t.clock.now();
    await recordBreach(t, {});
    const id = (await staff.commission('GET', '/api/v1/cases')).json.cases[0].id as string;
    await t.services.database.db
      .updateTable('cases')
      .set({ status: 'closed' })
      .where('id', '=', id)
      .execute();
    const from = new Date(start.getTime() - HOUR).toISOString();
    const report = (
      await staff.commission('GET', `/api/v1/ladder/replay?from=${from}&to=${t.clock.now().toISOString()}`)
    ).json as { mismatches: { caseId: string; field: string }[]; text: string };
    expect(report.mismatches.map((m) => [m.caseId, m.field])).toEqual([[id, 'status']]);
    expect(report.text).toMatch(new RegExp(`case ${id}: status differs: stored 'closed', replayed 'open'`));
  });
});
