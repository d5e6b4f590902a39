import { afterEach, beforeEach, expect, it } from 'vitest';
import { findUserSalts } from '../access/pseudonym.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { auditDatabase } from '../ledger/database-audit.js';
import {
  AMENDMENT_RECORD_KIND,
  DELIVERY_RECORD_KIND,
  PLEDGE_RECORD_KIND,
  RATIFICATION_RECORD_KIND,
  amendmentRecord,
  deliveryRecord,
  pledgeRecord,
  ratificationRecord,
  withoutRecorder,
} from './commitment.model.js';
import { findAmendments, findDeliveries, findPledges, findRatifications } from './commitment.repository.js';

const pledge = (marking: string) => ({
  guaranteeId: 'g-security',
  category: 'air_defence',
  item: 'interceptors',
  quantity: 40,
  unit: 'pieces',
  responseId: 'resp-weapons',
  pledgedOn: '2026-11-20',
  marking,
});

type Table =
  'commitment_pledges' | 'commitment_amendments' | 'commitment_deliveries' | 'ratification_records';

describeEachDialect('commitments: who recorded each change, bound to the log by pseudonym', (dialect) => {
  let t: TestApp;
  let us: Caller;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    us = callerFor(t, await t.tokenFor('US', ['guarantor'], 'us-recorder'));
  });
  afterEach(() => t.close());

  // The log drained first: the audit reads log_entries and log_queue apart, so an entry the running
  // sequencer moves between the two reads would be missed.
  const audit = async () => {
    while ((await t.services.ledger.integrateOnce()) > 0);
    return auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
  };
  const userId = async (username: string) =>
    (
      await t.services.database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).id;

  /** A pledge of each marking, an amendment, a delivery and a ratification step: the rows by table. */
  async function recorded(): Promise<[Table, string][]> {
    const amber = (await us('POST', '/api/v1/commitments', pledge('AMBER'))).json.pledge.id as string;
    const clear = (await us('POST', '/api/v1/commitments', pledge('CLEAR'))).json.pledge.id as string;
    const delivered = await us('POST', `/api/v1/commitments/${amber}/deliveries`, {
      quantity: 10,
      deliveredOn: '2026-11-25',
    });
    expect(delivered.status).toBe(201);
    const amended = await us('POST', `/api/v1/commitments/${amber}/amendments`, {
      quantity: 60,
      reason: 'Second tranche approved',
    });
    expect(amended.status).toBe(201);
    const ratified = await us('POST', '/api/v1/guarantees/g-security/ratification/steps/rs-us-congress', {
      status: 'scheduled',
      on: '2026-12-10',
    });
    expect(ratified.status).toBe(201);
    const db = t.services.database.db;
    const one = async (table: Table) =>
      (await db.selectFrom(table).select('id').executeTakeFirstOrThrow()).id;
    return [
      ['commitment_pledges', amber],
      ['commitment_pledges', clear],
      ['commitment_amendments', await one('commitment_amendments')],
      ['commitment_deliveries', await one('commitment_deliveries')],
      ['ratification_records', await one('ratification_records')],
    ];
  }

  it('finds a changed recorder of a pledge, amendment, delivery or ratification record', async () => {
    const rows = await recorded();
    await t.tokenFor('US', ['guarantor'], 'us-other');
    const other = await userId('us-other');
    expect((await audit()).findings).toEqual([]);
    const db = t.services.database.db;
    for (const [table, id] of rows)
      for (const by of [other, 'console']) {
        await db.updateTable(table).set({ recorded_by: by }).where('id', '=', id).execute();
        expect((await audit()).findings, `${table} ${by}`).toEqual([
          expect.objectContaining({ table, id, check: 'edited' }),
        ]);
        await db
          .updateTable(table)
          .set({ recorded_by: await userId('us-recorder') })
          .where('id', '=', id)
          .execute();
      }
    expect((await audit()).findings).toEqual([]);
  });

  it('names no user in the log: a CLEAR pledge carries an unlinkable pseudonym', async () => {
    await recorded();
    const by = await userId('us-recorder');
    while ((await t.services.ledger.integrateOnce()) > 0);
    const entries = (await t.services.ledger.entries(0, 10_000)).map((e) => e.data.toString());
    const ours = entries
      .map((e) => JSON.parse(e) as { kind: string; record?: { recordedBy?: unknown } })
      .filter((e) => /^(commitment|ratification)\./.test(e.kind));
    expect(ours).toHaveLength(6);
    expect(JSON.stringify(ours)).not.toContain(by);
    const clear = ours.filter((e) => e.kind === 'commitment.pledged' && e.record !== undefined);
    expect(clear).toHaveLength(1);
    expect(clear[0]?.record?.recordedBy).toMatch(/^[0-9a-f]{64}$/);
    // Another record of the same user gets another pseudonym.
    const [p] = await findPledges(t.services.database.db, [
      (
        await t.services.database.db
          .selectFrom('commitment_pledges')
          .select('id')
          .where('marking', '=', 'AMBER')
          .executeTakeFirstOrThrow()
      ).id,
    ]);
    const salts = await findUserSalts(t.services.database.db, [by]);
    expect(p && pledgeRecord(p, salts).recordedBy).not.toBe(clear[0]?.record?.recordedBy);
  });

  it('still accepts entries logged before the recorder was', async () => {
    const rows = await recorded();
    const db = t.services.database.db;
    const id = (table: Table, i = 0) => rows.filter(([tb]) => tb === table)[i]?.[1] ?? '';
    const [p] = await findPledges(db, [id('commitment_pledges')]);
    const [a] = await findAmendments(db, [id('commitment_amendments')]);
    const [d] = await findDeliveries(db, [id('commitment_deliveries')]);
    const [r] = await findRatifications(db, [id('ratification_records')]);
    if (!p || !a || !d || !r) throw new Error('rows missing');
    const salts = await findUserSalts(db, [p.recordedBy]);
    // The latest entry of each in the shape an older release logged.
    await t.services.ledger.appender.recordMany(db, [
      {
        kind: 'commitment.revised',
        recordKind: PLEDGE_RECORD_KIND,
        recordId: p.id,
        marking: p.marking,
        record: withoutRecorder(pledgeRecord(p, salts)),
      },
      {
        kind: 'commitment.amended',
        recordKind: AMENDMENT_RECORD_KIND,
        recordId: a.id,
        marking: p.marking,
        record: withoutRecorder(amendmentRecord(a, salts)),
      },
      {
        kind: 'commitment.delivered',
        recordKind: DELIVERY_RECORD_KIND,
        recordId: d.id,
        marking: p.marking,
        record: withoutRecorder(deliveryRecord(d, salts)),
      },
      {
        kind: 'ratification.recorded',
        recordKind: RATIFICATION_RECORD_KIND,
        recordId: r.id,
        marking: r.marking,
        record: withoutRecorder(ratificationRecord(r, salts)),
      },
    ]);
    expect((await audit()).findings).toEqual([]);
  });
});
