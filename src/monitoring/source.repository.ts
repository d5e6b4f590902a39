import type { Executor } from '../db/database.js';
import type { Credibility, GradeCeiling, Reliability } from './grading.js';
import type { ReportSourceTable } from './report.tables.js';

/** A registered source of reports, graded A–F. */
export interface ReportSource {
  id: string;
  name: string;
  kind: string;
  reliability: Reliability;
  independenceGroup: string;
  ownerOrganisationId: string;
  createdAt: string;
  updatedAt: string;
}

function toSource(r: ReportSourceTable): ReportSource {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    reliability: r.reliability as Reliability,
    independenceGroup: r.independence_group,
    ownerOrganisationId: r.owner_organisation_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listSources(db: Executor): Promise<ReportSource[]> {
  return (await db.selectFrom('report_sources').selectAll().orderBy('name').execute()).map(toSource);
}

export async function findSourcesByIdsOrNames(
  db: Executor,
  ids: readonly string[],
  names: readonly string[],
): Promise<ReportSource[]> {
  const out: ReportSource[] = [];
  for (let i = 0; i < Math.max(ids.length, names.length); i += 500) {
    const idPart = ids.slice(i, i + 500);
    const namePart = names.slice(i, i + 500);
    if (idPart.length === 0 && namePart.length === 0) break;
    const rows = await db
      .selectFrom('report_sources')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...(idPart.length > 0 ? [eb('id', 'in', idPart)] : []),
          ...(namePart.length > 0 ? [eb('name', 'in', namePart)] : []),
        ]),
      )
      .execute();
    out.push(...rows.map(toSource));
  }
  return out;
}

/**
 * Registers sources seen for the first time. Two requests can see the same new source at once (eight
 * monitors of one patrol filing together): the later insert finds the row already there and leaves it,
 * instead of failing its report with a unique-key error.
 */
export async function insertSources(db: Executor, sources: ReportSource[]): Promise<void> {
  for (let i = 0; i < sources.length; i += 200) {
    await db
      .insertInto('report_sources')
      .values(
        sources.slice(i, i + 200).map((s) => ({
          id: s.id,
          name: s.name,
          kind: s.kind,
          reliability: s.reliability,
          independence_group: s.independenceGroup,
          owner_organisation_id: s.ownerOrganisationId,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function updateSourceGrade(
  db: Executor,
  id: string,
  patch: { reliability?: Reliability; independenceGroup?: string; kind?: string },
  at: string,
): Promise<number> {
  const result = await db
    .updateTable('report_sources')
    .set({
      ...(patch.reliability !== undefined ? { reliability: patch.reliability } : {}),
      ...(patch.independenceGroup !== undefined ? { independence_group: patch.independenceGroup } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findCeiling(db: Executor, userId: string): Promise<GradeCeiling | undefined> {
  const row = await db
    .selectFrom('grading_ceilings')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (
    row && {
      reliability: row.reliability as GradeCeiling['reliability'],
      credibility: Number(row.credibility) as Exclude<Credibility, 6>,
    }
  );
}

export async function upsertCeiling(
  db: Executor,
  userId: string,
  ceiling: GradeCeiling,
  setBy: string | null,
  at: string,
): Promise<void> {
  await db.deleteFrom('grading_ceilings').where('user_id', '=', userId).execute();
  await db
    .insertInto('grading_ceilings')
    .values({
      user_id: userId,
      reliability: ceiling.reliability,
      credibility: ceiling.credibility,
      set_by: setBy,
      set_at: at,
    })
    .execute();
}
