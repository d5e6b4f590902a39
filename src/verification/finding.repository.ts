import { sql, type Selectable } from 'kysely';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Executor } from '../db/database.js';
import type { Finding, Vote, VoteChoice } from './incident.model.js';
import { insertAddressees, replaceAddressees } from './incident.repository.js';
import type { FindingTable, FindingVoteTable } from './verification.tables.js';

/** The record kind findings are marked and addressed under. */
export const FINDING_RECORD_KIND = 'finding';

type Row = Selectable<FindingTable>;

/** The finding without the columns that repeat it (state, marking, addressees are the row's). */
type StoredBody = Omit<Finding, 'state' | 'marking' | 'addressees' | 'public' | 'decidedAt' | 'publishedAt'>;

function rowToFinding(row: Row, addressees: string[]): Finding {
  const body = JSON.parse(row.body) as StoredBody;
  return {
    ...body,
    state: row.state as Finding['state'],
    public: row.public === 1,
    ...(row.decided_at !== null ? { decidedAt: row.decided_at } : {}),
    ...(row.published_at !== null ? { publishedAt: row.published_at } : {}),
    marking: row.marking as Finding['marking'],
    addressees,
  };
}

function findingToRow(f: Finding): Row {
  const { state, marking, addressees: _addressees, public: isPublic, decidedAt, publishedAt, ...body } = f;
  return {
    id: f.id,
    incident_id: f.incidentId,
    agreement_version_id: f.agreementVersionId,
    state,
    outcome: f.outcome,
    category: f.category,
    severity: f.severity,
    body: JSON.stringify(body),
    public: isPublic ? 1 : 0,
    proposed_at: f.proposedAt,
    decided_at: decidedAt ?? null,
    published_at: publishedAt ?? null,
    marking,
    owner_organisation_id: f.ownerOrganisationId,
    author_user_id: null,
  };
}

/** Stores a proposed finding and its addressees. */
export async function insertFinding(db: Executor, f: Finding): Promise<void> {
  await db.insertInto('findings').values(findingToRow(f)).execute();
  await insertAddressees(
    db,
    FINDING_RECORD_KIND,
    f.addressees.map((org) => [f.id, org] as const),
  );
}

/** Writes a finding's state, tally, publication and addressees. */
export async function updateFinding(db: Executor, f: Finding): Promise<void> {
  const { id: _id, ...rest } = findingToRow(f);
  await db.updateTable('findings').set(rest).where('id', '=', f.id).execute();
  await replaceAddressees(db, FINDING_RECORD_KIND, f.id, f.addressees);
}

async function hydrate(db: Executor, rows: Row[]): Promise<Finding[]> {
  if (rows.length === 0) return [];
  const addressees = await db
    .selectFrom('record_addressees')
    .select(['record_id', 'organisation_id'])
    .where('record_kind', '=', FINDING_RECORD_KIND)
    .where(
      'record_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const by = new Map<string, string[]>();
  for (const a of addressees)
    if (a.organisation_id !== null) by.set(a.record_id, [...(by.get(a.record_id) ?? []), a.organisation_id]);
  return rows.map((r) => rowToFinding(r, (by.get(r.id) ?? []).sort()));
}

/** One finding if the principal may see it (undefined principal: the system itself). */
export async function findFinding(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<Finding | undefined> {
  let q = db.selectFrom('findings').selectAll('findings').where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleTo(principal, 'findings', FINDING_RECORD_KIND));
  return (await hydrate(db, await q.execute()))[0];
}

/** Findings by id for the system (no marking filter): the audit rebuilds their log records. */
export async function findFindings(db: Executor, ids: readonly string[]): Promise<Finding[]> {
  if (ids.length === 0) return [];
  return hydrate(db, await db.selectFrom('findings').selectAll().where('id', 'in', ids).execute());
}

/** The findings on an incident the principal may see, newest first. */
export async function listFindingsOfIncident(
  db: Executor,
  principal: Principal | undefined,
  incidentId: string,
): Promise<Finding[]> {
  let q = db.selectFrom('findings').selectAll('findings').where('incident_id', '=', incidentId);
  if (principal !== undefined) q = q.where(visibleTo(principal, 'findings', FINDING_RECORD_KIND));
  return hydrate(db, await q.orderBy('proposed_at', 'desc').orderBy('id').execute());
}

export interface FindingFilter {
  state?: Finding['state'];
  category?: string;
  severity?: string;
  published?: boolean;
  from?: string;
  to?: string;
  limit: number;
  offset?: number;
  /**
   * Only findings whose judging version's ids the reader may see: under `readable`, or CLEAR and
   * under `sharedWithEveryone` (so a filter on a version's id matches nothing else).
   */
  disclosedTo?: { readable: readonly string[]; sharedWithEveryone: readonly string[] };
}

/** Findings the principal may see, newest decision first. */
export async function listVisibleFindings(
  db: Executor,
  principal: Principal,
  filter: FindingFilter,
): Promise<{ findings: Finding[]; total: number }> {
  let q = db.selectFrom('findings').where(visibleTo(principal, 'findings', FINDING_RECORD_KIND));
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.category !== undefined) q = q.where('category', '=', filter.category);
  if (filter.severity !== undefined) q = q.where('severity', '=', filter.severity);
  if (filter.published === true) q = q.where('published_at', 'is not', null);
  if (filter.published === false) q = q.where('published_at', 'is', null);
  if (filter.from !== undefined) q = q.where('proposed_at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('proposed_at', '<=', filter.to);
  const disclosed = filter.disclosedTo;
  if (disclosed !== undefined)
    q = q.where((eb) => {
      const under = [
        ...(disclosed.readable.length > 0 ? [eb('agreement_version_id', 'in', [...disclosed.readable])] : []),
        ...(disclosed.sharedWithEveryone.length > 0
          ? [
              eb.and([
                eb('marking', '=', 'CLEAR'),
                eb('agreement_version_id', 'in', [...disclosed.sharedWithEveryone]),
              ]),
            ]
          : []),
      ];
      return under.length > 0 ? eb.or(under) : sql<boolean>`1 = 0`;
    });
  const total = await q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('findings')
    .orderBy('proposed_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return { findings: await hydrate(db, rows), total: Number(total.n) };
}

/** Records one vote (a member votes once per finding: the unique constraint). */
export async function insertVote(db: Executor, v: Vote): Promise<void> {
  await db
    .insertInto('finding_votes')
    .values({
      id: v.id,
      finding_id: v.findingId,
      user_id: v.userId,
      username: v.username,
      organisation_id: v.organisationId,
      choice: v.choice,
      opinion: v.opinion ?? null,
      at: v.at,
    })
    .execute();
}

/** A stored vote as the service sees it (the audit rebuilds logged votes with it too). */
export function voteFromRow(r: Selectable<FindingVoteTable>): Vote {
  return {
    id: r.id,
    findingId: r.finding_id,
    userId: r.user_id,
    username: r.username,
    organisationId: r.organisation_id,
    choice: r.choice as VoteChoice,
    ...(r.opinion !== null ? { opinion: r.opinion } : {}),
    at: r.at,
  };
}

/** A finding's votes, in the order cast. */
export async function listVotes(db: Executor, findingId: string): Promise<Vote[]> {
  const rows = await db
    .selectFrom('finding_votes')
    .selectAll()
    .where('finding_id', '=', findingId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(voteFromRow);
}
