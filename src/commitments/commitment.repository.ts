import { sql, type Selectable } from 'kysely';
import { dialectOf } from '../db/dialect.js';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Executor } from '../db/database.js';
import {
  PLEDGE_RECORD_KIND,
  RATIFICATION_RECORD_KIND,
  type Amendment,
  type Delivery,
  type Pledge,
  type PledgeCategory,
  type RatificationRecord,
  type RatificationRecordStatus,
} from './commitment.model.js';
import type {
  CommitmentAmendmentTable,
  CommitmentDeliveryTable,
  CommitmentPledgeTable,
  RatificationRecordTable,
} from './commitments.tables.js';

/** Which pledges a list or summary covers. */
export interface PledgeFilter {
  guaranteeId?: string;
  guarantor?: string;
  category?: string;
}

async function addresseesOf(
  db: Executor,
  kind: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('record_addressees')
    .select(['record_id', 'organisation_id'])
    .where('record_kind', '=', kind)
    .where('record_id', 'in', ids)
    .orderBy('organisation_id')
    .execute();
  for (const r of rows) {
    if (r.organisation_id === null) continue;
    const list = map.get(r.record_id);
    if (list === undefined) map.set(r.record_id, [r.organisation_id]);
    else list.push(r.organisation_id);
  }
  return map;
}

function toPledge(row: Selectable<CommitmentPledgeTable>, addressees: string[]): Pledge {
  return {
    id: row.id,
    guaranteeId: row.guarantee_id,
    agreementVersionId: row.agreement_version_id,
    guarantor: row.guarantor,
    category: row.category as PledgeCategory,
    item: row.item,
    quantity: Number(row.quantity),
    unit: row.unit,
    ...(row.response_id !== null ? { responseId: row.response_id } : {}),
    ...(row.provision !== null ? { provision: row.provision } : {}),
    pledgedOn: row.pledged_on,
    revision: row.revision,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    marking: row.marking as Marking,
    ownerOrganisationId: row.owner_organisation_id,
    addressees,
  };
}

async function toPledges(db: Executor, rows: Selectable<CommitmentPledgeTable>[]): Promise<Pledge[]> {
  const addressees = await addresseesOf(
    db,
    PLEDGE_RECORD_KIND,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toPledge(r, addressees.get(r.id) ?? []));
}

/** Stores a new pledge and its addressees. */
export async function insertPledge(db: Executor, p: Pledge): Promise<void> {
  await db
    .insertInto('commitment_pledges')
    .values({
      id: p.id,
      guarantee_id: p.guaranteeId,
      agreement_version_id: p.agreementVersionId,
      guarantor: p.guarantor,
      category: p.category,
      item: p.item,
      quantity: p.quantity,
      unit: p.unit,
      response_id: p.responseId ?? null,
      provision: p.provision ?? null,
      pledged_on: p.pledgedOn,
      revision: p.revision,
      recorded_at: p.recordedAt,
      recorded_by: p.recordedBy,
      marking: p.marking,
      owner_organisation_id: p.ownerOrganisationId,
      author_user_id: null,
    })
    .execute();
  if (p.addressees.length > 0)
    await db
      .insertInto('record_addressees')
      .values(
        p.addressees.map((org) => ({
          record_kind: PLEDGE_RECORD_KIND,
          record_id: p.id,
          organisation_id: org,
          user_id: null,
        })),
      )
      .execute();
}

/**
 * Takes the pledge's row for writing (a no-op update: a row lock on PostgreSQL, the write lock on
 * SQLite), so two deliveries cannot both pass the pledged-quantity check.
 */
export async function lockPledge(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('commitment_pledges')
    .set((eb) => ({ revision: eb.ref('revision') }))
    .where('id', '=', id)
    .execute();
}

/** A pledge the principal may see (or any pledge, for `undefined`). */
export async function findPledge(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<Pledge | undefined> {
  let q = db.selectFrom('commitment_pledges').selectAll().where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleTo(principal, 'commitment_pledges', PLEDGE_RECORD_KIND));
  const row = await q.executeTakeFirst();
  return row === undefined ? undefined : (await toPledges(db, [row]))[0];
}

