import { sql, type Kysely, type Transaction } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fileReport, sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { consoleActor } from '../access/audit.service.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import type { Database } from '../db/database.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { recordCommitment } from '../ledger/log-item.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { withEditRolledBack } from '../../test/support/rolled-back.js';
import { reportFromRow } from './report.body.js';
import { REPORT_RECORD_KIND } from './report.model.js';
import { CLASSIFICATION_RECORD_KIND, logRecordOf } from './report.writer.js';

describeEachDialect(
  'a report bound to the log: its classification, queue number and external system',
  (dialect) => {
    let t: TestApp;
    /**
     * A CLEAR report judged by the CLEAR agreement version, and one judged by a GREEN draft UA loaded
     * after it (not CLEAR: the classification is logged apart. A version above GREEN judges nothing).
     */
    let ids: { clearJudged: string; draftJudged: string; draft: string; clearVersion: string };
    let tokens: { ua: string; ru: string; analyst: string };

    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const file = (token: string, input: Record<string, unknown>) => fileReport(t, token, input);

    beforeEach(async () => {
      t = await startTestApp(dialect, { monitoring: {} });
      tokens = {
        ua: await t.tokenFor('UA', ['liaison']),
        ru: await t.tokenFor('RU', ['liaison']),
        analyst: await t.tokenFor('JMVC', ['monitor', 'analyst']),
      };
      await t.services.agreements.load(CONSOLE_ACTOR, {
        text: illustrativeAgreementText().replace(/^version: 3$/m, 'version: 4'),
        fileName: 'public.yaml',
        marking: 'CLEAR',
      });
      const clearJudged = await file(tokens.analyst, sampleInput({ marking: 'CLEAR' }));
      const owner = consoleActor(await t.services.sessions.principalFromToken(tokens.ua));
      const draft = await t.services.agreements.load(owner, {
        text: illustrativeAgreementText().replace(/^version: 3$/m, 'version: 5'),
        fileName: 'draft.yaml',
        marking: 'GREEN',
      });
      const draftJudged = await file(tokens.analyst, sampleInput({ marking: 'CLEAR' }));
      const versions = await t.services.database.db
        .selectFrom('reports')
        .select(['id', 'agreement_version_id'])
        .execute();
      const versionOf = (id: string) => versions.find((r) => r.id === id)?.agreement_version_id ?? '';
      expect(versionOf(draftJudged)).toBe(draft.version.id);
      expect(versionOf(clearJudged)).not.toBe(draft.version.id);
      ids = { clearJudged, draftJudged, draft: draft.version.id, clearVersion: versionOf(clearJudged) };
      while ((await t.services.ledger.integrateOnce()) > 0);
    });
    afterEach(() => t.close());

    const audit = (db: Kysely<Database>) => auditDatabase(db, { bindings: ROW_BINDINGS });

    /** Applies an edit, audits the database with it, and rolls it back. */
    const auditedEdit = (apply: (tx: Transaction<Database>) => Promise<unknown>) =>
      withEditRolledBack(t.services.database.db, apply, audit);

    it('logs the classification against a version that is not CLEAR apart, as a commitment, and only then', async () => {
      const clean = await audit(t.services.database.db);
      expect(clean.findings).toEqual([]);
      // Queued or integrated (the sequencer may be numbering them meanwhile).
      const db = t.services.database.db;
      const entries = [
        ...(await db
          .selectFrom('log_queue')
          .select('data')
          .where('kind', '=', 'report.classified')
          .execute()),
        ...(await db
          .selectFrom('log_entries')
          .select('data')
          .where('kind', '=', 'report.classified')
          .execute()),
      ];
      expect(entries).toHaveLength(1);
      const logged = JSON.parse(entries[0]?.data.toString() ?? '{}') as {
        confidential?: Record<string, unknown>;
      };
      expect(logged.confidential).toMatchObject({
        recordKind: CLASSIFICATION_RECORD_KIND,
        recordId: ids.draftJudged,
        marking: 'GREEN',
      });
    });

    it('finds an edit of the classification, its columns, the queue number or the external system, naming the report', async () => {
      const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
      const edits: { name: string; id: string; apply: string }[] = [];
      for (const id of [ids.clearJudged, ids.draftJudged]) {
        const set = (column: string, value: string) => ({
          name: `${column} of ${id === ids.draftJudged ? 'the draft-judged' : 'the CLEAR-judged'} report`,
          id,
          apply: `update reports set ${column} = ${value} where id = ${q(id)}`,
        });
        edits.push(
          set('side', q('XX')),
          set('line_distance_km', 'coalesce(line_distance_km, 0) + 1'),
          set('body', `replace(body, '"evaluatedAt":"', '"evaluatedAt":"1')`),
          set('log_seq', 'log_seq + 1'),
          set('log_seq', 'null'),
          set('external_system', q('field-db')),
          set('category', q('other')),
        );
      }
      edits.push(
        {
          name: 'agreement_version_id of the draft-judged report',
          id: ids.draftJudged,
          apply: `update reports set agreement_version_id = ${q(ids.clearVersion)} where id = ${q(ids.draftJudged)}`,
        },
        {
          name: 'agreement_version_id of the CLEAR-judged report',
          id: ids.clearJudged,
          apply: `update reports set agreement_version_id = ${q(ids.draft)} where id = ${q(ids.clearJudged)}`,
        },
      );
      const missed: string[] = [];
      for (const edit of edits) {
        const found = await auditedEdit((tx) => sql.raw(edit.apply).execute(tx));
        if (!found.findings.some((f) => f.table === 'reports' && f.id === edit.id))
          missed.push(`${edit.name}: ${JSON.stringify(found.findings)}`);
      }
      expect(missed).toEqual([]);
      expect((await audit(t.services.database.db)).findings).toEqual([]);
    });

    it('finds an edit of the source, its group, the notified sites, the author or the seal salt, which the public log does not show', async () => {
      const db = t.services.database.db;
      const id = ids.clearJudged;
      const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.source_id).not.toBeNull();
      expect(row.seal_salt?.length).toBe(32);
      // The CLEAR report is logged in full, with its source and notices only as the salted `sealed`.
      const entries = await db
        .selectFrom('log_entries')
        .select('data')
        .where('kind', '=', 'report.accepted')
        .execute();
      const entry = entries.map((e) => e.data.toString()).find((d) => d.includes(`"id":"${id}"`)) ?? '';
      expect(entry).toMatch(/"sealed":"[0-9a-f]{64}"/);
      for (const hidden of ['JMVC patrol team 3', 'jmvc-team-3', row.source_id ?? ''])
        expect(entry).not.toContain(hidden);

      const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
      const edits: Record<string, string> = {
        independence_group: `update reports set independence_group = ${q('another-team')} where id = ${q(id)}`,
        source_id: `update reports set source_id = ${q('src-0000000000000000')} where id = ${q(id)}`,
        'body source name': `update reports set body = replace(body, ${q('JMVC patrol team 3')}, ${q('JMVC patrol team 4')}) where id = ${q(id)}`,
        'body notified': `update reports set body = replace(body, '"notified":[]', '"notified":[{"distanceM":10,"id":"site-1","kind":"site"}]') where id = ${q(id)}`,
        author_user_id: `update reports set author_user_id = null where id = ${q(id)}`,
        'seal_salt changed': `update reports set seal_salt = (select seal_salt from reports where id = ${q(ids.draftJudged)}) where id = ${q(id)}`,
        'seal_salt removed': `update reports set seal_salt = null where id = ${q(id)}`,
      };
      const missed: string[] = [];
      for (const [name, apply] of Object.entries(edits)) {
        let changed = 0;
        const found = await auditedEdit(async (tx) => {
          changed = Number((await sql.raw(apply).execute(tx)).numAffectedRows ?? 0);
        });
        expect(changed, name).toBe(1);
        if (!found.findings.some((f) => f.table === 'reports' && f.id === id))
          missed.push(`${name}: ${JSON.stringify(found.findings)}`);
      }
      expect(missed).toEqual([]);
      expect((await audit(db)).findings).toEqual([]);
    });

    it('gives the classification’s salt to whoever may read the report and the version only', async () => {
      const url = `/api/v1/log/commitments/${CLASSIFICATION_RECORD_KIND}/${ids.draftJudged}`;
      const mine = await t.app.inject({ url, headers: as(tokens.ua) });
      expect(mine.statusCode).toBe(200);
      const body = mine.json<{
        records: { record: unknown }[];
        salts: { index: number | null; salt: string }[];
      }>();
      const [salt] = body.salts;
      const entry = await t.app.inject({ url: `/api/v1/log/entries/${salt?.index ?? -1}` });
      const logged = entry.json<{ entry: { confidential: { commitment: string } } }>().entry.confidential;
      expect(recordCommitment(Buffer.from(salt?.salt ?? '', 'base64'), body.records[0]?.record)).toBe(
        logged.commitment,
      );
      // Every organisation reads the GREEN draft; the public may read the CLEAR report, not the draft:
      // not found, as an unknown id.
      for (const token of [tokens.ru, tokens.analyst])
        expect((await t.app.inject({ url, headers: as(token) })).statusCode).toBe(200);
      const anonymous = await t.app.inject({ url });
      expect(anonymous.statusCode).toBe(404);
      expect(anonymous.body).not.toContain('zones');
      // The CLEAR-judged report has no classification logged apart.
      const none = await t.app.inject({
        url: `/api/v1/log/commitments/${CLASSIFICATION_RECORD_KIND}/${ids.clearJudged}`,
        headers: as(tokens.ua),
      });
      expect(none.statusCode).toBe(404);
    });

    it('still audits clean a report logged before: the legacy record, and no classification logged apart', async () => {
      const db = t.services.database.db;
      const markings = new Map([
        [ids.clearJudged, 'CLEAR'],
        [ids.draftJudged, 'GREEN'],
      ] as const);
      for (const [id, agreementMarking] of markings) {
        const copy = `legacy-${id}`;
        const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const report = reportFromRow({ ...row, id: copy });
        // As the writer logged it before: the record without classificationSha256, nothing else.
        const seq = await t.services.ledger.record(db, {
          kind: 'report.accepted',
          recordKind: REPORT_RECORD_KIND,
          recordId: copy,
          marking: report.marking,
          record: logRecordOf(report, agreementMarking, 'legacy'),
        });
        await db
          .insertInto('reports')
          .values({ ...row, id: copy, log_seq: seq, seal_salt: null })
          .execute();
      }
      while ((await t.services.ledger.integrateOnce()) > 0);
      expect((await audit(db)).findings).toEqual([]);
      // The current shape binds what the legacy one does not: an entry of it matches that shape only.
      const edited = await auditedEdit((tx) =>
        sql`update reports set body = replace(body, '"evaluatedAt":"', '"evaluatedAt":"1') where id = ${ids.clearJudged}`.execute(
          tx,
        ),
      );
      expect(edited.findings).toContainEqual(
        expect.objectContaining({ table: 'reports', id: ids.clearJudged }),
      );
    });
  },
);
