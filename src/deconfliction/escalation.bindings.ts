/**
 * How stored escalations are bound to their log entries (see `src/ledger/row-binding.ts`): the
 * service logs with `escalationRecord` and the audit rebuilds with it from the row as stored now.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { pagesById, type BoundRow, type RowBinding } from '../ledger/row-binding.js';
import {
  ESCALATION_RECORD_KIND,
  escalationIdsAfter,
  findEscalation,
  findEscalations,
} from './escalation.repository.js';
import { ESCALATION_MARKING, escalationRecord } from './escalation.service.js';

const ESCALATION_KINDS = ['escalation.raised', 'escalation.resolved'];

async function boundEscalations(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  const escalations = await findEscalations(db, ids);
  return escalations.map((e) => ({
    id: e.id,
    expectations: [
      { kinds: ESCALATION_KINDS, expected: { marking: ESCALATION_MARKING, record: escalationRecord(e) } },
    ],
  }));
}

/** The escalations' row bindings. */
export const escalationRowBindings: readonly RowBinding[] = [
  {
    recordKind: ESCALATION_RECORD_KIND,
    table: 'escalations',
    idFields: Object.fromEntries(ESCALATION_KINDS.map((k) => [k, 'id'])),
    async *rows(db) {
      for await (const page of pagesById((after, limit) => escalationIdsAfter(db, after, limit), 500))
        yield await boundEscalations(
          db,
          page.map((r) => r.id),
        );
    },
    visible: async (db, principal, id) => (await findEscalation(db, principal, id)) !== undefined,
    current: async (db, id) => (await boundEscalations(db, [id]))[0],
  },
];
