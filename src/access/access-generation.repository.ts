import type { Executor } from '../db/database.js';

/**
 * The access generation: a counter that every change to who may do or read what moves in its own
 * transaction (triggers: see the migration `20261205T1300_access_generation`). A cached requester
 * context built at one value is valid while the counter still has it.
 */
export async function readAccessGeneration(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('access_generation')
    .select('value')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
