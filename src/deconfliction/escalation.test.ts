import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { consoleActor, type Actor } from '../access/audit.service.js';
import { AppError } from '../core/errors.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import type { RaiseEscalation } from './escalation.service.js';

/** Every log entry ever made, queued or integrated, in one statement (one snapshot while the sequencer runs). */
async function loggedCount(t: TestApp): Promise<number> {
  const { rows } = await sql<{
    n: number | string;
  }>`select (select count(*) from log_queue) + (select count(*) from log_entries) as n`.execute(
    t.services.database.db,
  );
  return Number(rows[0]?.n);
}

describeEachDialect('escalations', (dialect) => {
  let t: TestApp;
  let raiser: Actor;
  let commission: Caller;
  let ua: Caller;
  let ru: Caller;
  let us: Caller;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    raiser = consoleActor(await t.services.sessions.principalFromToken(await t.tokenFor('UA', ['liaison'])));
    commission = callerFor(t, await t.tokenFor('JMVC', ['analyst']));
    ua = callerFor(t, await t.tokenFor('UA', ['liaison']));
    ru = callerFor(t, await t.tokenFor('RU', ['liaison']));
    us = callerFor(t, await t.tokenFor('US', ['guarantor']));
  });
  afterEach(() => t.close());

  const input: RaiseEscalation = {
    sourceKind: 'hotline-message',
    sourceId: 'm-1',
    organisations: ['UA', 'RU'],
    reason: 'acknowledgement deadline missed',
  };
  const raise = (i: RaiseEscalation = input) =>
    t.services.database.db.transaction().execute((tx) => t.services.escalations.raise(tx, raiser, i));
  const count = async (table: 'escalations') =>
    Number(
      (
        await t.services.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('raises once per source and reason, inside the caller’s transaction, and logs it once', async () => {
    const first = await raise();
    expect(first.created).toBe(true);
    expect(first.escalation).toMatchObject({ organisations: ['RU', 'UA'], raisedBy: expect.any(String) });
    // Queued or integrated already (the sequencer runs): every log entry ever made.
    const logged = () => loggedCount(t);
    const before = await logged();
    const again = await raise({ ...input, organisations: ['UA'] });
    expect(again).toEqual({ escalation: first.escalation, created: false });
    expect(await count('escalations')).toBe(1);
    expect(await logged()).toBe(before);
    expect((await raise({ ...input, reason: 'another reason' })).created).toBe(true);
    expect(await count('escalations')).toBe(2);
  });

  it('rolls back with the caller’s transaction', async () => {
    await expect(
      t.services.database.db.transaction().execute(async (tx) => {
        await t.services.escalations.raise(tx, raiser, input);
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    expect(await count('escalations')).toBe(0);
  });

  it('refuses an incomplete escalation naming each field, writing nothing', async () => {
    const err = await raise({ sourceKind: ' ', sourceId: '', organisations: [], reason: '' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).errors.map((e) => e.path).sort()).toEqual([
      '/organisations',
      '/reason',
      '/sourceId',
      '/sourceKind',
    ]);
    expect(await count('escalations')).toBe(0);
  });

  it('shows an escalation to the commission and the organisations involved, 404 to anyone else', async () => {
    const { escalation } = await raise();
    for (const who of [commission, ua, ru]) {
      expect((await who('GET', '/api/v1/escalations')).json.total).toBe(1);
      expect((await who('GET', `/api/v1/escalations/${escalation.id}`)).status).toBe(200);
    }
    expect((await us('GET', '/api/v1/escalations')).json).toEqual({ escalations: [], total: 0 });
    expect((await us('GET', `/api/v1/escalations/${escalation.id}`)).status).toBe(404);
    expect(
      (await us('POST', `/api/v1/escalations/${escalation.id}/resolve`, { resolution: 'x' })).status,
    ).toBe(404);
    expect((await callerFor(t)('GET', `/api/v1/escalations/${escalation.id}`)).status).toBe(401);
    // The salts API answers the organisations involved, and no one else.
    const salts = (who: Caller) => who('GET', `/api/v1/log/commitments/escalation/${escalation.id}`);
    expect((await salts(ua)).status).toBe(200);
    expect((await salts(us)).status).toBe(404);
  });

  it('filters by source and by open or resolved', async () => {
    const { escalation } = await raise();
    await raise({ ...input, sourceKind: 'notice-delivery', sourceId: 'n-1' });
    expect((await commission('GET', '/api/v1/escalations?sourceKind=notice-delivery')).json.total).toBe(1);
    expect((await commission('GET', '/api/v1/escalations?sourceId=m-1')).json.escalations[0].id).toBe(
      escalation.id,
    );
    await commission('POST', `/api/v1/escalations/${escalation.id}/resolve`, { resolution: 'called both' });
    expect((await commission('GET', '/api/v1/escalations?open=true')).json.total).toBe(1);
    expect((await commission('GET', '/api/v1/escalations?open=false')).json.total).toBe(1);
  });

  it('is resolved by the commission once; a party involved is refused; audit binds every row', async () => {
    const { escalation } = await raise();
    const url = `/api/v1/escalations/${escalation.id}/resolve`;
    const refused = await ua('POST', url, { resolution: 'we resolved it ourselves' });
    expect(refused.status).toBe(403);
    const resolved = await commission('POST', url, { resolution: 'the parties were called' });
    expect(resolved.status).toBe(200);
    expect(resolved.json).toMatchObject({
      resolution: 'the parties were called',
      resolvedAt: expect.any(String),
    });
    const twice = await commission('POST', url, { resolution: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.json.errors[0].rule).toBe('resolved-once');
    expect((await commission('POST', url, { resolution: '' })).status).toBe(422);

    const db = t.services.database.db;
    const audit = () => auditDatabase(db, { bindings: ROW_BINDINGS });
    while ((await t.services.ledger.integrateOnce()) > 0);
    expect((await audit()).findings).toEqual([]);
    await sql`update escalations set resolution = 'nothing to see' where id = ${escalation.id}`.execute(db);
    expect((await audit()).findings).toEqual([
      expect.objectContaining({ table: 'escalations', id: escalation.id, check: 'edited' }),
    ]);
    await sql`update escalations set resolution = 'the parties were called' where id = ${escalation.id}`.execute(
      db,
    );
    await sql`delete from record_addressees where record_kind = 'escalation' and organisation_id = 'RU'`.execute(
      db,
    );
    expect((await audit()).findings).toEqual([
      expect.objectContaining({ table: 'escalations', id: escalation.id, check: 'edited' }),
    ]);
  });
});
