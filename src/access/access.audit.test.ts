import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { auditDatabase } from '../ledger/database-audit.js';
import {
  organisationLogRecord,
  ORGANISATION_RECORD_KIND,
  tokenLogRecord,
  TOKEN_RECORD_KIND,
  userLogRecord,
  USER_RECORD_KIND,
  withoutCreatedAt,
} from './access.log-records.js';
import { toApiToken } from './token.repository.js';
import { toUser } from './user.repository.js';

describeEachDialect('access rows bound to the log', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  // The log drained first: the audit reads log_entries and log_queue apart, so an entry the running
  // sequencer moves between the two reads would be missed.
  const audit = async () => {
    while ((await t.services.ledger.integrateOnce()) > 0);
    return auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
  };

  /** A user and a token of a new organisation: the ids of the three rows. */
  async function accounts() {
    const org = await t.services.organisations.create(CONSOLE_ACTOR, {
      name: 'Field NGO',
      kind: 'humanitarian',
    });
    await t.tokenFor(org.id, ['observer'], 'field-monitor');
    const db = t.services.database.db;
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'field-monitor')
      .executeTakeFirstOrThrow();
    const token = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    return { org, user, token };
  }

  it('finds a changed creation time of an organisation, a user or a token', async () => {
    const { org, user, token } = await accounts();
    expect((await audit()).findings).toEqual([]);
    const db = t.services.database.db;
    const edits = [
      ['organisations', org.id],
      ['users', user.id],
      ['api_tokens', token.id],
    ] as const;
    for (const [table, id] of edits) {
      const before = await db
        .selectFrom(table)
        .select('created_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await db
        .updateTable(table)
        .set({ created_at: '2020-01-01T00:00:00.000Z' })
        .where('id', '=', id)
        .execute();
      expect((await audit()).findings, table).toEqual([
        expect.objectContaining({ table, id, check: 'edited' }),
      ]);
      await db.updateTable(table).set({ created_at: before.created_at }).where('id', '=', id).execute();
    }
    expect((await audit()).findings).toEqual([]);
  });

  it('still accepts entries logged before the creation time was', async () => {
    const { org, user, token } = await accounts();
    const db = t.services.database.db;
    // The latest entry of each in the shape an older release logged.
    await t.services.ledger.appender.recordMany(db, [
      {
        kind: 'organisation.renamed',
        recordKind: ORGANISATION_RECORD_KIND,
        recordId: org.id,
        marking: 'CLEAR',
        record: withoutCreatedAt(organisationLogRecord(org)),
      },
      {
        kind: 'user.updated',
        recordKind: USER_RECORD_KIND,
        recordId: user.id,
        marking: 'AMBER',
        record: withoutCreatedAt(userLogRecord(toUser(user), user.password_hash)),
      },
      {
        kind: 'token.revoked',
        recordKind: TOKEN_RECORD_KIND,
        recordId: token.id,
        marking: 'AMBER',
        record: withoutCreatedAt(tokenLogRecord(toApiToken(token), token.secret_hash)),
      },
    ]);
    expect((await audit()).findings).toEqual([]);
    // An old-shape entry still binds what it logged.
    await db.updateTable('organisations').set({ name: 'Renamed NGO' }).where('id', '=', org.id).execute();
    expect((await audit()).findings).toEqual([
      expect.objectContaining({ table: 'organisations', id: org.id, check: 'edited' }),
    ]);
  });
});
