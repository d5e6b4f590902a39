import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Executor } from '../db/database.js';
import type { AgreementVersionTable } from './agreement.tables.js';

/** Marked records of this domain are addressed under this kind in record_addressees. */
export const AGREEMENT_RECORD_KIND = 'agreement_version';

/** A stored agreement version's metadata (the document itself is loaded separately). */
export interface AgreementVersionInfo {
  id: string;
  agreementId: string;
  version: number;
  title: string;
  status: string;
  entryIntoForce: string | null;
  contentSha256: string;
  sourceName: string;
  marking: Marking;
  ownerOrganisationId: string;
  loadedAt: string;
}

type Row = Pick<
  AgreementVersionTable,
  | 'id'
  | 'agreement_id'
  | 'version'
  | 'title'
  | 'status'
  | 'entry_into_force'
  | 'content_sha256'
  | 'source_name'
  | 'marking'
  | 'owner_organisation_id'
  | 'loaded_at'
>;

const INFO_COLUMNS = [
  'id',
  'agreement_id',
  'version',
  'title',
  'status',
  'entry_into_force',
  'content_sha256',
  'source_name',
  'marking',
  'owner_organisation_id',
  'loaded_at',
] as const;

function toInfo(row: Row): AgreementVersionInfo {
  return {
    id: row.id,
    agreementId: row.agreement_id,
    version: Number(row.version),
    title: row.title,
    status: row.status,
    entryIntoForce: row.entry_into_force,
    contentSha256: row.content_sha256,
    sourceName: row.source_name,
    marking: row.marking as Marking,
    ownerOrganisationId: row.owner_organisation_id,
    loadedAt: row.loaded_at,
  };
}

export async function insertAgreementVersion(db: Executor, row: AgreementVersionTable): Promise<void> {
  await db.insertInto('agreement_versions').values(row).execute();
}

export async function findAgreementVersion(
  db: Executor,
  id: string,
): Promise<AgreementVersionInfo | undefined> {
  const row = await db
    .selectFrom('agreement_versions')
    .select(INFO_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toInfo(row);
}

/** Versions the principal may see, newest first (by entry into force, then version). */
export async function listVisibleVersions(
  db: Executor,
  principal: Principal,
  filter: { agreementId?: string } = {},
): Promise<AgreementVersionInfo[]> {
  let q = db
    .selectFrom('agreement_versions')
    .select(INFO_COLUMNS)
    .where(visibleTo(principal, 'agreement_versions', AGREEMENT_RECORD_KIND))
    .orderBy('loaded_at', 'desc')
    .orderBy('version', 'desc');
  if (filter.agreementId !== undefined) q = q.where('agreement_id', '=', filter.agreementId);
  return (await q.execute()).map(toInfo);
}

export async function readAgreementContent(
  db: Executor,
  id: string,
): Promise<{ content: string; sourceText: string } | undefined> {
  const row = await db
    .selectFrom('agreement_versions')
    .select(['content', 'source_text'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { content: row.content, sourceText: row.source_text };
}

/**
 * The id of the version in force at `at` (RFC 3339) among those marked one of `markings`: the latest
 * entry into force, then the highest version.
 */
export async function findVersionIdInForceAt(
  db: Executor,
  at: string,
  markings: readonly Marking[],
): Promise<string | undefined> {
  const row = await db
    .selectFrom('agreement_versions')
    .select(['id'])
    .where('marking', 'in', [...markings])
    .where('entry_into_force', '<=', at)
    .where('status', 'in', ['signed', 'in_force', 'suspended'])
    .orderBy('entry_into_force', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/**
 * Everything {@link findVersionIdInForceAt}, {@link findNewestLiveVersionId} and
 * {@link findAgreementVersion} could read of the versions marked one of `markings`, as one string:
 * equal strings, equal answers.
 */
export async function judgingVersionsState(db: Executor, markings: readonly Marking[]): Promise<string> {
  const rows = await db
    .selectFrom('agreement_versions')
    .select(INFO_COLUMNS)
    .where('marking', 'in', [...markings])
    .orderBy('id')
    .execute();
  return JSON.stringify(rows);
}

/**
 * The id of the most recently loaded live version (draft, signed or in force) among those marked one
 * of `markings`, whatever date it names.
 */
export async function findNewestLiveVersionId(
  db: Executor,
  markings: readonly Marking[],
): Promise<string | undefined> {
  const row = await db
    .selectFrom('agreement_versions')
    .select(['id'])
    .where('marking', 'in', [...markings])
    .where('status', 'in', ['draft', 'signed', 'in_force'])
    .orderBy('loaded_at', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/**
 * Every stored version's id, oldest first (for the system's own use: not filtered by who reads), or
 * only those marked one of `markings`.
 */
export async function listVersionIds(db: Executor, markings?: readonly Marking[]): Promise<string[]> {
  let q = db.selectFrom('agreement_versions').select('id').orderBy('loaded_at');
  if (markings !== undefined) q = q.where('marking', 'in', [...markings]);
  return (await q.execute()).map((r) => r.id);
}

/**
 * The commitments the log holds (or still queues) under these queue numbers: which shape of a
 * version's record an entry committed to is told by trying each against it.
 */
export async function findLoggedCommitments(
  db: Executor,
  seqs: readonly number[],
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (seqs.length === 0) return found;
  const integrated = await db
    .selectFrom('log_entries')
    .select(['queue_seq', 'data'])
    .where('queue_seq', 'in', seqs)
    .execute();
  const queued = await db
    .selectFrom('log_queue')
    .select(['seq as queue_seq', 'data'])
    .where('seq', 'in', seqs)
    .execute();
  for (const r of [...integrated, ...queued]) {
    const parsed = JSON.parse(Buffer.from(r.data).toString('utf8')) as {
      confidential?: { commitment?: unknown };
    };
    const commitment = parsed.confidential?.commitment;
    if (typeof commitment === 'string') found.set(Number(r.queue_seq), commitment);
  }
  return found;
}
