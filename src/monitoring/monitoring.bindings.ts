/**
 * How reports and evidence are bound to their log entries (see `src/ledger/row-binding.ts`). The
 * records are rebuilt with the builders the writers log with (`logRecordOf`, `evidence.model.ts`);
 * each report row is also checked against itself: the denormalised columns against its body, the
 * submitted content against `content_sha256`, its addressees against the submitted ones.
 */
import { findUserSalts } from '../access/pseudonym.js';
import type { Kysely, Selectable } from 'kysely';
import type { Marking } from '../access/marking.js';
import { visibleTo } from '../access/visibility.sql.js';
import { AGREEMENT_RECORD_KIND } from '../agreement/agreement.repository.js';
import type { Database } from '../db/database.js';
import type { BoundRow, RowBinding, RowExpectation } from '../ledger/row-binding.js';
import { pagesById } from '../ledger/row-binding.js';
import {
  declaredEvidenceRecord,
  derivedEvidenceRecord,
  EVIDENCE_RECORD_KIND,
  evidenceRecordedBy,
  handedOverRecord,
  legacyDeclaredEvidenceRecord,
  legacyDerivedEvidenceRecord,
  legacyStoredEvidenceRecord,
  storedEvidenceRecord,
} from './evidence.model.js';
import { findEvidence, toEvidence, type Evidence } from './evidence.repository.js';
import { reportFromRow } from './report.body.js';
import { contentHash } from './report.intake.js';
import { REPORT_RECORD_KIND } from './report.model.js';
import { findVisibleReport, REPORT_COLUMNS, reportValues } from './report.repository.js';
import type { EvidenceTable, ReportTable } from './report.tables.js';
import { CLASSIFICATION_RECORD_KIND, classificationChangeOf, logRecordOf } from './report.writer.js';

const REPORT_KINDS = ['report.accepted', 'report.revised'];
/** Columns the body does not determine: the successor is set later; the body is compared by its content. */
/** Columns not derived from the body: superseded_by is checked by the revision chain, seal_salt by the record. */
const NOT_DERIVED = new Set(['superseded_by', 'body', 'seal_salt']);

type Addressees = Map<string, { organisations: string[]; users: string[] }>;

/** A revision's identity: whose external id, which revision. */
type RevisionKey = Pick<
  Selectable<ReportTable>,
  'id' | 'revision' | 'external_system' | 'external_id' | 'owner_organisation_id' | 'superseded_by'
>;

const externalKey = (r: RevisionKey) =>
  `${r.owner_organisation_id}\u0000${r.external_system ?? ''}\u0000${r.external_id ?? ''}`;

/**
 * Revisions of the page's external ids, so each row's place in its chain can be checked: a
 * superseded revision points at the next revision of the same external id of the same organisation,
 * and a revision that has a successor is marked superseded.
 */
async function revisionsOf(
  db: Kysely<Database>,
  page: readonly RevisionKey[],
): Promise<Map<string, RevisionKey[]>> {
  // By system, then id: the index on (external_system, external_id) serves each query.
  const bySystem = new Map<string, Set<string>>();
  for (const r of page) {
    if (r.external_id === null || r.external_system === null) continue;
    const ids = bySystem.get(r.external_system) ?? new Set<string>();
    ids.add(r.external_id);
    bySystem.set(r.external_system, ids);
  }
  const chains = new Map<string, RevisionKey[]>();
  for (const [system, set] of bySystem) {
    const externalIds = [...set];
    for (let i = 0; i < externalIds.length; i += 500) {
      const rows = await db
        .selectFrom('reports')
        .select([
          'id',
          'revision',
          'external_system',
          'external_id',
          'owner_organisation_id',
          'superseded_by',
        ])
        .where('external_system', '=', system)
        .where('external_id', 'in', externalIds.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        const chain = chains.get(externalKey(r)) ?? [];
        chain.push(r);
        chains.set(externalKey(r), chain);
      }
    }
  }
  return chains;
}

function chainProblems(row: RevisionKey, chains: ReadonlyMap<string, RevisionKey[]>): string[] {
  if (row.external_id === null)
    return row.superseded_by === null ? [] : ['superseded_by is set on a report without an external id'];
  const chain = chains.get(externalKey(row)) ?? [];
  const next = chain.find((r) => Number(r.revision) === Number(row.revision) + 1);
  if (row.superseded_by === null)
    return next === undefined ? [] : [`revision ${next.id} follows it, but superseded_by is not set`];
  return next?.id === row.superseded_by
    ? []
    : [`superseded_by names ${row.superseded_by}, not the next revision of its external id`];
}

