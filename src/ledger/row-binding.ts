/**
 * Binding stored rows to their log entries. Each domain registers, per record kind, how to list its
 * rows and how to rebuild — from a row as stored now — the record its latest logged change committed
 * to. The service that logs a change and the audit that rebuilds it call the same record builder,
 * so the two cannot drift. `auditRows` then finds every edited, inserted or deleted row and names it.
 */
import type { Kysely } from 'kysely';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import type { Database } from '../db/database.js';
import { canonicalBytes } from './canonical-json.js';
import { recordCommitment } from './log-item.js';

/** What the log must hold for one aspect of a row. */
export interface RowExpectation {
  /** The event kinds that change this aspect; the latest entry of these for the record is compared. */
  readonly kinds: readonly string[];
  /**
   * What that entry logged, rebuilt from the row; `undefined` when the row says no such change was
   * ever made (then an entry of these kinds for the record is a finding). Several candidates when the
   * row no longer tells which of a few records was logged (the entry must match one of them).
   */
  readonly expected?: LoggedRecord | readonly LoggedRecord[];
  /**
   * The queue number the row says that entry has (a receipt it hands out), when it keeps one: the
   * latest entry must be that one (null: the row names none, a finding when an entry is expected).
   */
  readonly queueSeq?: number | null;
}

/** A record and the marking it was logged under. */
export interface LoggedRecord {
  readonly marking: Marking;
  readonly record: unknown;
}

/** The event kinds logged so far for a record, oldest first (a binding may need to know which happened). */
export type LoggedKinds = (recordId: string) => readonly string[];

/** One stored row, as the audit sees it. */
export interface BoundRow {
  readonly id: string;
  readonly expectations: readonly RowExpectation[];
  /** Inconsistencies the domain finds within its own rows (a derived column that no longer matches). */
  readonly problems?: readonly string[];
}

/** How one record kind's rows are bound to the log: registered by the domain that owns them. */
export interface RowBinding {
  /** The `recordKind` of its logged changes. */
  readonly recordKind: string;
  /** The table its rows live in (for messages). */
  readonly table: string;
  /**
   * Every event kind logged for this record kind, with the field of a CLEAR record (logged in full)
   * that holds the record id; a confidential entry names its record itself.
   */
  readonly idFields: Readonly<Record<string, string>>;
  /** Every stored row, page by page. */
  rows(db: Kysely<Database>, logged: LoggedKinds): AsyncIterable<readonly BoundRow[]>;
  /** Whether the principal may see this record (the domain's read rule); false for unknown ids. */
  visible(db: Kysely<Database>, principal: Principal, recordId: string): Promise<boolean>;
  /** The record as logged by its latest change, for the salts API; undefined for unknown ids. */
  current(db: Kysely<Database>, recordId: string, logged: LoggedKinds): Promise<BoundRow | undefined>;
}

/** One logged change of a record, as read from the log. */
export interface LoggedEntry {
  readonly kind: string;
  readonly queueSeq: number;
  /** Its log index; undefined while it is still queued. */
  readonly index?: number;
  /** The marking the entry states (`CLEAR` for an entry logged in full). */
  readonly marking: string;
  /** Canonical bytes of the record, for an entry logged in full. */
  readonly clear?: Buffer;
  /** The commitment, for a confidential entry. */
  readonly commitment?: string;
}

/** A row (or log entry) the audit found wrong. */
export interface RowFinding {
  readonly table: string;
  readonly recordKind: string;
  readonly id: string;
  readonly check: 'edited' | 'not-logged' | 'deleted' | 'salt-missing' | 'inconsistent';
  readonly detail: string;
}

/** The log's changes per record, and the salts kept for confidential ones. */
export interface LogIndex {
  /** `recordKind` → `recordId` → entries in log order. */
  readonly records: Map<string, Map<string, LoggedEntry[]>>;
  readonly salts: Map<number, Buffer>;
}

/** What an entry's bytes state about itself, for the checks of its stored columns. */
export interface IndexedEntry {
  /** The entry's kind. */
  readonly kind: string;
  /** The queue number the entry logs (`q`); undefined for an entry written before it was logged. */
  readonly q: unknown;
}

