/**
 * Offline audit of a whole log, from its tiles alone (an exported directory or a server's `/log/`):
 *
 * 1. the checkpoint verifies with a trusted log key (the policy's, or — without a policy — the key the
 *    log publishes, with a warning), every known cosignature verifies, and the witness quorum is met;
 * 2. it is not smaller than, nor a fork of, the checkpoint this auditor verified last (state file);
 * 3. every entry bundle the size implies hashes, entry by entry, to its level-0 tile; the tree rebuilt
 *    from the entries reproduces every higher tile and the checkpoint's root, and the root verified
 *    last time at its size;
 * 4. optionally, the `log_entries` rows of a database hold exactly those entries.
 *
 * It stops at the first problem and names it precisely ({@link AuditFailure}).
 */
import { AuditFailure, checkCheckpoint, checkQuorum, type AuditPolicy } from './audit-trust.js';
import { readAhead, type AuditedState, type LogSource } from './audit-io.js';
import { followKeyRotation, KEY_ROTATED_KIND } from './key-rotation.js';
import { HASH_SIZE, hashLeaf } from './merkle-hash.js';
import { MerkleTree } from './merkle.js';
import { entriesPath, tileHashes, tileLayout, tilePath, TILE_WIDTH } from './tiles.js';
import { ed25519Verifier } from './note.js';

export { AuditFailure } from './audit-trust.js';

/** Rows of a database's `log_entries`, to compare with the log. */
export interface DatabaseEntries {
  /** For messages. */
  readonly location: string;
  /** Rows with from ≤ idx < to, ordered by idx. */
  read(from: number, to: number): Promise<{ index: number; data: Buffer; leafHash: Buffer }[]>;
}

/** Inputs of {@link auditLog} besides the log. */
export interface AuditOptions {
  /** Whom to trust; without it the log's published `vkey` is trusted (and a warning says so). */
  readonly policy?: AuditPolicy;
  /** What this auditor verified last for an origin. */
  readonly previous?: (origin: string) => AuditedState | undefined;
  readonly database?: DatabaseEntries;
  readonly onProgress?: (entries: number, total: number) => void;
}

/** What a successful audit established. */
export interface AuditReport {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
  /** The trusted log key that signed the checkpoint. */
  readonly logKey: string;
  /** Log keys this audit learned from `log.key-rotated` entries. */
  readonly rotations: readonly string[];
  readonly cosignedBy: readonly string[];
  readonly quorum: number;
  /** Signature lines from keys the audit does not know (not checked). */
  readonly unknownLines: number;
  readonly warnings: readonly string[];
  /** Hash tiles checked, all levels. */
  readonly tiles: number;
  /** Entry bundles checked. */
  readonly bundles: number;
  readonly previous?: AuditedState;
  readonly databaseRows?: number;
}

const ROTATION_MARKER = Buffer.from(`"kind":${JSON.stringify(KEY_ROTATED_KIND)}`);