async function agreementMarkings(db: Kysely<Database>): Promise<Map<string, Marking>> {
  const rows = await db.selectFrom('agreement_versions').select(['id', 'marking']).execute();
  return new Map(rows.map((r) => [r.id, r.marking as Marking]));
}

async function addresseesOf(db: Kysely<Database>, ids: readonly string[]): Promise<Addressees> {
  const found: Addressees = new Map();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('record_addressees')
      .select(['record_id', 'organisation_id', 'user_id'])
      .where('record_kind', '=', REPORT_RECORD_KIND)
      .where('record_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const a = found.get(r.record_id) ?? { organisations: [], users: [] };
      if (r.organisation_id !== null) a.organisations.push(r.organisation_id);
      if (r.user_id !== null) a.users.push(r.user_id);
      found.set(r.record_id, a);
    }
  }
  return found;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function boundReport(
  row: Selectable<ReportTable>,
  markings: ReadonlyMap<string, Marking>,
  addressees: Addressees,
  chains: ReadonlyMap<string, RevisionKey[]>,
): BoundRow {
  const problems: string[] = chainProblems(row, chains);
  let expectations: RowExpectation[] = [];
  try {
    const report = reportFromRow(row);
    const agreementMarking = markings.get(report.classification.agreementVersionId);
    const logged = (shape: 'current' | 'legacy', seal?: Buffer) => ({
      marking: report.marking,
      record: logRecordOf(report, agreementMarking, shape, seal),
    });
    const seal = row.seal_salt ?? undefined;
    expectations = [
      {
        kinds: REPORT_KINDS,
        // A row with a seal salt was logged with `sealed` (and, judged by a CLEAR version, with the
        // whole classification bound): that shape only. Rows written before have no salt and match
        // the shapes logged then: with the classification bound, or before that (legacy).
        expected:
          seal !== undefined
            ? logged('current', seal)
            : agreementMarking === 'CLEAR'
              ? [logged('current'), logged('legacy')]
              : logged('current'),
        queueSeq: row.log_seq === null ? null : Number(row.log_seq),
      },
    ];
    const values = reportValues(report, row.log_seq === null ? null : Number(row.log_seq));
    REPORT_COLUMNS.forEach((column, i) => {
      if (NOT_DERIVED.has(column)) return;
      const want = values[i];
      const have = row[column] as unknown;
      const same =
        typeof want === 'number' ? have !== null && Number(have) === want : (have ?? null) === (want ?? null);
      if (!same) problems.push(`column ${column} does not match the report's body`);
    });
    if (contentHash(report.submitted) !== row.content_sha256)
      problems.push('the submitted content in body does not hash to content_sha256');
    const stored = addressees.get(row.id) ?? { organisations: [], users: [] };
    if (
      !sameSet(stored.organisations, report.addressees.organisations) ||
      !sameSet(stored.users, report.addressees.users)
    )
      problems.push('record_addressees differ from the addressees of the submitted report');
  } catch (err) {
    problems.push(`body cannot be read (${(err as Error).message})`);
  }
  return { id: row.id, expectations, problems };
}

/**
 * A report's classification logged apart (`report.classified`), for a report judged by an agreement
 * version that is not CLEAR. Reports written before it was logged have no such entry: a row without
 * one is accepted, a row with one must match it.
 */
function boundClassificationOf(
  row: Selectable<ReportTable>,
  markings: ReadonlyMap<string, Marking>,
  logged: readonly string[],
): BoundRow {
  const agreementMarking = markings.get(row.agreement_version_id);
  if (agreementMarking === undefined)
    return {
      id: row.id,
      expectations: [],
      problems: [`its agreement version ${row.agreement_version_id} is missing`],
    };
  if (!logged.includes('report.classified')) return { id: row.id, expectations: [] };
  try {
    const report = reportFromRow(row);
    const change = classificationChangeOf(report, agreementMarking);
    return {
      id: row.id,
      expectations: [
        {
          kinds: ['report.classified'],
          ...(change !== undefined ? { expected: { marking: change.marking, record: change.record } } : {}),
        },
      ],
    };
  } catch (err) {
    return { id: row.id, expectations: [], problems: [`body cannot be read (${(err as Error).message})`] };
  }
}

