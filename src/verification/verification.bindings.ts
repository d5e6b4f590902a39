/**
 * How the verification domain's stored rows are bound to their log entries (see
 * `src/ledger/row-binding.ts`): the services log with `incidentRecord` / `findingRecord` and the
 * audit rebuilds with the same functions from the rows as stored now.
 */
import { sql, type Kysely } from 'kysely';
import type { Marking } from '../access/marking.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Database } from '../db/database.js';
import { pagesById, type BoundRow, type RowBinding } from '../ledger/row-binding.js';
import { INCIDENT_RECORD_KIND, findIncidents, transitionFromRow } from './incident.repository.js';
import { FINDING_RECORD_KIND, findFindings, voteFromRow } from './finding.repository.js';
import { findingRecord, incidentRecords, transitionRecord } from './verification.context.js';

const INCIDENT_KINDS = [
  'incident.opened',
  'incident.regrouped',
  'incident.status-changed',
  'incident.attributed',
  'incident.assessed',
];
const FINDING_KINDS = ['finding.proposed', 'finding.decided', 'finding.published'];

const idFields = (kinds: readonly string[], field = 'id') => Object.fromEntries(kinds.map((k) => [k, field]));

async function exists(
  db: Kysely<Database>,
  table: 'incidents' | 'findings',
  kind: string,
  principal: Parameters<typeof visibleTo>[0],
  id: string,
) {
  return (
    (await db
      .selectFrom(table)
      .select(sql<number>`1`.as('one'))
      .where('id', '=', id)
      .where(visibleTo(principal, table, kind))
      .executeTakeFirst()) !== undefined
  );
}

async function boundIncidents(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  const incidents = await findIncidents(db, ids);
  return incidents.map((i) => ({
    id: i.id,
    expectations: [
      {
        kinds: INCIDENT_KINDS,
        expected: incidentRecords(i).map((record) => ({ marking: i.marking, record })),
      },
    ],
  }));
}

async function incidentMarkings(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Marking>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('incidents').select(['id', 'marking']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.marking as Marking]));
}

type TransitionRow = Database['incident_transitions'];

async function boundTransitions(db: Kysely<Database>, rows: readonly TransitionRow[]): Promise<BoundRow[]> {
  const markings = await incidentMarkings(db, [...new Set(rows.map((r) => r.incident_id))]);
  return rows.map((r) => {
    const marking = markings.get(r.incident_id);
    return {
      id: r.id,
      expectations: [
        {
          kinds: ['incident.transition'],
          // As logged now (with its seq), or by a release before seq was logged.
          ...(marking !== undefined
            ? {
                expected: [
                  { marking, record: transitionRecord(transitionFromRow(r), Number(r.seq)) },
                  { marking, record: transitionFromRow(r) },
                ],
              }
            : {}),
        },
      ],
      ...(marking === undefined ? { problems: [`its incident ${r.incident_id} is gone`] } : {}),
    };
  });
}

async function boundFindings(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('findings')
          .select([
            'id',
            'body',
            'incident_id',
            'outcome',
            'category',
            'severity',
            'agreement_version_id',
            'owner_organisation_id',
            'proposed_at',
          ])
          .where('id', 'in', ids)
          .execute();
  // A finding is read from its body, which names it: a row whose body names another finding (a copy
  // inserted under a new id) is its own row, named as such, not a second reading of the other.
  const bodyId = (body: string): unknown => {
    try {
      return (JSON.parse(body) as { id?: unknown }).id;
    } catch {
      return undefined;
    }
  };
  const strays: BoundRow[] = rows
    .filter((r) => bodyId(r.body) !== r.id)
    .map((r) => ({
      id: r.id,
      expectations: [],
      problems: ['its body names another finding, or cannot be read'],
    }));
  const findings = await findFindings(
    db,
    rows.filter((r) => bodyId(r.body) === r.id).map((r) => r.id),
  );
  const columns = new Map(rows.map((r) => [r.id, r]));
  const bound = findings.map((finding): BoundRow => {
    const row = columns.get(finding.id);
    // The columns that repeat the body for queries (and, the owner, for who reads it) must agree with it.
    const problems =
      row === undefined ||
      row.incident_id !== finding.incidentId ||
      row.outcome !== finding.outcome ||
      row.category !== finding.category ||
      row.severity !== finding.severity
        ? ['incident, outcome, category or severity columns differ from its body']
        : [];
    if (
      row !== undefined &&
      (row.agreement_version_id !== finding.agreementVersionId ||
        row.owner_organisation_id !== finding.ownerOrganisationId ||
        row.proposed_at !== finding.proposedAt)
    )
      problems.push('agreement version, owner or proposal time columns differ from its body');
    return {
      id: finding.id,
      expectations: [
        { kinds: FINDING_KINDS, expected: { marking: finding.marking, record: findingRecord(finding) } },
      ],
      ...(problems.length > 0 ? { problems } : {}),
    };
  });
  return [...bound, ...strays];
}

