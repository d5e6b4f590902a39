import type { Executor } from '../db/database.js';
import type { UserRow } from './access.tables.js';
import type { Role } from './policy.js';

/** A user as the services see it (never with the password hash). */
export interface User {
  id: string;
  organisationId: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as Role[],
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

export async function insertUser(db: Executor, user: User, passwordHash: string | null): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      organisation_id: user.organisationId,
      username: user.username,
      display_name: user.displayName,
      roles: JSON.stringify(user.roles),
      password_hash: passwordHash,
      disabled: user.disabled ? 1 : 0,
      created_at: user.createdAt,
    })
    .execute();
}

export async function findUserRowByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** The stored row, password hash included: for the log record of a change, never for a reply. */
export async function findUserRowById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserById(db: Executor, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: Executor, filter: { organisationId?: string } = {}): Promise<User[]> {
  let q = db.selectFrom('users').selectAll().orderBy('username');
  if (filter.organisationId !== undefined) q = q.where('organisation_id', '=', filter.organisationId);
  return (await q.execute()).map(toUser);
}

export async function updateUser(
  db: Executor,
  id: string,
  changes: { displayName?: string; roles?: Role[]; disabled?: boolean; passwordHash?: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      ...(changes.roles !== undefined ? { roles: JSON.stringify(changes.roles) } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
      ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function countUsersWithRole(db: Executor, role: Role): Promise<number> {
  const rows = await db.selectFrom('users').select('roles').where('disabled', '=', 0).execute();
  return rows.filter((r) => (JSON.parse(r.roles) as string[]).includes(role)).length;
}
