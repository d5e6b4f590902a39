/**
 * `truceline audit --database`: audits a database against its own log, and the log against what this
 * auditor verified before.
 *
 * 1. The log: `log_entries` are contiguous from 0, each `leaf_hash` is the hash of its bytes and each
 *    queue number the one its bytes log (`q`); the tree rebuilt from the bytes gives `log_state`'s
 *    root and the root of every stored checkpoint, each stored right after the predecessor it names
 *    (`checkpoint-chain.ts`), whose signatures (and witness cosignatures) verify with the keys
 *    trusted; the tree agrees with the size and root this auditor verified last (the audit state
 *    file). A rewrite the server re-signed consistently is caught only by the last two: old
 *    cosignatures and the state file.
 * 2. The rows: every row of every registered record kind is rebuilt into the record its latest
 *    change logged, and compared with that entry — in full for CLEAR, else by recomputing the
 *    commitment with the kept salt (`row-binding.ts`).
 *
 * Unlike {@link auditLog} it does not stop at the first problem: it names every bad row.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import { AuditFailure, checkCheckpoint, checkQuorum, type AuditPolicy } from './audit-trust.js';
import type { AuditedState } from './audit-io.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { checkpointBodyHash, previousCheckpointOf } from './checkpoint-chain.js';
import { followKeyRotation, KEY_ROTATED_KIND } from './key-rotation.js';
import { hashLeaf } from './merkle-hash.js';
import { MerkleTree } from './merkle.js';
import { addSignatureLines, parseNote } from './note.js';
import { auditRows, indexEntry, type LogIndex, type RowBinding, type RowFinding } from './row-binding.js';

/** Inputs of {@link auditDatabase}. */
export interface DatabaseAuditOptions {
  readonly bindings: ReadonlyMap<string, RowBinding>;
  /** Keys and quorum to check checkpoints with; without it, `logKeys` (and no witness quorum). */
  readonly policy?: AuditPolicy;
  /** Log keys to trust without a policy (e.g. the key file of this deployment). */
  readonly logKeys?: readonly string[];
  /** What this auditor verified last for an origin (the audit state file). */
  readonly previous?: (origin: string) => AuditedState | undefined;
  readonly onProgress?: (entries: number, total: number) => void;
}

/** What a database audit found. */
export interface DatabaseAuditReport {
  readonly origin?: string;
  readonly size: number;
  readonly rootHash: Buffer;
  /** Stored checkpoints whose root and signature were checked. */
  readonly checkpoints: number;
  readonly queued: number;
  readonly rows: number;
  /** Problems of the log itself, each naming its spot. */
  readonly logProblems: readonly string[];
  /** Rows (or log entries) that do not match. */
  readonly findings: readonly RowFinding[];
  readonly warnings: readonly string[];
  readonly previous?: AuditedState;
}

const CHUNK = 4096;
const ROTATION_MARKER = Buffer.from(`"kind":${JSON.stringify(KEY_ROTATED_KIND)}`);

/**
 * The log keys to check checkpoints with: the trusted ones, and those the logged key rotations link
 * to them — forward (a trusted old key vouches for the new one) and backward (a trusted new key, this
 * deployment's, vouches for the retired key that signed the older checkpoints). Each rotation's
 * statement is signed by both keys, so either end vouches for the other.
 */
function keysLinkedByRotations(trusted: readonly string[], rotations: readonly unknown[]): string[] {
  const keys = new Set(trusted);
  for (let changed = true; changed;) {
    changed = false;
    for (const record of rotations) {
      const { oldKey } = record as { oldKey?: unknown };
      const next = followKeyRotation(record, [...keys]);
      if (next !== undefined && !keys.has(next)) {
        keys.add(next);
        changed = true;
      }
      if (typeof oldKey === 'string' && !keys.has(oldKey)) {
        const vouched = followKeyRotation(record, [oldKey]);
        if (vouched !== undefined && keys.has(vouched)) {
          keys.add(oldKey);
          changed = true;
        }
      }
    }
  }
  return [...keys];
}

/**
 * Audits the log in a database and every bound row against it (see the module comment), all in one
 * snapshot: a database a running server writes to is read as of one moment, so an entry the sequencer
 * moves from the queue into the log between two reads, or a report written after the log was read, is
 * not taken for a row without its entry. Called inside a transaction, it reads in that one.
 */