/** Reports judged by an agreement version that is not CLEAR (or is missing), a page at a time. */
async function reportsJudgedApart(
  db: Kysely<Database>,
  clear: readonly string[],
  after: string | undefined,
  limit: number,
  id?: string,
) {
  let q = db.selectFrom('reports').selectAll().orderBy('id').limit(limit);
  if (clear.length > 0) q = q.where('agreement_version_id', 'not in', [...clear]);
  if (after !== undefined) q = q.where('id', '>', after);
  if (id !== undefined) q = q.where('id', '=', id);
  return q.execute();
}

const clearVersions = (markings: ReadonlyMap<string, Marking>) =>
  [...markings].filter(([, m]) => m === 'CLEAR').map(([id]) => id);

type EvidenceRow = EvidenceTable & {
  marking: string | null;
  /** `from` of its first and of its latest hand-over (custody trail); undefined when never handed over. */
  handedOver: { first: string | null; last: string | null } | undefined;
  /** Salts of the `user.created` entries of its page's creators (for `recordedBy`). */
  userSalts: ReadonlyMap<string, Buffer>;
};

/**
 * Evidence is changed by several events, each binding part of the row: its declaration (or
 * derivation), the later upload of its bytes, and the latest hand-over (with the custody trail's
 * record of whom it came from). `evidence.accessed` changes no row. The declaration states the
 * custodian then: the first hand-over's `from`, or the custodian still.
 *
 * Entries logged before provenance (`legacy*` shapes) are still accepted; an entry in the current
 * shape matches only the current one, so an edit of what only it states is still found.
 */
function boundEvidence(row: EvidenceRow, logged: readonly string[]): BoundRow {
  // Its entries are committed under its report's marking: without the report there is nothing to rebuild.
  if (row.marking === null)
    return { id: row.id, expectations: [], problems: [`its report ${row.report_id} is missing`] };
  const e = toEvidence(row);
  const marking = row.marking as Marking;
  const original = e.derivedFrom === null;
  const problems =
    original && e.derivation !== null
      ? ['derivation is set on an original (only derived copies have one)']
      : [];
  const recordedBy = evidenceRecordedBy(e, row.userSalts);
  // (A trail whose first `from` was erased names no custodian: '' matches none that was logged.)
  const declared: Evidence = {
    ...e,
    custodian: row.handedOver === undefined ? e.custodian : (row.handedOver.first ?? ''),
  };
  // Bytes uploaded after the declaration are logged by evidence.stored; the declaration then said
  // "not stored", with the size declared then (none, or the size the upload confirmed).
  const uploadedLater = original && logged.includes('evidence.stored');
  const declaredAs = (storedAt: string | null, sizeBytes: number | null) => {
    const then = { ...declared, storedAt, sizeBytes };
    return [
      { marking, record: declaredEvidenceRecord(then, recordedBy) },
      { marking, record: legacyDeclaredEvidenceRecord(then) },
    ];
  };
  const identity = !original
    ? [
        { marking, record: derivedEvidenceRecord(declared, recordedBy) },
        { marking, record: legacyDerivedEvidenceRecord(e) },
      ]
    : uploadedLater
      ? [...declaredAs(null, null), ...declaredAs(null, e.sizeBytes)]
      : declaredAs(e.storedAt, e.sizeBytes);
  return {
    id: e.id,
    problems,
    expectations: [
      { kinds: ['evidence.declared', 'evidence.derived'], expected: identity },
      {
        kinds: ['evidence.stored'],
        ...(uploadedLater && e.storedAt !== null
          ? {
              expected: [
                { marking, record: storedEvidenceRecord(e) },
                { marking, record: legacyStoredEvidenceRecord(e) },
              ],
            }
          : {}),
      },
      {
        kinds: ['evidence.handed-over'],
        ...(row.handedOver !== undefined
          ? { expected: { marking, record: handedOverRecord(e.id, row.handedOver.last, e.custodian) } }
          : {}),
      },
    ],
  };
}

/** The `from` of each item's first and latest hand-over. */
async function handOvers(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, { first: string | null; last: string | null }>> {
  const from = new Map<string, { first: string | null; last: string | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('evidence_custody')
      .select(['evidence_id', 'from_custodian'])
      .where('action', '=', 'handed_over')
      .where('evidence_id', 'in', ids.slice(i, i + 500))
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const seen = from.get(r.evidence_id);
      from.set(r.evidence_id, {
        first: seen === undefined ? r.from_custodian : seen.first,
        last: r.from_custodian,
      });
    }
  }
  return from;
}