/** Audits a log (see the module comment). @throws AuditFailure naming the first bad spot */
export async function auditLog(source: LogSource, options: AuditOptions = {}): Promise<AuditReport> {
  const warnings: string[] = [];
  const note = (await need(source, 'checkpoint')).toString('utf8');
  let logKeys = options.policy?.logKeys;
  if (logKeys === undefined) {
    const vkey = (await need(source, 'vkey')).toString('utf8').trim();
    try {
      ed25519Verifier(vkey);
    } catch (err) {
      throw new AuditFailure(`vkey: not a log verifier key (${(err as Error).message})`);
    }
    logKeys = [vkey];
    warnings.push(
      `no policy given: trusting the key the log itself publishes (${vkey}); ` +
        'this shows the log is consistent, not that it is the log you mean',
    );
  }
  const policy: AuditPolicy = options.policy ?? { logKeys, witnesses: [], quorum: 0 };
  let checked = checkCheckpoint(note, policy.logKeys, policy.witnesses);
  if (checked.logKey !== undefined) checkQuorum(checked, policy);
  const { checkpoint } = checked;
  const previous = options.previous?.(checkpoint.origin);
  if (previous !== undefined) checkNotRolledBack(checkpoint, previous);

  const trusted = [...policy.logKeys];
  const rotations: string[] = [];
  const onEntry =
    checked.logKey !== undefined
      ? undefined
      : (entry: Buffer) => {
          if (!entry.includes(ROTATION_MARKER)) return;
          const parsed = JSON.parse(entry.toString('utf8')) as { kind?: unknown; record?: unknown };
          const next =
            parsed.kind === KEY_ROTATED_KIND ? followKeyRotation(parsed.record, trusted) : undefined;
          if (next !== undefined && !trusted.includes(next)) {
            trusted.push(next);
            rotations.push(next);
          }
        };
  const tree = await rebuildFromEntries(source, checkpoint.size, onEntry, options.onProgress);
  if (checked.logKey === undefined) {
    checked = checkCheckpoint(note, trusted, policy.witnesses);
    if (checked.logKey === undefined) {
      throw new AuditFailure(`checkpoint: not signed by a trusted log key (${policy.logKeys.join(', ')})`);
    }
    checkQuorum(checked, policy);
  }
  const tiles = await checkUpperTiles(source, tree, checkpoint.size);
  if (!tree.root().equals(checkpoint.rootHash)) {
    throw new AuditFailure(
      `checkpoint: root hash ${checkpoint.rootHash.toString('base64')} does not match the root ` +
        `${tree.root().toString('base64')} of the ${checkpoint.size} entries`,
    );
  }
  if (previous !== undefined && previous.size < checkpoint.size) {
    const then = tree.root(previous.size);
    if (!then.equals(previous.rootHash)) {
      throw new AuditFailure(
        `fork: the first ${previous.size} entries hash to ${then.toString('base64')}, not to the root ` +
          `${previous.rootHash.toString('base64')} verified at size ${previous.size}`,
      );
    }
  }
  const databaseRows =
    options.database === undefined ? undefined : await compareDatabase(options.database, tree);
  const bundles = Math.ceil(checkpoint.size / TILE_WIDTH);
  return {
    origin: checkpoint.origin,
    size: checkpoint.size,
    rootHash: checkpoint.rootHash,
    logKey: checked.logKey,
    rotations,
    cosignedBy: checked.cosignedBy,
    quorum: policy.quorum,
    unknownLines: checked.unknownLines,
    warnings,
    tiles,
    bundles,
    ...(previous !== undefined ? { previous } : {}),
    ...(databaseRows !== undefined ? { databaseRows } : {}),
  };
}

function checkNotRolledBack(checkpoint: { size: number; rootHash: Buffer }, previous: AuditedState): void {
  if (checkpoint.size < previous.size) {
    throw new AuditFailure(
      `checkpoint size ${checkpoint.size} is smaller than the ${previous.size} already verified (rollback)`,
    );
  }
  if (checkpoint.size === previous.size && !checkpoint.rootHash.equals(previous.rootHash)) {
    throw new AuditFailure(
      `checkpoint root at size ${checkpoint.size} differs from the root already verified at that size (fork)`,
    );
  }
}

async function need(source: LogSource, relative: string): Promise<Buffer> {
  const bytes = await source.read(relative);
  if (bytes === undefined) throw new AuditFailure(`${relative}: missing from ${source.location}`);
  return bytes;
}

/** Reads every entry bundle and level-0 tile, checks one against the other, and builds the tree. */
async function rebuildFromEntries(
  source: LogSource,
  size: number,
  onEntry: ((entry: Buffer) => void) | undefined,
  onProgress: ((entries: number, total: number) => void) | undefined,
): Promise<MerkleTree> {
  const tree = new MerkleTree({ expectedLeaves: Math.max(1, size) });
  const count = Math.ceil(size / TILE_WIDTH);
  const width = (t: number) => Math.min(TILE_WIDTH, size - t * TILE_WIDTH);
  const paths: string[] = [];
  for (let t = 0; t < count; t += 1) paths.push(entriesPath(t, width(t)), tilePath(0, t, width(t)));
  const reads = readAhead(source, paths);
  try {
    for (let t = 0; t < count; t += 1) {
      const bundlePath = paths[2 * t] as string;
      const tile0Path = paths[2 * t + 1] as string;
      const bundle = (await reads.next()).value ?? missing(source, bundlePath);
      const tile = (await reads.next()).value ?? missing(source, tile0Path);
      const w = width(t);
      if (tile.length !== w * HASH_SIZE)
        throw new AuditFailure(`${tile0Path}: ${tile.length} bytes, expected ${w * HASH_SIZE}`);
      const entries = bundleEntries(bundle, bundlePath);
      if (entries.length !== w)
        throw new AuditFailure(`${bundlePath}: holds ${entries.length} entries, expected ${w}`);
      for (let i = 0; i < w; i += 1) {
        const entry = entries[i] as Buffer;
        const leaf = hashLeaf(entry);
        if (leaf.compare(tile, i * HASH_SIZE, (i + 1) * HASH_SIZE) !== 0) {
          throw new AuditFailure(
            `entry ${t * TILE_WIDTH + i} (${bundlePath}): leaf hash does not match ${tile0Path}`,
          );
        }
        onEntry?.(entry);
        tree.append(leaf);
      }
      onProgress?.(tree.size, size);
    }
  } finally {
    await reads.return(undefined);
  }
  return tree;
}

