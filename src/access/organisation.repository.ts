import type { Executor } from '../db/database.js';
import type { OrganisationKind } from './policy.js';

/** An organisation as the services see it. */
export interface Organisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  createdAt: string;
}

function toOrganisation(row: { id: string; name: string; kind: string; created_at: string }): Organisation {
  return { id: row.id, name: row.name, kind: row.kind as OrganisationKind, createdAt: row.created_at };
}

export async function insertOrganisation(db: Executor, org: Organisation): Promise<void> {
  await db
    .insertInto('organisations')
    .values({ id: org.id, name: org.name, kind: org.kind, created_at: org.createdAt })
    .execute();
}

export async function findOrganisationById(db: Executor, id: string): Promise<Organisation | undefined> {
  const row = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOrganisation(row);
}

export async function findOrganisationByName(db: Executor, name: string): Promise<Organisation | undefined> {
  const row = await db.selectFrom('organisations').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toOrganisation(row);
}

export async function listOrganisations(db: Executor): Promise<Organisation[]> {
  const rows = await db.selectFrom('organisations').selectAll().orderBy('name').execute();
  return rows.map(toOrganisation);
}

export async function renameOrganisation(db: Executor, id: string, name: string): Promise<void> {
  await db.updateTable('organisations').set({ name }).where('id', '=', id).execute();
}

export async function countOrganisations(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('organisations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