/** Pledges by id (the system's view, for the row bindings). */
export async function findPledges(db: Executor, ids: readonly string[]): Promise<Pledge[]> {
  if (ids.length === 0) return [];
  return toPledges(
    db,
    await db.selectFrom('commitment_pledges').selectAll().where('id', 'in', ids).execute(),
  );
}

/** The pledges the principal may see, by guarantee, guarantor and date. */
export async function listVisiblePledges(
  db: Executor,
  principal: Principal,
  filter: PledgeFilter,
): Promise<Pledge[]> {
  let q = db
    .selectFrom('commitment_pledges')
    .selectAll()
    .where(visibleTo(principal, 'commitment_pledges', PLEDGE_RECORD_KIND));
  if (filter.guaranteeId !== undefined) q = q.where('guarantee_id', '=', filter.guaranteeId);
  if (filter.guarantor !== undefined) q = q.where('guarantor', '=', filter.guarantor);
  if (filter.category !== undefined) q = q.where('category', '=', filter.category);
  const rows = await q
    .orderBy('guarantee_id')
    .orderBy('guarantor')
    .orderBy('pledged_on')
    .orderBy('id')
    .execute();
  return toPledges(db, rows);
}

/** Sets a pledge's quantity and revision after an amendment. */
export async function updatePledgeQuantity(db: Executor, p: Pledge): Promise<void> {
  await db
    .updateTable('commitment_pledges')
    .set({ quantity: p.quantity, revision: p.revision })
    .where('id', '=', p.id)
    .execute();
}

function toAmendment(r: Selectable<CommitmentAmendmentTable>): Amendment {
  return {
    id: r.id,
    pledgeId: r.pledge_id,
    revision: r.revision,
    fromQuantity: Number(r.from_quantity),
    toQuantity: Number(r.to_quantity),
    reason: r.reason,
    amendedOn: r.amended_on,
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
  };
}

export async function insertAmendment(db: Executor, a: Amendment): Promise<void> {
  await db
    .insertInto('commitment_amendments')
    .values({
      id: a.id,
      pledge_id: a.pledgeId,
      revision: a.revision,
      from_quantity: a.fromQuantity,
      to_quantity: a.toQuantity,
      reason: a.reason,
      amended_on: a.amendedOn,
      recorded_at: a.recordedAt,
      recorded_by: a.recordedBy,
    })
    .execute();
}

/** The amendments of the pledges, oldest first. */
export async function listAmendments(db: Executor, pledgeIds: readonly string[]): Promise<Amendment[]> {
  if (pledgeIds.length === 0) return [];
  const rows = await db
    .selectFrom('commitment_amendments')
    .selectAll()
    .where('pledge_id', 'in', pledgeIds)
    .orderBy('pledge_id')
    .orderBy('revision')
    .execute();
  return rows.map(toAmendment);
}

/** Amendments by id (for the row bindings). */
export async function findAmendments(db: Executor, ids: readonly string[]): Promise<Amendment[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('commitment_amendments').selectAll().where('id', 'in', ids).execute()).map(
    toAmendment,
  );
}

function toDelivery(r: Selectable<CommitmentDeliveryTable>): Delivery {
  return {
    id: r.id,
    pledgeId: r.pledge_id,
    quantity: Number(r.quantity),
    deliveredOn: r.delivered_on,
    ...(r.note !== null ? { note: r.note } : {}),
    ...(r.evidence_sha256 !== null ? { evidenceSha256: r.evidence_sha256 } : {}),
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
  };
}

export async function insertDelivery(db: Executor, d: Delivery): Promise<void> {
  await db
    .insertInto('commitment_deliveries')
    .values({
      id: d.id,
      pledge_id: d.pledgeId,
      quantity: d.quantity,
      delivered_on: d.deliveredOn,
      note: d.note ?? null,
      evidence_sha256: d.evidenceSha256 ?? null,
      recorded_at: d.recordedAt,
      recorded_by: d.recordedBy,
    })
    .execute();
}