async function evidenceRows(
  db: Kysely<Database>,
  after: string | undefined,
  limit: number,
  id?: string,
): Promise<EvidenceRow[]> {
  let q = db
    .selectFrom('report_evidence')
    .leftJoin('reports', 'reports.id', 'report_evidence.report_id')
    .selectAll('report_evidence')
    .select('reports.marking as marking')
    .orderBy('report_evidence.id')
    .limit(limit);
  if (after !== undefined) q = q.where('report_evidence.id', '>', after);
  if (id !== undefined) q = q.where('report_evidence.id', '=', id);
  const rows = await q.execute();
  const [handed, userSalts] = await Promise.all([
    handOvers(
      db,
      rows.map((r) => r.id),
    ),
    findUserSalts(
      db,
      rows.map((r) => r.created_by),
    ),
  ]);
  return rows.map((r): EvidenceRow => ({ ...r, handedOver: handed.get(r.id), userSalts }));
}

/** The monitoring domain's row bindings. */
export const monitoringRowBindings: readonly RowBinding[] = [
  {
    recordKind: REPORT_RECORD_KIND,
    table: 'reports',
    idFields: { 'report.accepted': 'id', 'report.revised': 'id' },
    async *rows(db) {
      const markings = await agreementMarkings(db);
      for await (const page of pagesById((after, limit) => {
        let q = db.selectFrom('reports').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      })) {
        const addressees = await addresseesOf(
          db,
          page.map((r) => r.id),
        );
        const chains = await revisionsOf(db, page);
        yield page.map((row) => boundReport(row, markings, addressees, chains));
      }
    },
    // As GET /reports/{id}: the permission to read reports, then the report's marking and addressees.
    visible: async (db, principal, id) =>
      principal.permissions.has('reports:read') && (await findVisibleReport(db, principal, id)) !== undefined,
    async current(db, id) {
      const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return undefined;
      const [markings, addressees, chains] = await Promise.all([
        agreementMarkings(db),
        addresseesOf(db, [id]),
        revisionsOf(db, [row]),
      ]);
      return boundReport(row, markings, addressees, chains);
    },
  },
  {
    recordKind: CLASSIFICATION_RECORD_KIND,
    table: 'reports',
    idFields: { 'report.classified': 'reportId' },
    async *rows(db, logged) {
      const markings = await agreementMarkings(db);
      const clear = clearVersions(markings);
      for await (const page of pagesById((after, limit) => reportsJudgedApart(db, clear, after, limit)))
        yield page.map((row) => boundClassificationOf(row, markings, logged(row.id)));
    },
    // As the report API shows a classification: to whoever may read the report and its agreement version.
    async visible(db, principal, id) {
      if (!principal.permissions.has('reports:read')) return false;
      const report = await findVisibleReport(db, principal, id);
      if (report === undefined) return false;
      const version = await db
        .selectFrom('agreement_versions')
        .select('id')
        .where('id', '=', report.classification.agreementVersionId)
        .where(visibleTo(principal, 'agreement_versions', AGREEMENT_RECORD_KIND))
        .executeTakeFirst();
      return version !== undefined;
    },
    async current(db, id, logged) {
      const markings = await agreementMarkings(db);
      const [row] = await reportsJudgedApart(db, clearVersions(markings), undefined, 1, id);
      return row && boundClassificationOf(row, markings, logged(id));
    },
  },
  {
    recordKind: EVIDENCE_RECORD_KIND,
    table: 'report_evidence',
    idFields: {
      'evidence.declared': 'evidenceId',
      'evidence.stored': 'evidenceId',
      'evidence.accessed': 'evidenceId',
      'evidence.handed-over': 'evidenceId',
      'evidence.derived': 'evidenceId',
    },
    async *rows(db, logged) {
      for await (const page of pagesById((after, limit) => evidenceRows(db, after, limit)))
        yield page.map((row) => boundEvidence(row, logged(row.id)));
    },
    // Evidence is visible exactly when its report is.
    async visible(db, principal, id) {
      if (!principal.permissions.has('reports:read')) return false;
      const evidence = await findEvidence(db, id);
      return (
        evidence !== undefined && (await findVisibleReport(db, principal, evidence.reportId)) !== undefined
      );
    },
    async current(db, id, logged) {
      const [row] = await evidenceRows(db, undefined, 1, id);
      return row && boundEvidence(row, logged(id));
    },
  },
];
