import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { auditDatabase } from '../ledger/database-audit.js';
import type { PublishedEvent } from '../notifications/event-bus.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';

// A value only the AMBER pledge carries: it must reach no reader who may not see the pledge.
const CANARY = 'Zr7q-secret-system';

const amberPledge = {
  guaranteeId: 'g-security',
  category: 'air_defence',
  item: `${CANARY} interceptors`,
  quantity: 40,
  unit: 'pieces',
  responseId: 'resp-weapons',
  pledgedOn: '2026-11-20',
  marking: 'AMBER',
};
const clearPledge = {
  guaranteeId: 'g-security',
  category: 'financing',
  item: 'Budget support',
  quantity: 2_000_000_000,
  unit: 'EUR',
  provision: 'P-15',
  pledgedOn: '2026-10-02',
  marking: 'CLEAR',
};

describeEachDialect('commitments API', (dialect) => {
  let t: TestApp;
  let us: Caller;
  let euc: Caller;
  let ru: Caller;
  let analyst: Caller;
  let liaisonUS: Caller;
  let pub: Caller;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    us = callerFor(t, await t.tokenFor('US', ['guarantor']));
    euc = callerFor(t, await t.tokenFor('EUC', ['guarantor']));
    ru = callerFor(t, await t.tokenFor('RU', ['liaison']));
    analyst = callerFor(t, await t.tokenFor('JMVC', ['analyst']));
    liaisonUS = callerFor(t, await t.tokenFor('US', ['observer']));
    pub = callerFor(t);
  });
  afterEach(() => t.close());

  const count = async (table: 'commitment_pledges' | 'commitment_deliveries' | 'commitment_amendments') =>
    (
      await t.services.database.db
        .selectFrom(table)
        .select(t.services.database.db.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  const logSize = async () => {
    const { rows } = await sql<{
      n: number | string;
    }>`select (select count(*) from log_queue) + (select count(*) from log_entries) as n`.execute(
      t.services.database.db,
    );
    return Number(rows[0]?.n);
  };

  it('an AMBER pledge of US reaches EUC and the commission, never RU or the public (API, summary, log, events)', async () => {
    const seen: Record<string, PublishedEvent[]> = { RU: [], EUC: [], PUBLIC: [] };
    const principal = async (org: string, role: 'guarantor' | 'liaison' | 'observer') =>
      t.services.sessions.principalFromToken(await t.tokenFor(org, [role]));
    t.services.events.subscribeFor(await principal('RU', 'liaison'), (e) => seen.RU?.push(e));
    t.services.events.subscribeFor(await principal('EUC', 'guarantor'), (e) => seen.EUC?.push(e));
    t.services.events.subscribeFor(await principal('PUBLIC', 'observer'), (e) => seen.PUBLIC?.push(e));

    const made = await us('POST', '/api/v1/commitments', amberPledge);
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const id = made.json.pledge.id as string;
    expect(made.json.pledge).toMatchObject({
      guarantor: 'US',
      ownerOrganisationId: 'US',
      addressees: ['EUC'],
    });
    expect(
      (await us('POST', `/api/v1/commitments/${id}/deliveries`, { quantity: 10, deliveredOn: '2026-11-25' }))
        .status,
    ).toBe(201);
    expect((await us('POST', '/api/v1/commitments', clearPledge)).status).toBe(201);

    for (const reader of [euc, analyst]) {
      expect((await reader('GET', `/api/v1/commitments/${id}`)).status).toBe(200);
      expect((await reader('GET', '/api/v1/commitments')).json.pledges).toHaveLength(2);
    }
    for (const outsider of [ru, pub]) {
      const one = await outsider('GET', `/api/v1/commitments/${id}`);
      expect(one.status).toBe(404);
      const list = await outsider('GET', '/api/v1/commitments');
      expect((list.json.pledges as { marking: string }[]).map((p) => p.marking)).toEqual(['CLEAR']);
      const summary = await outsider('GET', '/api/v1/commitments/summary');
      expect(summary.json.byCategory).toEqual([
        expect.objectContaining({ category: 'financing', unit: 'EUR', pledged: 2e9, delivered: 0 }),
      ]);
      expect(JSON.stringify(summary.json)).not.toContain('air_defence');
      expect(
        (
          await outsider('POST', `/api/v1/commitments/${id}/deliveries`, {
            quantity: 1,
            deliveredOn: '2026-11-26',
          })
        ).status,
      ).toBeOneOf([401, 403, 404]);
    }
    // The public log holds a commitment to the AMBER pledge and its delivery, never their content.
    while ((await t.services.ledger.integrateOnce()) > 0);
    const bundles = await t.services.database.db.selectFrom('log_entries').select('data').execute();
    const text = bundles.map((b) => Buffer.from(b.data).toString('utf8')).join('\n');
    expect(text).toContain('Budget support');
    expect(text).not.toContain(CANARY);
    expect(text).toContain('"recordKind":"commitment-pledge"');

    // Events: EUC (an addressee) hears of the AMBER pledge and delivery; RU and the public only of the CLEAR one.
    expect(seen.EUC?.map((e) => e.kind)).toEqual([
      'commitment.pledged',
      'commitment.delivered',
      'commitment.pledged',
    ]);
    for (const org of ['RU', 'PUBLIC']) {
      expect(seen[org]?.map((e) => e.marking)).toEqual(['CLEAR']);
      expect(JSON.stringify(seen[org])).not.toContain(CANARY);
    }
    // The event stream's JSON form filters the same way.
    const stream = await ru('GET', '/api/v1/events');
    expect(stream.status).toBe(200);
    expect((stream.json.events as { marking: string }[]).map((e) => e.marking)).toEqual(['CLEAR']);
  });

  it('refuses a delivery beyond the pledge until it is amended, keeping the history', async () => {
    const id = (await us('POST', '/api/v1/commitments', amberPledge)).json.pledge.id as string;
    expect(
      (await us('POST', `/api/v1/commitments/${id}/deliveries`, { quantity: 30, deliveredOn: '2026-11-22' }))
        .status,
    ).toBe(201);
    const [deliveries, size] = [await count('commitment_deliveries'), await logSize()];
    const over = await us('POST', `/api/v1/commitments/${id}/deliveries`, {
      quantity: 11,
      deliveredOn: '2026-11-23',
    });
    expect(over.status).toBe(409);
    expect(over.json.errors).toEqual([
      expect.objectContaining({ rule: 'delivery-exceeds-pledge', path: '/body/quantity' }),
    ]);
    expect(await count('commitment_deliveries')).toBe(deliveries);
    expect(await logSize()).toBe(size);

    const below = await us('POST', `/api/v1/commitments/${id}/amendments`, {
      quantity: 20,
      reason: 'stocks',
    });
    expect(below.status).toBe(409);
    expect(below.json.errors[0].rule).toBe('amendment-below-delivered');
    const noReason = await us('POST', `/api/v1/commitments/${id}/amendments`, { quantity: 60, reason: '  ' });
    expect(noReason.status).toBe(422);
    expect(await count('commitment_amendments')).toBe(0);
    const byOther = await euc('POST', `/api/v1/commitments/${id}/amendments`, {
      quantity: 60,
      reason: 'not ours',
    });
    expect(byOther.status).toBe(403);

    const amended = await us('POST', `/api/v1/commitments/${id}/amendments`, {
      quantity: 60,
      reason: 'Second tranche approved',
    });
    expect(amended.status).toBe(201);
    expect(amended.json.pledge).toMatchObject({ quantity: 60, revision: 2, delivered: 30, remaining: 30 });
    expect(amended.json.amendments).toEqual([
      expect.objectContaining({
        fromQuantity: 40,
        toQuantity: 60,
        reason: 'Second tranche approved',
        revision: 2,
      }),
    ]);
    const now = await us('POST', `/api/v1/commitments/${id}/deliveries`, {
      quantity: 11,
      deliveredOn: '2026-11-23',
    });
    expect(now.status).toBe(201);
    expect(now.json.pledge.delivered).toBe(41);

    // Every row matches its log entry; an edited quantity is found.
    while ((await t.services.ledger.integrateOnce()) > 0);
    const logKeys = [t.services.ledger.sequencer.signer.verifierKey];
    const clean = await auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS, logKeys });
    expect(clean.findings).toEqual([]);
    await t.services.database.db
      .updateTable('commitment_pledges')
      .set({ quantity: 6000 })
      .where('id', '=', id)
      .execute();
    const tampered = await auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS, logKeys });
    expect(tampered.findings).toEqual([
      expect.objectContaining({ table: 'commitment_pledges', id, check: 'edited' }),
    ]);
  });

  it('refuses bad pledges with precise errors and writes nothing', async () => {
    const size = await logSize();
    const cases: [Caller, Record<string, unknown>, number, string][] = [
      [us, { ...amberPledge, responseId: 'resp-nothing' }, 422, '/body/responseId'],
      [us, { ...amberPledge, responseId: undefined }, 422, '/body/responseId'],
      [us, { ...amberPledge, provision: 'P-99' }, 422, '/body/provision'],
      [us, { ...amberPledge, pledgedOn: '2026-02-30' }, 422, '/body/pledgedOn'],
      [us, { ...amberPledge, quantity: 0 }, 422, '/body/quantity'],
      [us, { ...amberPledge, marking: 'RED' }, 422, '/body/marking'],
      [us, { ...amberPledge, guarantor: 'RU' }, 422, '/body/guarantor'],
      [euc, { ...amberPledge, guarantor: 'US' }, 409, '/body/guarantor'],
      [ru, amberPledge, 403, ''],
      [liaisonUS, amberPledge, 403, ''],
    ];
    for (const [caller, body, status, path] of cases) {
      const res = await caller('POST', '/api/v1/commitments', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (path !== '')
        expect(
          (res.json.errors as { path: string }[]).map((e) => e.path),
          JSON.stringify(res.json),
        ).toContain(path);
    }
    const missing = await us('POST', '/api/v1/commitments', { ...amberPledge, guaranteeId: 'g-none' });
    expect(missing.status).toBe(404);
    expect(await count('commitment_pledges')).toBe(0);
    expect(await logSize()).toBe(size);
  });

  it('sums pledged vs delivered by guarantor and category, and month by month', async () => {
    const a = (await us('POST', '/api/v1/commitments', { ...amberPledge, marking: 'CLEAR' })).json.pledge
      .id as string;
    const b = (
      await us('POST', '/api/v1/commitments', {
        ...amberPledge,
        item: 'Launchers',
        quantity: 4,
        marking: 'CLEAR',
      })
    ).json.pledge.id as string;
    await euc('POST', '/api/v1/commitments', {
      ...clearPledge,
      quantity: 500_000_000,
      pledgedOn: '2026-11-03',
    });
    await us('POST', `/api/v1/commitments/${a}/deliveries`, { quantity: 15, deliveredOn: '2026-11-21' });
    await us('POST', `/api/v1/commitments/${b}/deliveries`, { quantity: 1, deliveredOn: '2026-12-01' });
    const s = await pub('GET', '/api/v1/commitments/summary');
    expect(s.status).toBe(200);
    expect(s.json.byGuarantorAndCategory).toEqual([
      {
        guarantor: 'EUC',
        category: 'financing',
        unit: 'EUR',
        pledges: 1,
        pledged: 5e8,
        delivered: 0,
        remaining: 5e8,
        deliveredShare: 0,
      },
      {
        guarantor: 'US',
        category: 'air_defence',
        unit: 'pieces',
        pledges: 2,
        pledged: 44,
        delivered: 16,
        remaining: 28,
        deliveredShare: 0.363636,
      },
    ]);
    expect(s.json.timeline).toEqual([
      {
        month: '2026-11',
        unit: 'EUR',
        pledged: 5e8,
        delivered: 0,
        cumulativePledged: 5e8,
        cumulativeDelivered: 0,
      },
      {
        month: '2026-11',
        unit: 'pieces',
        pledged: 44,
        delivered: 15,
        cumulativePledged: 44,
        cumulativeDelivered: 15,
      },
      {
        month: '2026-12',
        unit: 'pieces',
        pledged: 0,
        delivered: 1,
        cumulativePledged: 44,
        cumulativeDelivered: 16,
      },
    ]);
    const filtered = await pub('GET', '/api/v1/commitments/summary?guarantor=EUC');
    expect(filtered.json.byGuarantor).toEqual([expect.objectContaining({ guarantor: 'EUC', pledged: 5e8 })]);
  });

  it("records ratification steps by the step's actor or the commission, beside the negotiation status", async () => {
    const url = '/api/v1/guarantees/g-security/ratification/steps/rs-us-congress';
    // The test agreement is GREEN: the public does not see it, nor its guarantee.
    expect((await pub('GET', '/api/v1/guarantees/g-security/ratification')).status).toBe(404);
    const before = await ru('GET', '/api/v1/guarantees/g-security/ratification');
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({
      legalForm: 'pending',
      ratificationStatus: 'pending_legislative_vote',
    });
    expect((before.json.steps as { id: string; current: string }[]).map((s) => [s.id, s.current])).toEqual([
      ['rs-us-congress', 'pending'],
      ['rs-coalition', 'pending'],
    ]);
    expect(before.json.negotiation.consensusShare).toBeGreaterThan(0);

    expect((await euc('POST', url, { status: 'scheduled', on: '2026-12-10' })).status).toBe(403);
    expect((await ru('POST', url, { status: 'scheduled', on: '2026-12-10' })).status).toBe(403);
    const votesEarly = await us('POST', url, { status: 'scheduled', on: '2026-12-10', votesFor: 3 });
    expect(votesEarly.status).toBe(422);
    const badPass = await us('POST', url, {
      status: 'passed',
      on: '2026-12-12',
      votesFor: 40,
      votesAgainst: 55,
    });
    expect(badPass.status).toBe(422);
    expect((await ru('GET', '/api/v1/guarantees/g-none/ratification')).status).toBe(404);
    expect(
      (
        await us('POST', '/api/v1/guarantees/g-security/ratification/steps/rs-none', {
          status: 'held',
          on: '2026-12-10',
        })
      ).status,
    ).toBe(404);

    expect(
      (await us('POST', url, { status: 'scheduled', on: '2026-12-10', note: 'Senate floor vote' })).status,
    ).toBe(201);
    expect(
      (await analyst('POST', url, { status: 'held', on: '2026-12-12', votesFor: 68, votesAgainst: 31 }))
        .status,
    ).toBe(201);
    const passed = await us('POST', url, {
      status: 'passed',
      on: '2026-12-12',
      votesFor: 68,
      votesAgainst: 31,
    });
    expect(passed.status).toBe(201);
    const again = await us('POST', url, { status: 'failed', on: '2026-12-13' });
    expect(again.status).toBe(409);
    expect(again.json.errors[0].rule).toBe('step-concluded');

    const after = await ru('GET', '/api/v1/guarantees/g-security/ratification');
    type Step = { id: string; current: string; history: { status: string }[] };
    const step = (after.json.steps as Step[]).find((s) => s.id === 'rs-us-congress');
    expect(step?.current).toBe('passed');
    expect(step?.history.map((h) => h.status)).toEqual(['scheduled', 'held', 'passed']);
    expect(step?.history[1]).toMatchObject({ votesFor: 68, votesAgainst: 31, ownerOrganisationId: 'JMVC' });
    expect(JSON.stringify(after.json)).not.toContain('recordedBy');
  });
});
