import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely, Updateable } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { withEditRolledBack } from '../../test/support/rolled-back.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { consoleActor, type Actor } from '../access/audit.service.js';
import type { Database } from '../db/database.js';
import { auditDatabase, type DatabaseAuditReport } from '../ledger/database-audit.js';
import {
  EVIDENCE_RECORD_KIND,
  legacyDeclaredEvidenceRecord,
  legacyDerivedEvidenceRecord,
  legacyStoredEvidenceRecord,
} from './evidence.model.js';
import { insertEvidence, type Evidence } from './evidence.repository.js';
import type { EvidenceTable } from './report.tables.js';

const sha256Of = (bytes: Buffer | string) => crypto.createHash('sha256').update(bytes).digest('hex');

type Edit = Updateable<EvidenceTable>;

describeEachDialect('evidence bound to the log: every column of report_evidence', (dialect) => {
  let t: TestApp;
  let analyst: Actor;
  let analystId: string;
  let otherUserId: string;
  /** Evidence of a CLEAR report stored at intake; of an AMBER report declared, uploaded, handed over twice, derived; declared later. */
  let ids: { intake: string; uploaded: string; derived: string; declared: string; clearReport: string };

  const integrate = async () => {
    while ((await t.services.ledger.integrateOnce()) > 0);
  };
  const audit = (db: Kysely<Database>) =>
    auditDatabase(db, {
      bindings: ROW_BINDINGS,
      logKeys: [t.services.ledger.sequencer.signer.verifierKey],
    });

  /** Audits the database with one row edited, then rolls the edit back. */
  const auditEdited = (id: string, set: Edit): Promise<DatabaseAuditReport> =>
    withEditRolledBack(
      t.services.database.db,
      (tx) => tx.updateTable('report_evidence').set(set).where('id', '=', id).execute(),
      audit,
    );

  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    const s = t.services;
    const token = await t.tokenFor('JMVC', ['monitor', 'analyst']);
    analyst = consoleActor(await s.sessions.principalFromToken(token));
    analystId = analyst.principal.userId ?? '';
    otherUserId = (await s.sessions.principalFromToken(await t.tokenFor('JMVC', ['monitor']))).userId ?? '';
    const photo = Buffer.from('a photograph of a crater');
    const [clear, amber] = (
      await s.monitoring.reports.submit(
        analyst,
        [
          sampleInput({
            marking: 'CLEAR',
            evidence: [
              {
                sha256: sha256Of(photo),
                filename: 'crater.jpg',
                mediaType: 'image/jpeg',
                capturedAt: '2026-11-25T19:41:00Z',
                collector: 'Patrol 3',
                device: 'camera 7',
                contentBase64: photo.toString('base64'),
              },
            ],
          }),
          sampleInput({
            marking: 'AMBER',
            evidence: [
              {
                sha256: sha256Of('video'),
                filename: 'video.mp4',
                mediaType: 'video/mp4',
                capturedAt: '2026-11-25T19:42:00Z',
                collector: 'Patrol 4',
              },
            ],
          }),
        ],
        (i) => `/${i}`,
        false,
      )
    ).reports;
    if (clear === undefined || amber === undefined) throw new Error('reports refused');
    const [intake] = await s.monitoring.evidence.list(analyst, clear.id);
    t.clock.advance(60_000);
    const uploaded = await s.monitoring.evidence.upload(
      analyst,
      amber.id,
      sha256Of('video'),
      Readable.from([Buffer.from('video')]),
    );
    t.clock.advance(60_000);
    await s.monitoring.evidence.handOver(analyst, uploaded.id, 'court registry');
    await s.monitoring.evidence.handOver(analyst, uploaded.id, 'archive');
    t.clock.advance(60_000);
    const derived = await s.monitoring.evidence.derive(analyst, uploaded.id, {
      content: Buffer.from('blurred video'),
      filename: 'video-blurred.mp4',
      mediaType: 'video/webm',
      derivation: 'blurred faces',
    });
    const declared = await s.monitoring.evidence.declare(analyst, clear.id, {
      sha256: sha256Of('sketch'),
      filename: 'sketch.png',
      mediaType: 'image/png',
      capturedAt: '2026-11-25T20:00:00Z',
      collector: 'Patrol 3',
    });
    if (intake === undefined) throw new Error('no evidence at intake');
    ids = {
      intake: intake.id,
      uploaded: uploaded.id,
      derived: derived.id,
      declared: declared.id,
      clearReport: clear.id,
    };
    await integrate();
  });
  afterEach(async () => t.close());

  const namesRow = (report: DatabaseAuditReport, id: string) =>
    report.findings.filter((f) => f.table === 'report_evidence' && f.id === id);

  it('audits clean, and finds an edit of every column the log binds, naming the row', async () => {
    expect((await audit(t.services.database.db)).findings).toEqual([]);
    const edits: [keyof typeof ids, Edit][] = [
      ['intake', { original_filename: 'crater2.jpg' }],
      ['declared', { original_filename: 'sketch.jpg' }],
      ['derived', { original_filename: 'video.mp4' }],
      ['intake', { device: 'camera 8' }],
      ['intake', { device: null }],
      ['intake', { created_by: otherUserId }],
      ['intake', { created_by: null }],
      ['uploaded', { created_by: `${analystId}x` }],
      ['derived', { created_by: otherUserId }],
      ['intake', { stored_at: '2026-11-26T08:00:00.001Z' }],
      ['uploaded', { stored_at: '2026-11-26T08:00:00.001Z' }],
      ['derived', { stored_at: '2026-11-26T08:00:00.001Z' }],
      ['intake', { declared_at: '2026-11-26T07:00:00.000Z' }],
      ['uploaded', { declared_at: '2026-11-26T07:00:00.000Z' }],
      ['derived', { declared_at: '2026-11-26T07:00:00.000Z' }],
      ['declared', { custodian: 'RU' }],
      ['intake', { custodian: 'UA' }],
      ['uploaded', { custodian: 'court registry' }],
      ['derived', { custodian: 'archive 2' }],
      ['intake', { derivation: 'cropped' }],
      ['uploaded', { derivation: 'cropped' }],
      ['derived', { derivation: 'blurred' }],
      ['derived', { size_bytes: 14 }],
      ['derived', { captured_at: '2026-11-25T19:42:01Z' }],
      ['derived', { media_type: 'video/mp4' }],
      ['derived', { collector: 'Patrol 5' }],
      ['derived', { report_id: ids.clearReport }],
    ];
    const missed: string[] = [];
    for (const [which, set] of edits) {
      const report = await auditEdited(ids[which], set);
      if (namesRow(report, ids[which]).length === 0) missed.push(`${which} ${JSON.stringify(set)}`);
    }
    expect(missed).toEqual([]);
  });

  it('logs who created or opened an item as a pseudonym only, which the audit recomputes from their user salt', async () => {
    const db = t.services.database.db;
    (await t.services.monitoring.evidence.open(analyst, ids.intake)).stream.destroy();
    await integrate();
    const entries = await db.selectFrom('log_entries').select(['kind', 'data']).execute();
    const clear = entries
      .map((e) => JSON.parse(e.data.toString('utf8')) as { kind: string; record?: Record<string, unknown> })
      .filter((e) => e.kind === 'evidence.declared' && e.record !== undefined);
    expect(clear.map((e) => e.record?.evidenceId).sort()).toEqual([ids.intake, ids.declared].sort());
    for (const e of entries.filter((x) => x.kind.startsWith('evidence.')))
      expect(e.data.toString('utf8')).not.toContain(analystId);
    const salt = await db
      .selectFrom('log_commitments as c')
      .innerJoin('log_entries as e', 'e.queue_seq', 'c.queue_seq')
      .select('c.salt')
      .where('c.record_id', '=', analystId)
      .where('e.kind', '=', 'user.created')
      .executeTakeFirstOrThrow();
    const intake = clear.find((e) => e.record?.evidenceId === ids.intake)?.record;
    expect(intake).toMatchObject({
      filename: 'crater.jpg',
      device: 'camera 7',
      custodian: 'JMVC',
      recordedBy: crypto.createHash('sha256').update(salt.salt).update(ids.intake).digest('hex'),
    });
    expect(intake?.storedAt).toBe(intake?.declaredAt);
    const accessed = entries
      .map((e) => JSON.parse(e.data.toString('utf8')) as { kind: string; record?: Record<string, unknown> })
      .filter((e) => e.kind === 'evidence.accessed');
    expect(accessed.map((e) => e.record)).toEqual([
      { evidenceId: ids.intake, by: intake?.recordedBy, org: 'JMVC' },
    ]);
  });

  it('still audits clean evidence whose entries were logged in the shapes of earlier releases', async () => {
    const s = t.services;
    const at = t.clock.now().toISOString();
    const base: Evidence = {
      id: crypto.randomUUID(),
      reportId: ids.clearReport,
      sha256: sha256Of('old photo'),
      sizeBytes: 9,
      mediaType: 'image/jpeg',
      originalFilename: 'old.jpg',
      collector: 'Patrol 1',
      device: null,
      capturedAt: '2026-11-20T10:00:00Z',
      declaredAt: at,
      storedAt: at,
      derivedFrom: null,
      derivation: null,
      custodian: 'JMVC',
      createdBy: analystId,
    };
    const later: Evidence = { ...base, id: crypto.randomUUID(), sha256: sha256Of('old video') };
    const copy: Evidence = {
      ...base,
      id: crypto.randomUUID(),
      sha256: sha256Of('old copy'),
      derivedFrom: base.id,
      derivation: 'cropped',
    };
    const change = (kind: string, id: string, record: unknown) => ({
      kind,
      recordKind: EVIDENCE_RECORD_KIND,
      recordId: id,
      marking: 'CLEAR' as const,
      record,
    });
    await s.database.db.transaction().execute(async (tx) => {
      await insertEvidence(tx, [base, later, copy]);
      await s.ledger.recordMany(tx, [
        change('evidence.declared', base.id, legacyDeclaredEvidenceRecord(base)),
        change('evidence.declared', later.id, legacyDeclaredEvidenceRecord({ ...later, storedAt: null })),
        change('evidence.stored', later.id, legacyStoredEvidenceRecord(later)),
        change('evidence.derived', copy.id, legacyDerivedEvidenceRecord(copy)),
      ]);
    });
    await integrate();
    expect((await audit(s.database.db)).findings).toEqual([]);
    // What the old shapes bound is still bound.
    for (const [id, set] of [
      [base.id, { collector: 'Patrol 2' }],
      [later.id, { size_bytes: 10 }],
      [copy.id, { derivation: 'blurred' }],
    ] as const)
      expect(namesRow(await auditEdited(id, set), id)).not.toEqual([]);
  });
});