/**
 * Adds one entry (its canonical bytes) to the index; entries must be added in log order.
 *
 * @returns the entry's kind and queue number, as its bytes state them
 */
export function indexEntry(
  index: LogIndex,
  bindings: ReadonlyMap<string, RowBinding>,
  at: { queueSeq: number; index?: number },
  data: Buffer,
): IndexedEntry {
  const parsed = JSON.parse(data.toString('utf8')) as {
    kind?: unknown;
    q?: unknown;
    record?: Record<string, unknown>;
    confidential?: { recordKind?: unknown; recordId?: unknown; marking?: unknown; commitment?: unknown };
  };
  const kind = typeof parsed.kind === 'string' ? parsed.kind : '';
  const stated: IndexedEntry = { kind, q: parsed.q };
  let recordKind: string | undefined;
  let recordId: string | undefined;
  let entry: LoggedEntry;
  const base = { kind, queueSeq: at.queueSeq, ...(at.index !== undefined ? { index: at.index } : {}) };
  if (parsed.confidential !== undefined) {
    const c = parsed.confidential;
    recordKind = String(c.recordKind);
    recordId = String(c.recordId);
    entry = { ...base, marking: String(c.marking), commitment: String(c.commitment) };
  } else {
    const binding = bindingOfEvent(bindings, kind);
    const field = binding?.idFields[kind];
    const id = field === undefined ? undefined : parsed.record?.[field];
    if (binding === undefined || typeof id !== 'string') return stated;
    recordKind = binding.recordKind;
    recordId = id;
    entry = { ...base, marking: 'CLEAR', clear: canonicalBytes(parsed.record) };
  }
  let byId = index.records.get(recordKind);
  if (byId === undefined) index.records.set(recordKind, (byId = new Map<string, LoggedEntry[]>()));
  const list = byId.get(recordId);
  if (list === undefined) byId.set(recordId, [entry]);
  else list.push(entry);
  return stated;
}

const eventOwners = new WeakMap<ReadonlyMap<string, RowBinding>, Map<string, RowBinding>>();

function bindingOfEvent(bindings: ReadonlyMap<string, RowBinding>, kind: string): RowBinding | undefined {
  let owners = eventOwners.get(bindings);
  if (owners === undefined) {
    owners = new Map();
    for (const b of bindings.values()) for (const k of Object.keys(b.idFields)) owners.set(k, b);
    eventOwners.set(bindings, owners);
  }
  return owners.get(kind);
}

/** The latest of a record's entries among `kinds`. */
export function latestOf(entries: readonly LoggedEntry[] | undefined, kinds: readonly string[]) {
  if (entries === undefined) return undefined;
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const e = entries[i] as LoggedEntry;
    if (kinds.includes(e.kind)) return e;
  }
  return undefined;
}

/** Whether an entry commits to `expected` (in full or by its commitment); the reason when not. */
export function entryMatches(
  entry: LoggedEntry,
  expected: LoggedRecord | readonly LoggedRecord[],
  salts: ReadonlyMap<number, Buffer>,
): { ok: true } | { ok: false; saltMissing?: true; reason: string } {
  if (Array.isArray(expected)) {
    let first: ReturnType<typeof entryMatches> | undefined;
    for (const candidate of expected as readonly LoggedRecord[]) {
      const match = entryMatches(entry, candidate, salts);
      if (match.ok) return match;
      first ??= match;
    }
    return first ?? { ok: false, reason: 'matches none of the records it could have logged' };
  }
  return matchesOne(entry, expected as LoggedRecord, salts);
}

function matchesOne(
  entry: LoggedEntry,
  expected: LoggedRecord,
  salts: ReadonlyMap<number, Buffer>,
): { ok: true } | { ok: false; saltMissing?: true; reason: string } {
  if (entry.marking !== expected.marking)
    return { ok: false, reason: `marked ${expected.marking}, the log says ${entry.marking}` };
  if (entry.clear !== undefined) {
    return entry.clear.equals(canonicalBytes(expected.record))
      ? { ok: true }
      : { ok: false, reason: 'differs from the record logged in full' };
  }
  const salt = salts.get(entry.queueSeq);
  if (salt === undefined)
    return { ok: false, saltMissing: true, reason: 'its salt is missing from log_commitments' };
  return recordCommitment(salt, expected.record) === entry.commitment
    ? { ok: true }
    : { ok: false, reason: 'does not match the commitment in the log' };
}

