import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { consoleActor } from '../access/audit.service.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { auditDatabase } from './database-audit.js';
import { keyRotationRecord } from './key-rotation.js';
import { recordCommitment } from './log-item.js';
import { generateSignerKey, parseSignerKey } from './note.js';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** One tampering: the table and row the audit must name, and the edit (undone from a snapshot). */
interface Tamper {
  name: string;
  table: string;
  id: string;
  apply: string;
}

describeEachDialect('binding stored rows to the log', (dialect) => {
  let t: TestApp;
  let ids: {
    first: string;
    second: string;
    report: string;
    evidence: string;
    derived: string;
    user: string;
    token: string;
    version: string;
  };
  let analystToken: string;

  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    const s = t.services;
    await s.organisations.create(CONSOLE_ACTOR, { id: 'NGO', name: 'Monitoring NGO', kind: 'humanitarian' });
    await s.organisations.rename(CONSOLE_ACTOR, 'NGO', 'Monitoring NGO (field)');
    const user = await s.users.create(CONSOLE_ACTOR, {
      organisationId: 'UA',
      username: 'liaison-ua',
      roles: ['liaison'],
      password: 'correct horse battery staple',
    });
    await s.users.update(CONSOLE_ACTOR, user.id, { displayName: 'Officer' });
    const { token } = await s.tokens.create(CONSOLE_ACTOR, { userId: user.id, name: 'laptop' });
    await s.tokens.create(CONSOLE_ACTOR, { userId: user.id, name: 'phone' });
    await s.tokens.revoke(CONSOLE_ACTOR, token.id);
    // A new password revokes the other token: logged as its revocation.
    await s.users.update(CONSOLE_ACTOR, user.id, { password: 'another long passphrase' });
    analystToken = await t.tokenFor('JMVC', ['monitor', 'analyst', 'admin']);
    const analyst = consoleActor(await s.sessions.principalFromToken(analystToken));
    const bytes = Buffer.from('crater photo');
    const [report] = (
      await s.monitoring.reports.submit(
        analyst,
        [
          sampleInput({
            marking: 'AMBER',
            externalSystem: 'sys',
            externalId: 'e-1',
            addressees: { organisations: ['UA'] },
            evidence: [
              {
                sha256: sha(bytes),
                filename: 'crater.jpg',
                mediaType: 'image/jpeg',
                capturedAt: '2026-11-25T19:41:00Z',
                collector: 'team 4',
              },
            ],
          }),
        ],
        () => '/body',
        false,
      )
    ).reports;
    const reportId = report?.id ?? '';
    // A second revision of another external id: the first is superseded by it.
    const revise = (events: number) =>
      s.monitoring.reports.submit(
        analyst,
        [sampleInput({ externalSystem: 'sys', externalId: 'e-9', counts: { events } })],
        () => '/body',
        false,
      );
    const first = (await revise(1)).reports[0]?.id ?? '';
    const second = (await revise(2)).reports[0]?.id ?? '';
    const stored = await s.monitoring.evidence.upload(analyst, reportId, sha(bytes), Readable.from([bytes]));
    await s.monitoring.evidence.handOver(analyst, stored.id, 'court registry');
    const derived = await s.monitoring.evidence.derive(analyst, stored.id, {
      content: Buffer.from('redacted'),
      filename: 'crater-redacted.jpg',
      mediaType: 'image/jpeg',
      derivation: 'blurred faces',
    });
    const versionId = (await s.agreements.listVersions(analyst.principal))[0]?.id ?? '';
    ids = {
      first,
      second,
      report: reportId,
      evidence: stored.id,
      derived: derived.id,
      user: user.id,
      token: token.id,
      version: versionId,
    };
    while ((await s.ledger.integrateOnce()) > 0);
  });
  afterEach(() => t.close());

  const audit = () => auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
  const run = (text: string) => sql.raw(text).execute(t.services.database.db);

  it('a clean database audits clean', async () => {
    const report = await audit();
    expect(report.logProblems).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.rows).toBeGreaterThan(10);
  });

  it('checks every stored checkpoint with the log key, following a logged key rotation both ways', async () => {
    const s = t.services;
    const oldKey = s.ledger.sequencer.signer.verifierKey;
    const db = s.database.db;
    expect((await auditDatabase(db, { bindings: ROW_BINDINGS, logKeys: [oldKey] })).logProblems).toEqual([]);
    const next = parseSignerKey(generateSignerKey(s.ledger.reader.origin).signerKey);
    await s.ledger.sequencer.integrateKeyRotation(next, keyRotationRecord(s.ledger.sequencer.signer, next));
    for (const keys of [[oldKey], [next.verifierKey]]) {
      const report = await auditDatabase(db, { bindings: ROW_BINDINGS, logKeys: keys });
      expect(report.logProblems).toEqual([]);
      expect(report.warnings).not.toContain('no log key given: checkpoint signatures were not checked');
    }
    const stranger = parseSignerKey(generateSignerKey(s.ledger.reader.origin).signerKey).verifierKey;
    const report = await auditDatabase(db, { bindings: ROW_BINDINGS, logKeys: [stranger] });
    expect(report.logProblems.join('\n')).toMatch(/checkpoint at size \d+: not signed by a trusted log key/);
  });

  it('tamper: single edits, deletions and insertions of stored rows are each found and named', async () => {
    const r = ids.report;
    const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const col = (table: string, id: string, column: string, value: string): Tamper => ({
      name: `${table}.${column}`,
      table,
      id,
      apply: `update ${table} set ${column} = ${value} where id = ${q(id)}`,
    });
    const cases: Tamper[] = [
      ...[
        ['revision', '7'],
        ['category', q('other')],
        ['observed_from', q('2020-01-01T00:00:00.000Z')],
        ['lon', '30.5'],
        ['lat', '50.1'],
        ['reliability', q('A')],
        ['credibility', '1'],
        ['marking', q('CLEAR')],
        ['owner_organisation_id', q('UA')],
        ['content_sha256', q('0'.repeat(64))],
        ['body', `replace(body, 'Three impacts', 'No impacts')`],
        ['zones', q('[]')],
        ['external_id', q('e-2')],
        ['created_at', q('2020-01-01T00:00:00.000Z')],
        ['grade_rank', '99'],
        ['flagged', '1 - flagged'],
      ].map(([c, v]) => col('reports', r, c as string, v as string)),
      ...[
        ['sha256', q('1'.repeat(64))],
        ['size_bytes', '1'],
        ['media_type', q('text/plain')],
        ['collector', q('someone else')],
        ['captured_at', q('2020-01-01T00:00:00Z')],
        ['custodian', q('nobody')],
      ].map(([c, v]) => col('report_evidence', ids.evidence, c as string, v as string)),
      col('report_evidence', ids.derived, 'derivation', q('none')),
      col('reports', ids.first, 'superseded_by', 'null'),
      col('reports', ids.second, 'superseded_by', q(ids.first)),
      col('users', ids.user, 'roles', q('["admin"]')),
      col('users', ids.user, 'disabled', '1'),
      col('users', ids.user, 'password_hash', q('scrypt$forged')),
      col('users', ids.user, 'organisation_id', q('RU')),
      col('organisations', 'NGO', 'kind', q('commission')),
      col('organisations', 'NGO', 'name', q('Someone')),
      col('api_tokens', ids.token, 'revoked_at', 'null'),
      col('api_tokens', ids.token, 'scopes', q('["reports:read"]')),
      col('api_tokens', ids.token, 'secret_hash', q('forged')),
      col('agreement_versions', ids.version, 'title', q('Another')),
      col('agreement_versions', ids.version, 'content', `replace(content, 'a', 'b')`),
      col('agreement_versions', ids.version, 'marking', q('CLEAR')),
      {
        name: 'an addressee added',
        table: 'reports',
        id: r,
        apply: `insert into record_addressees (record_kind, record_id, organisation_id, user_id) values ('report', ${q(r)}, 'RU', null)`,
      },
      col('report_evidence', ids.evidence, 'report_id', q(ids.first)),
      {
        name: 'a salt deleted',
        table: 'users',
        id: ids.user,
        apply: `delete from log_commitments where record_id = ${q(ids.user)}`,
      },
      {
        name: 'a token deleted',
        table: 'api_tokens',
        id: ids.token,
        apply: `delete from api_tokens where id = ${q(ids.token)}`,
      },
      {
        name: 'a user inserted',
        table: 'users',
        id: 'intruder',
        apply:
          `insert into users (id, organisation_id, username, display_name, roles, password_hash, disabled, created_at) ` +
          `values ('intruder', 'UA', 'intruder', 'Intruder', '["admin"]', null, 0, '2026-01-01T00:00:00Z')`,
      },
      {
        name: 'a report inserted',
        table: 'reports',
        id: 'copy',
        apply:
          `insert into reports select 'copy', revision, external_system, 'copy', superseded_by, agreement_version_id, ` +
          `category, observed_from, observed_to, time_precision, lon, lat, uncertainty_m, geo_precision, source_id, ` +
          `independence_group, reliability, credibility, grade_rank, zones, side, line_distance_km, flagged, body, ` +
          `content_sha256, null, marking, owner_organisation_id, author_user_id, created_at, seal_salt, window_class from reports where id = ${q(r)}`,
      },
    ];
    const missed: string[] = [];
    for (const c of cases) {
      const snapshot = await snapshotOf();
      await run(c.apply);
      const report = await audit();
      const named = report.findings.some((f) => f.table === c.table && f.id === c.id);
      if (!named) missed.push(`${c.name}: ${JSON.stringify(report.findings)}`);
      await restore(snapshot);
    }
    expect(missed).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(35);
    const after = await audit();
    expect(after.findings).toEqual([]);
  });

  it('tamper: a rewritten log entry is found, and a consistent re-signed rewrite against the state kept', async () => {
    const db = t.services.database.db;
    const clean = await audit();
    const previous = { size: clean.size, rootHash: clean.rootHash };
    const row = await db
      .selectFrom('log_entries')
      .select(['idx', 'data'])
      .where('idx', '=', 3)
      .executeTakeFirstOrThrow();
    const forged = Buffer.from(row.data.toString('utf8').replace('"v":1', '"v":2'));
    await db.updateTable('log_entries').set({ data: forged }).where('idx', '=', 3).execute();
    expect((await audit()).logProblems.join('\n')).toMatch(/entry 3: leaf_hash does not match/);
    // The server's own key re-hashes it: the leaf matches, the roots it signed before do not.
    const { hashLeaf } = await import('./merkle-hash.js');
    await db
      .updateTable('log_entries')
      .set({ leaf_hash: hashLeaf(forged) })
      .where('idx', '=', 3)
      .execute();
    const report = await auditDatabase(db, { bindings: ROW_BINDINGS, previous: () => previous });
    expect(report.logProblems.join('\n')).toMatch(/no longer hash to the root verified before/);
    expect(report.logProblems.join('\n')).toMatch(/its root does not match log_entries/);
  });

  /** Every table the tamper cases touch, to put back exactly. */
  async function snapshotOf(): Promise<Record<string, unknown[]>> {
    const tables = [
      'reports',
      'report_evidence',
      'users',
      'organisations',
      'api_tokens',
      'agreement_versions',
      'record_addressees',
      'log_commitments',
    ];
    const out: Record<string, unknown[]> = {};
    for (const table of tables) out[table] = (await run(`select * from ${table}`)).rows;
    return out;
  }

  async function restore(snapshot: Record<string, unknown[]>): Promise<void> {
    const db = t.services.database.db;
    await db.transaction().execute(async (tx) => {
      if (dialect === 'sqlite') await sql`pragma defer_foreign_keys = on`.execute(tx);
      // Foreign keys are not deferrable on PostgreSQL: the test role (a superuser) skips their triggers.
      else await sql`set local session_replication_role = replica`.execute(tx);
      for (const [table, rows] of Object.entries(snapshot)) {
        await sql.raw(`delete from ${table}`).execute(tx);
        // Any table, its rows put back as they were read.
        const anyTable = tx as unknown as Kysely<Record<string, Record<string, unknown>>>;
        for (const row of rows as Record<string, unknown>[])
          await anyTable.insertInto(table).values(row).execute();
      }
    });
  }

  it('the salts API answers the owner with salts that recompute the logged commitment, and 404 to others', async () => {
    const owner = await t.app.inject({
      url: `/api/v1/log/commitments/user/${ids.user}`,
      headers: { authorization: `Bearer ${analystToken}` },
    });
    // The analyst is an admin (users:manage): entitled.
    expect(owner.statusCode).toBe(200);
    const body = owner.json<{
      records: { marking: string; record: unknown }[];
      salts: { index: number | null; salt: string }[];
    }>();
    const last = body.salts[body.salts.length - 1];
    expect(last?.index).not.toBeNull();
    const entry = await t.app.inject({ url: `/api/v1/log/entries/${last?.index ?? 0}` });
    const logged = entry.json<{ entry: { confidential: { commitment: string } } }>().entry.confidential;
    expect(recordCommitment(Buffer.from(last?.salt ?? '', 'base64'), body.records[0]?.record)).toBe(
      logged.commitment,
    );

    // The report is AMBER, addressed to UA: a user of RU may not see it, nor learn it exists.
    const other = await t.tokenFor('RU', ['monitor']);
    for (const url of [
      `/api/v1/log/commitments/report/${ids.report}`,
      `/api/v1/log/commitments/user/${ids.user}`,
    ]) {
      const res = await t.app.inject({ url, headers: { authorization: `Bearer ${other}` } });
      expect(res.statusCode, url).toBe(404);
    }
    const none = await t.app.inject({
      url: '/api/v1/log/commitments/report/no-such-report',
      headers: { authorization: `Bearer ${other}` },
    });
    expect(none.statusCode).toBe(404);
    const mine = await t.app.inject({
      url: `/api/v1/log/commitments/report/${ids.report}`,
      headers: { authorization: `Bearer ${analystToken}` },
    });
    expect(mine.statusCode).toBe(200);
  });
});