/** The deliveries against the pledges, by date. */
export async function listDeliveries(db: Executor, pledgeIds: readonly string[]): Promise<Delivery[]> {
  if (pledgeIds.length === 0) return [];
  const out: Delivery[] = [];
  // Chunks keep the parameter count within SQLite's limit for long lists.
  for (let i = 0; i < pledgeIds.length; i += 500) {
    const rows = await db
      .selectFrom('commitment_deliveries')
      .selectAll()
      .where('pledge_id', 'in', pledgeIds.slice(i, i + 500))
      .orderBy('delivered_on')
      .orderBy('id')
      .execute();
    out.push(...rows.map(toDelivery));
  }
  return out.sort((a, b) => a.deliveredOn.localeCompare(b.deliveredOn) || a.id.localeCompare(b.id));
}

/** Deliveries by id (for the row bindings). */
export async function findDeliveries(db: Executor, ids: readonly string[]): Promise<Delivery[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('commitment_deliveries').selectAll().where('id', 'in', ids).execute()).map(
    toDelivery,
  );
}

function toRatification(r: Selectable<RatificationRecordTable>): RatificationRecord {
  return {
    id: r.id,
    guaranteeId: r.guarantee_id,
    agreementVersionId: r.agreement_version_id,
    stepId: r.step_id,
    seq: r.seq,
    status: r.status as RatificationRecordStatus,
    on: r.on_date,
    ...(r.votes_for !== null ? { votesFor: r.votes_for } : {}),
    ...(r.votes_against !== null ? { votesAgainst: r.votes_against } : {}),
    ...(r.note !== null ? { note: r.note } : {}),
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
    marking: r.marking as Marking,
    ownerOrganisationId: r.owner_organisation_id,
  };
}

export async function insertRatification(db: Executor, r: RatificationRecord): Promise<void> {
  await db
    .insertInto('ratification_records')
    .values({
      id: r.id,
      guarantee_id: r.guaranteeId,
      agreement_version_id: r.agreementVersionId,
      step_id: r.stepId,
      seq: r.seq,
      status: r.status,
      on_date: r.on,
      votes_for: r.votesFor ?? null,
      votes_against: r.votesAgainst ?? null,
      note: r.note ?? null,
      recorded_at: r.recordedAt,
      recorded_by: r.recordedBy,
      marking: r.marking,
      owner_organisation_id: r.ownerOrganisationId,
      author_user_id: null,
    })
    .execute();
}

/** A guarantee's ratification records the principal may see (all, for `undefined`), oldest first. */
export async function listRatifications(
  db: Executor,
  principal: Principal | undefined,
  guaranteeId: string,
): Promise<RatificationRecord[]> {
  let q = db.selectFrom('ratification_records').selectAll().where('guarantee_id', '=', guaranteeId);
  if (principal !== undefined)
    q = q.where(visibleTo(principal, 'ratification_records', RATIFICATION_RECORD_KIND));
  const rows = await q.orderBy('step_id').orderBy('seq').execute();
  return rows.map(toRatification);
}

/** Ratification records by id (for the row bindings). */
export async function findRatifications(db: Executor, ids: readonly string[]): Promise<RatificationRecord[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('ratification_records').selectAll().where('id', 'in', ids).execute()).map(
    toRatification,
  );
}

/**
 * Serialises records of one step: on PostgreSQL a transaction-scoped advisory lock on the step, on
 * SQLite the write lock (taken by a no-op write), so two records never take the same `seq`.
 */
export async function lockGuaranteeRatification(
  db: Executor,
  guaranteeId: string,
  stepId: string,
): Promise<void> {
  if (dialectOf(db) === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext(${`ratification:${guaranteeId}:${stepId}`}))`.execute(db);
  else
    await db
      .updateTable('ratification_records')
      .set({ seq: sql`seq` })
      .where('id', '=', '')
      .execute();
}