/**
 * The entries of a bundle as views into it (no copies: an audit reads every entry of the log once).
 * Same format as `decodeEntryBundle`: uint16 big-endian length ‖ bytes, at most 256 entries.
 */
function bundleEntries(bundle: Buffer, relative: string): Buffer[] {
  const entries: Buffer[] = [];
  for (let offset = 0; offset < bundle.length;) {
    if (offset + 2 > bundle.length) throw new AuditFailure(`${relative}: truncated entry length`);
    const end = offset + 2 + bundle.readUInt16BE(offset);
    if (end > bundle.length) throw new AuditFailure(`${relative}: truncated entry`);
    entries.push(bundle.subarray(offset + 2, end));
    if (entries.length > TILE_WIDTH) throw new AuditFailure(`${relative}: more than 256 entries`);
    offset = end;
  }
  return entries;
}

function missing(source: LogSource, relative: string): never {
  throw new AuditFailure(`${relative}: missing from ${source.location}`);
}

/** Checks every tile above level 0 against the rebuilt tree; returns how many tiles it checked. */
async function checkUpperTiles(source: LogSource, tree: MerkleTree, size: number): Promise<number> {
  let checked = 0;
  for (const { level, fullTiles, partialWidth } of tileLayout(size)) {
    const count = fullTiles + (partialWidth > 0 ? 1 : 0);
    checked += count;
    if (level === 0) continue;
    for (let index = 0; index < count; index += 1) {
      const width = index < fullTiles ? TILE_WIDTH : partialWidth;
      const relative = tilePath(level, index, width);
      const tile = await need(source, relative);
      if (tile.length !== width * HASH_SIZE)
        throw new AuditFailure(`${relative}: ${tile.length} bytes, expected ${width * HASH_SIZE}`);
      const expected = tileHashes(tree, level, index, width);
      for (let j = 0; j < width; j += 1) {
        if (
          expected.compare(tile, j * HASH_SIZE, (j + 1) * HASH_SIZE, j * HASH_SIZE, (j + 1) * HASH_SIZE) !== 0
        )
          throw new AuditFailure(`${relative}: hash ${j} does not match the tree rebuilt from the entries`);
      }
    }
  }
  return checked;
}

/** Compares the database's rows with the verified log; returns how many rows matched. */
async function compareDatabase(db: DatabaseEntries, tree: MerkleTree): Promise<number> {
  const size = tree.size;
  const CHUNK = 4096;
  let expected = 0;
  const gap = (to: number) =>
    new AuditFailure(
      to - expected === 1
        ? `database: entry ${expected} is missing from log_entries (deleted row)`
        : `database: entries ${expected}..${to - 1} are missing from log_entries (deleted rows)`,
    );
  for (let from = 0; from < size; from += CHUNK) {
    for (const row of await db.read(from, Math.min(size, from + CHUNK))) {
      if (row.index > expected) throw gap(row.index);
      const leaf = tree.leafHash(row.index);
      const dataHash = hashLeaf(row.data);
      if (!dataHash.equals(leaf)) {
        const moved = findNearby(tree, row.index, dataHash);
        throw new AuditFailure(
          moved === undefined
            ? `database: row ${row.index} of log_entries differs from log entry ${row.index} (data changed)`
            : `database: row ${row.index} of log_entries holds log entry ${moved} (rows reordered)`,
        );
      }
      if (!row.leafHash.equals(leaf))
        throw new AuditFailure(`database: row ${row.index} of log_entries has a wrong leaf_hash (changed)`);
      expected = row.index + 1;
    }
  }
  if (expected < size) throw gap(size);
  return size;
}

/** The index of a leaf equal to `hash` within a few places of `index`, if any. */
function findNearby(tree: MerkleTree, index: number, hash: Buffer): number | undefined {
  for (let d = 1; d <= 16; d += 1) {
    for (const j of [index - d, index + d]) {
      if (j >= 0 && j < tree.size && tree.leafHash(j).equals(hash)) return j;
    }
  }
  return undefined;
}
