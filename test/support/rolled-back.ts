import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../src/db/database.js';

/** Thrown to roll a transaction back once its work is done. */
class RolledBack extends Error {}

/**
 * Applies an edit in one transaction, runs `inspect` (an audit, say) on the database as edited, and
 * rolls the edit back: what the tamper tests do with every edit. Errors of `apply` and `inspect` pass.
 */
export async function withEditRolledBack<T>(
  db: Kysely<Database>,
  apply: (tx: Transaction<Database>) => Promise<unknown>,
  inspect: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  let outcome: { value: T } | undefined;
  try {
    await db.transaction().execute(async (tx) => {
      await apply(tx);
      outcome = { value: await inspect(tx) };
      throw new RolledBack();
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
  }
  if (outcome === undefined) throw new Error('not inspected');
  return outcome.value;
}