type VoteRow = Database['finding_votes'];

async function boundVotes(db: Kysely<Database>, rows: readonly VoteRow[]): Promise<BoundRow[]> {
  const findingIds = [...new Set(rows.map((r) => r.finding_id))];
  // A vote is logged under the marking its finding had while the vote ran (before publication).
  const proposed =
    findingIds.length === 0
      ? []
      : await db.selectFrom('findings').select(['id', 'body']).where('id', 'in', findingIds).execute();
  const known = new Set(proposed.map((f) => f.id));
  return rows.map((r) => {
    const vote = voteFromRow(r);
    return {
      id: r.id,
      expectations: [{ kinds: ['finding.vote'], expected: { marking: 'AMBER', record: vote } }],
      ...(known.has(r.finding_id) ? {} : { problems: [`its finding ${r.finding_id} is gone`] }),
    };
  });
}

/** The verification domain's row bindings. */
export const verificationRowBindings: readonly RowBinding[] = [
  {
    recordKind: INCIDENT_RECORD_KIND,
    table: 'incidents',
    idFields: idFields(INCIDENT_KINDS),
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('incidents').select('id').orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield await boundIncidents(
          db,
          page.map((r) => r.id),
        );
    },
    visible: (db, principal, id) =>
      principal.permissions.has('incidents:read')
        ? exists(db, 'incidents', INCIDENT_RECORD_KIND, principal, id)
        : Promise.resolve(false),
    current: async (db, id) => (await boundIncidents(db, [id]))[0],
  },
  {
    recordKind: 'incident-transition',
    table: 'incident_transitions',
    idFields: { 'incident.transition': 'id' },
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('incident_transitions').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield await boundTransitions(db, page);
    },
    async visible(db, principal, id) {
      const row = await db
        .selectFrom('incident_transitions')
        .select('incident_id')
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        row !== undefined &&
        principal.permissions.has('incidents:read') &&
        exists(db, 'incidents', INCIDENT_RECORD_KIND, principal, row.incident_id)
      );
    },
    async current(db, id) {
      const row = await db
        .selectFrom('incident_transitions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && (await boundTransitions(db, [row]))[0];
    },
  },
  {
    recordKind: FINDING_RECORD_KIND,
    table: 'findings',
    idFields: idFields(FINDING_KINDS),
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('findings').select('id').orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield await boundFindings(
          db,
          page.map((r) => r.id),
        );
    },
    visible: (db, principal, id) =>
      principal.permissions.has('findings:read')
        ? exists(db, 'findings', FINDING_RECORD_KIND, principal, id)
        : Promise.resolve(false),
    current: async (db, id) => (await boundFindings(db, [id]))[0],
  },
  {
    recordKind: 'finding-vote',
    table: 'finding_votes',
    idFields: { 'finding.vote': 'id' },
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('finding_votes').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield await boundVotes(db, page);
    },
    // Votes are the body's: its members and the commission read them (as on the finding's page).
    async visible(db, principal, id) {
      const row = await db
        .selectFrom('finding_votes')
        .select('finding_id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined || !principal.permissions.has('incidents:read')) return false;
      const finding = await db
        .selectFrom('findings')
        .select('incident_id')
        .where('id', '=', row.finding_id)
        .executeTakeFirst();
      return (
        finding !== undefined && exists(db, 'incidents', INCIDENT_RECORD_KIND, principal, finding.incident_id)
      );
    },
    async current(db, id) {
      const row = await db.selectFrom('finding_votes').selectAll().where('id', '=', id).executeTakeFirst();
      return row && (await boundVotes(db, [row]))[0];
    },
  },
];
