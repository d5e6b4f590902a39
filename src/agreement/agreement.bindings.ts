/**
 * The record `agreement.loaded` logs, and how stored versions are bound to it (see
 * `src/ledger/row-binding.ts`): the service logs with {@link agreementVersionLogRecord} and the audit
 * rebuilds with it from the row, and checks the stored text still hashes to `content_sha256`.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Marking } from '../access/marking.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { BoundRow, RowBinding } from '../ledger/row-binding.js';
import { pagesById } from '../ledger/row-binding.js';
import { AGREEMENT_RECORD_KIND } from './agreement.repository.js';
import type { AgreementVersionTable } from './agreement.tables.js';

/** What `agreement.loaded` records of a version. */
export interface AgreementVersionFacts {
  id: string;
  agreementId: string;
  version: number;
  title: string;
  status: string;
  entryIntoForce: string | null;
  contentSha256: string;
  marking: Marking;
  loadedAt: string;
  sourceName: string;
  /** The organisation that loaded it: who may read it when it is marked above CLEAR. */
  ownerOrganisationId: string;
  /** The file as loaded (kept for line-accurate messages and faithful export). */
  sourceText: string;
}

/** SHA-256 (hex) of the file a version was loaded from. */
export function sourceSha256(sourceText: string): string {
  return crypto.createHash('sha256').update(sourceText).digest('hex');
}

/**
 * `agreement.loaded`: the version's identity, the SHA-256 of its canonical content, when it was loaded,
 * by which organisation, and the name and SHA-256 of the file it was loaded from (as readable as the
 * version: in full only when CLEAR).
 */
export function agreementVersionLogRecord(v: AgreementVersionFacts) {
  return {
    ...olderRecord(v),
    owner: v.ownerOrganisationId,
    sourceSha256: sourceSha256(v.sourceText),
  };
}

/** The record as releases before `owner` and `sourceSha256` were logged wrote it. */
function olderRecord(v: AgreementVersionFacts) {
  return {
    id: v.id,
    agreementId: v.agreementId,
    version: v.version,
    title: v.title,
    status: v.status,
    entryIntoForce: v.entryIntoForce,
    contentSha256: v.contentSha256,
    marking: v.marking,
    loadedAt: v.loadedAt,
    sourceName: v.sourceName,
  };
}

/**
 * The records an `agreement.loaded` entry may hold for a version: as logged now, as releases before
 * `owner` and `sourceSha256` were logged wrote it, and before `loadedAt` and `sourceName` were (an
 * entry with the newer fields matches only the shape that has them).
 */
export function agreementVersionLogRecords(v: AgreementVersionFacts) {
  const older = olderRecord(v);
  const { loadedAt: _loadedAt, sourceName: _sourceName, ...oldest } = older;
  return [agreementVersionLogRecord(v), older, oldest] as const;
}

type VersionRow = Pick<
  AgreementVersionTable,
  | 'id'
  | 'agreement_id'
  | 'version'
  | 'title'
  | 'status'
  | 'entry_into_force'
  | 'content_sha256'
  | 'marking'
  | 'loaded_at'
  | 'source_name'
  | 'owner_organisation_id'
  | 'source_text'
> & { content_check: string };

function boundVersion(row: VersionRow): BoundRow {
  const marking = row.marking as Marking;
  const records = agreementVersionLogRecords({
    id: row.id,
    agreementId: row.agreement_id,
    version: Number(row.version),
    title: row.title,
    status: row.status,
    entryIntoForce: row.entry_into_force,
    contentSha256: row.content_sha256,
    marking,
    loadedAt: row.loaded_at,
    sourceName: row.source_name,
    ownerOrganisationId: row.owner_organisation_id,
    sourceText: row.source_text,
  });
  return {
    id: row.id,
    expectations: [{ kinds: ['agreement.loaded'], expected: records.map((record) => ({ marking, record })) }],
    ...(row.content_check !== row.content_sha256
      ? { problems: ['content does not hash to content_sha256 (the stored text was changed)'] }
      : {}),
  };
}

const COLUMNS = [
  'id',
  'agreement_id',
  'version',
  'title',
  'status',
  'entry_into_force',
  'content_sha256',
  'marking',
  'loaded_at',
  'source_name',
  'owner_organisation_id',
  'source_text',
  'content',
] as const;

function toVersionRow(row: Pick<AgreementVersionTable, (typeof COLUMNS)[number]>): VersionRow {
  const { content, ...rest } = row;
  return { ...rest, content_check: crypto.createHash('sha256').update(content).digest('hex') };
}

/** The agreement domain's row bindings. */
export const agreementRowBindings: readonly RowBinding[] = [
  {
    recordKind: AGREEMENT_RECORD_KIND,
    table: 'agreement_versions',
    idFields: { 'agreement.loaded': 'id' },
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('agreement_versions').select(COLUMNS).orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return (await q.execute()).map(toVersionRow);
      }, 50))
        yield page.map(boundVersion);
    },
    visible: async (db, principal, id) =>
      principal.permissions.has('agreement:read') &&
      (await db
        .selectFrom('agreement_versions')
        .select(sql<number>`1`.as('one'))
        .where('id', '=', id)
        .where(visibleTo(principal, 'agreement_versions', AGREEMENT_RECORD_KIND))
        .executeTakeFirst()) !== undefined,
    async current(db, id) {
      const row = await db
        .selectFrom('agreement_versions')
        .select(COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && boundVersion(toVersionRow(row));
    },
  },
];
