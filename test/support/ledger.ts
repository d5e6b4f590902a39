import type { LoggedChange } from '../../src/ledger/log-item.js';

/** A CLEAR change of a test record, logged in full: for tests of the log itself. */
export function clearChange(kind: string, record: unknown, recordId = kind): LoggedChange {
  return { kind, recordKind: 'test', recordId, marking: 'CLEAR', record };
}
