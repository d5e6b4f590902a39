import { sql, type RawBuilder } from 'kysely';
import type { Principal } from './policy.js';

/**
 * The SQL form of `canSee` for a table of marked records. The table needs `id`, `marking`,
 * `owner_organisation_id` and `author_user_id` columns; addressees live in `record_addressees`
 * under `recordKind`. Keep this in step with marking.ts: a test checks both agree.
 */
export function visibleTo(principal: Principal, table: string, recordKind: string): RawBuilder<boolean> {
  const col = (name: string) => sql.ref(`${table}.${name}`);
  const clauses: RawBuilder<unknown>[] = [sql`${col('marking')} = 'CLEAR'`];
  if (principal.userId !== null && principal.organisationKind !== 'public') {
    clauses.push(sql`${col('marking')} = 'GREEN'`);
  }
  const org = principal.organisationId;
  if (org !== null) {
    const ownOrAddressed = sql`(${col('owner_organisation_id')} = ${org} or exists (
      select 1 from record_addressees ra
      where ra.record_kind = ${recordKind} and ra.record_id = ${col('id')} and ra.organisation_id = ${org}))`;
    clauses.push(sql`(${col('marking')} in ('AMBER', 'AMBER+STRICT') and ${ownOrAddressed})`);
  }
  if (principal.userId !== null && principal.organisationKind === 'commission') {
    clauses.push(sql`${col('marking')} = 'AMBER'`);
  }
  if (principal.userId !== null) {
    const user = principal.userId;
    clauses.push(sql`(${col('marking')} = 'RED' and (${col('author_user_id')} = ${user} or exists (
      select 1 from record_addressees ra
      where ra.record_kind = ${recordKind} and ra.record_id = ${col('id')} and ra.user_id = ${user})))`);
  }
  return sql<boolean>`(${sql.join(clauses, sql` or `)})`;
}