function where(entry: LoggedEntry): string {
  return entry.index !== undefined ? `log entry ${entry.index}` : `queued entry ${entry.queueSeq}`;
}

/** Checks every row of every binding against the log index; returns the findings and rows checked. */
export async function auditRows(
  db: Kysely<Database>,
  bindings: ReadonlyMap<string, RowBinding>,
  log: LogIndex,
): Promise<{ findings: RowFinding[]; rows: number }> {
  const findings: RowFinding[] = [];
  let rows = 0;
  for (const binding of bindings.values()) {
    const { table, recordKind } = binding;
    const logged = log.records.get(recordKind) ?? new Map<string, LoggedEntry[]>();
    const seen = new Set<string>();
    const found = (id: string, check: RowFinding['check'], detail: string) =>
      findings.push({ table, recordKind, id, check, detail });
    const kindsOf: LoggedKinds = (id) => (logged.get(id) ?? []).map((e) => e.kind);
    for await (const page of binding.rows(db, kindsOf)) {
      for (const row of page) {
        rows += 1;
        seen.add(row.id);
        const entries = logged.get(row.id);
        for (const problem of row.problems ?? []) found(row.id, 'inconsistent', problem);
        for (const { kinds, expected, queueSeq } of row.expectations) {
          const latest = latestOf(entries, kinds);
          if (expected === undefined) {
            if (latest !== undefined)
              found(
                row.id,
                'edited',
                `${where(latest)} (${latest.kind}) records a change the row does not show`,
              );
            continue;
          }
          if (latest === undefined) {
            found(
              row.id,
              'not-logged',
              `no ${kinds.join('/')} entry in the log (inserted behind the log's back?)`,
            );
            continue;
          }
          if (queueSeq !== undefined && queueSeq !== latest.queueSeq)
            found(
              row.id,
              'edited',
              `${where(latest)} (${latest.kind}) is queued as ${latest.queueSeq}; the row names ${queueSeq ?? 'none'}`,
            );
          const match = entryMatches(latest, expected, log.salts);
          if (!match.ok)
            found(
              row.id,
              match.saltMissing ? 'salt-missing' : 'edited',
              match.saltMissing
                ? `${where(latest)} (${latest.kind}): ${match.reason}`
                : `${where(latest)} (${latest.kind}): the row ${match.reason}`,
            );
        }
      }
    }
    for (const [id, entries] of logged) {
      if (seen.has(id)) continue;
      const last = entries[entries.length - 1] as LoggedEntry;
      found(id, 'deleted', `${where(last)} (${last.kind}) logged this ${recordKind}; no row holds it`);
    }
  }
  return { findings, rows };
}

/** Builds the lookup of bindings by record kind; two bindings of one kind (or one event) is a mistake. */
export function rowBindings(list: readonly RowBinding[]): ReadonlyMap<string, RowBinding> {
  const map = new Map<string, RowBinding>();
  const events = new Set<string>();
  for (const b of list) {
    if (map.has(b.recordKind)) throw new Error(`record kind ${b.recordKind} is bound twice`);
    for (const k of Object.keys(b.idFields)) {
      if (events.has(k)) throw new Error(`event kind ${k} is bound twice`);
      events.add(k);
    }
    map.set(b.recordKind, b);
  }
  return map;
}

/** Pages through a table by id, for `RowBinding.rows`. */
export async function* pagesById<R extends { id: string }>(
  page: (after: string | undefined, limit: number) => Promise<R[]>,
  limit = 2000,
): AsyncIterable<R[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await page(after, limit);
    if (rows.length > 0) yield rows;
    if (rows.length < limit) return;
    after = (rows[rows.length - 1] as R).id;
  }
}