export async function auditDatabase(
  db: Kysely<Database>,
  options: DatabaseAuditOptions,
): Promise<DatabaseAuditReport> {
  if (db.isTransaction) return auditSnapshot(db, options);
  // PostgreSQL: one snapshot for the whole transaction. SQLite (WAL): a read transaction (begun
  // DEFERRED, see connect.ts) sees the database as of its first read until it ends, whatever other
  // connections commit meanwhile, and holds no lock.
  const tx = db.transaction().setAccessMode('read only');
  return (dialectOf(db) === 'postgres' ? tx.setIsolationLevel('repeatable read') : tx).execute((snapshot) =>
    auditSnapshot(snapshot, options),
  );
}

async function auditSnapshot(
  db: Kysely<Database>,
  options: DatabaseAuditOptions,
): Promise<DatabaseAuditReport> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const index: LogIndex = { records: new Map(), salts: new Map() };
  const rotations: unknown[] = [];
  const logged = new Set<number>();
  const tree = await rebuildFromRows(db, options, index, problems, rotations, logged);
  const state = await db
    .selectFrom('log_state')
    .select(['size', 'root_hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (state !== undefined && Number(state.size) !== tree.size)
    problems.push(`log_state: size ${state.size}, but log_entries hold ${tree.size} entries`);
  else if (state !== undefined && !state.root_hash.equals(tree.root()))
    problems.push(`log_state: root does not match the tree rebuilt from log_entries`);

  const { origin, checked } = await checkStoredCheckpoints(
    db,
    tree,
    options,
    rotations,
    problems,
    warnings,
    state === undefined ? undefined : Number(state.size),
  );
  let previous: AuditedState | undefined;
  if (origin !== undefined) {
    previous = options.previous?.(origin);
    if (previous === undefined)
      warnings.push(
        'no earlier audit of this log in the state file: a rewrite the server re-signed consistently ' +
          'is found only by comparing with roots verified before (or witness cosignatures)',
      );
    else if (previous.size > tree.size)
      problems.push(`log: ${tree.size} entries, fewer than the ${previous.size} already verified (rollback)`);
    else if (!tree.root(previous.size).equals(previous.rootHash))
      problems.push(
        `log: the first ${previous.size} entries no longer hash to the root verified before at that size ` +
          '(entries rewritten and re-signed: a fork)',
      );
  }

  const queued = await db.selectFrom('log_queue').select(['seq', 'data']).orderBy('seq').execute();
  for (const q of queued) {
    const seq = Number(q.seq);
    try {
      const stated = indexEntry(index, options.bindings, { queueSeq: seq }, q.data);
      if (!queueNumberMatches(stated.q, seq))
        problems.push(`log_queue: queued entry ${seq}: its entry logs queue number ${String(stated.q)}`);
    } catch {
      problems.push(`log_queue: queued entry ${seq}: not a JSON log entry`);
    }
  }
  const salts = await db
    .selectFrom('log_commitments')
    .select(['queue_seq', 'record_kind', 'record_id', 'salt'])
    .execute();
  for (const s of salts) index.salts.set(Number(s.queue_seq), s.salt);
  checkQueueNumbers(index, logged, queued, salts, problems);

  const { findings, rows } = await auditRows(db, options.bindings, index);
  return {
    ...(origin !== undefined ? { origin } : {}),
    size: tree.size,
    rootHash: tree.root(),
    checkpoints: checked,
    queued: queued.length,
    rows,
    logProblems: problems,
    findings,
    warnings,
    ...(previous !== undefined ? { previous } : {}),
  };
}

/**
 * Whether the queue number an entry logs (`q`) is the one it is stored under. An entry written before
 * entries logged it has none, and is accepted under any number (see {@link checkQueueNumbers}).
 */
function queueNumberMatches(q: unknown, stored: number): boolean {
  return q === undefined || q === stored;
}

/**
 * The queue numbers (`queue_seq`) link each confidential entry to its salt: every salt must be kept
 * for the entry at its queue number, committing to the same record, and every confidential entry
 * must have its salt; no queue number may be both queued and in the log. An entry logs its own queue
 * number (`q`, checked as the entries are read), so a CLEAR entry's cannot move either; one written
 * before entries logged it is bound by nothing but its salt (a CLEAR one not at all: on PostgreSQL a
 * lower queue number can commit after a higher one, so their order proves nothing).
 */
function checkQueueNumbers(
  index: LogIndex,
  inLog: ReadonlySet<number>,
  queued: readonly { seq: number | bigint | string }[],
  salts: readonly { queue_seq: number | bigint | string; record_kind: string; record_id: string }[],
  problems: string[],
): void {
  const committed = new Map<number, { record: string; where: string }>();
  for (const [recordKind, byId] of index.records)
    for (const [recordId, entries] of byId)
      for (const e of entries)
        if (e.commitment !== undefined)
          committed.set(e.queueSeq, {
            record: `${recordKind}/${recordId}`,
            where:
              e.index !== undefined
                ? `log_entries: entry ${e.index} (queue_seq ${e.queueSeq})`
                : `log_queue: queued entry ${e.queueSeq}`,
          });
  for (const q of queued)
    if (inLog.has(Number(q.seq)))
      problems.push(`log_queue: queued entry ${Number(q.seq)}: its queue number is in log_entries too`);
  // A salt of an entry queued after the log was read (a live server) names nothing read yet.
  let newest = -1;
  for (const seq of inLog) newest = Math.max(newest, seq);
  for (const q of queued) newest = Math.max(newest, Number(q.seq));
  const salted = new Set<number>();
  for (const s of salts) {
    const seq = Number(s.queue_seq);
    salted.add(seq);
    if (seq > newest) continue;
    const entry = committed.get(seq);
    const record = `${s.record_kind}/${s.record_id}`;
    if (entry === undefined)
      problems.push(
        `log_commitments: the salt of ${record} at queue_seq ${seq}: no confidential entry has that queue number`,
      );
    else if (entry.record !== record)
      problems.push(`${entry.where}: commits to ${entry.record}, but its salt is kept for ${record}`);
  }
  for (const [seq, entry] of committed)
    if (!salted.has(seq)) problems.push(`${entry.where}: no salt is kept for it in log_commitments`);
}

/** Reads `log_entries` in order, checks contiguity and leaf hashes, indexes each entry, builds the tree. */
async function rebuildFromRows(
  db: Kysely<Database>,
  options: DatabaseAuditOptions,
  index: LogIndex,
  problems: string[],
  rotations: unknown[],
  queueNumbers: Set<number>,
): Promise<MerkleTree> {
  const total = await db
    .selectFrom('log_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const tree = new MerkleTree({ expectedLeaves: Math.max(1, Number(total.n)) });
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('log_entries')
      .select(['idx', 'queue_seq', 'kind', 'data', 'leaf_hash'])
      .where('idx', '>', after)
      .orderBy('idx')
      .limit(CHUNK)
      .execute();
    for (const row of rows) {
      const idx = Number(row.idx);
      queueNumbers.add(Number(row.queue_seq));
      if (idx !== tree.size)
        problems.push(`log_entries: entries ${tree.size}..${idx - 1} are missing (deleted rows)`);
      const leaf = hashLeaf(row.data);
      if (!leaf.equals(row.leaf_hash))
        problems.push(`log_entries: entry ${idx}: leaf_hash does not match its data`);
      // The tree is built from the bytes: a changed entry changes the root every checkpoint signed.
      tree.append(leaf);
      try {
        const { kind, q } = indexEntry(
          index,
          options.bindings,
          { queueSeq: Number(row.queue_seq), index: idx },
          row.data,
        );
        // The columns are what the server filters and finds entries by: they must say what the bytes say.
        if (kind !== row.kind)
          problems.push(`log_entries: entry ${idx}: kind column says ${row.kind}, its data ${kind}`);
        if (!queueNumberMatches(q, Number(row.queue_seq)))
          problems.push(
            `log_entries: entry ${idx}: queue_seq column says ${Number(row.queue_seq)}, its data ${String(q)}`,
          );
        if (row.data.includes(ROTATION_MARKER)) {
          const entry = JSON.parse(row.data.toString('utf8')) as { kind?: unknown; record?: unknown };
          if (entry.kind === KEY_ROTATED_KIND) rotations.push(entry.record);
        }
      } catch {
        problems.push(`log_entries: entry ${idx}: not a JSON log entry`);
      }
      after = idx;
    }
    options.onProgress?.(tree.size, Number(total.n));
    if (rows.length < CHUNK) return tree;
  }
}

/**
 * Every stored checkpoint: its root must be the tree's root at its size, and its signatures (and
 * the witnesses' cosignatures stored for it) must verify; the newest must meet the policy's quorum.
 */
async function checkStoredCheckpoints(
  db: Kysely<Database>,
  tree: MerkleTree,
  options: DatabaseAuditOptions,
  rotations: readonly unknown[],
  problems: string[],
  warnings: string[],
  stateSize: number | undefined,
): Promise<{ origin?: string; checked: number }> {
  const rows = await db.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size').execute();
  const lines = new Map<number, string[]>();
  for (const c of await db.selectFrom('log_cosignatures').select(['size', 'signature_line']).execute()) {
    const list = lines.get(Number(c.size)) ?? [];
    list.push(c.signature_line);
    lines.set(Number(c.size), list);
  }
  // The sequencer stores a checkpoint in the transaction that moves log_state: the newest is at its
  // size, and witnesses cosign only stored checkpoints.
  const stored = new Set(rows.map((r) => Number(r.size)));
  const newest = rows.length === 0 ? undefined : Number((rows[rows.length - 1] as { size: unknown }).size);
  if (stateSize !== undefined && stateSize > 0 && newest !== undefined && newest !== stateSize)
    problems.push(
      `log_checkpoints: none at log_state's size ${stateSize} (the newest stored is at ${newest}: deleted?)`,
    );
  for (const size of lines.keys())
    if (!stored.has(size))
      problems.push(
        `log_cosignatures: witnesses cosigned a checkpoint at size ${size} that is not stored (deleted?)`,
      );
  const logKeys = keysLinkedByRotations(options.policy?.logKeys ?? options.logKeys ?? [], rotations);
  const witnesses = options.policy?.witnesses ?? [];
  if (logKeys.length === 0) warnings.push('no log key given: checkpoint signatures were not checked');
  let origin: string | undefined;
  const chain = { chained: false, before: undefined as { size: number; note: string } | undefined };
  for (const [i, row] of rows.entries()) {
    const size = Number(row.size);
    const where = `log_checkpoints: checkpoint at size ${size}`;
    try {
      const note = addSignatureLines(row.note, lines.get(size) ?? []);
      const checkpoint = parseCheckpoint(parseNote(note).text);
      origin ??= checkpoint.origin;
      checkPredecessor(where, checkpoint, chain, stored, problems);
      chain.before = { size, note: row.note };
      if (size > tree.size) problems.push(`${where}: beyond the ${tree.size} entries in log_entries`);
      else if (!tree.root(size).equals(checkpoint.rootHash))
        problems.push(`${where}: its root does not match log_entries (entries changed after it was signed)`);
      if (logKeys.length === 0) continue;
      const checked = checkCheckpoint(note, logKeys, witnesses);
      if (checked.logKey === undefined) problems.push(`${where}: not signed by a trusted log key`);
      if (i === rows.length - 1 && options.policy !== undefined) checkQuorum(checked, options.policy);
    } catch (err) {
      problems.push(`${where}: ${err instanceof AuditFailure ? err.message : String(err)}`);
    }
  }
  if (rows.length === 0 && tree.size > 0) problems.push('log_checkpoints: no checkpoint signs the log');
  return { ...(origin !== undefined ? { origin } : {}), checked: rows.length };
}

/**
 * The chain of stored checkpoints (`checkpoint-chain.ts`): a checkpoint that names its predecessor
 * must have it stored right before it, the very one (its body's hash); once one names a predecessor,
 * every later one must (only checkpoints signed before the chain name none). The checkpoint's
 * signature is checked apart: an edited line fails it.
 */
function checkPredecessor(
  where: string,
  checkpoint: Checkpoint,
  chain: { chained: boolean; before: { size: number; note: string } | undefined },
  stored: ReadonlySet<number>,
  problems: string[],
): void {
  const previous = previousCheckpointOf(checkpoint);
  if (previous === undefined) {
    if (chain.chained)
      problems.push(
        `${where}: names no predecessor, but checkpoints stored before it do (not signed by this log?)`,
      );
    return;
  }
  chain.chained = true;
  const before = chain.before;
  if (!stored.has(previous.size))
    problems.push(
      `${where}: names its predecessor at size ${previous.size}, which is not stored (the checkpoint at size ${previous.size} deleted?)`,
    );
  else if (before === undefined || before.size !== previous.size)
    problems.push(
      `${where}: names its predecessor at size ${previous.size}, but the one stored before it is ${before === undefined ? 'none' : `at size ${before.size}`}`,
    );
  else if (!checkpointBodyHash(before.note).equals(previous.bodyHash))
    problems.push(
      `${where}: the checkpoint stored at size ${previous.size} is not the predecessor it names (replaced?)`,
    );
}
