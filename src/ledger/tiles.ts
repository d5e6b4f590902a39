/**
 * c2sp.org/tlog-tiles: tile paths, tile contents and entry bundles.
 *
 * A level-L tile with index N holds up to 256 hashes: the tree's complete nodes at level 8·L with
 * indices N·256 … N·256+255. A tile with fewer hashes is "partial" and its path ends in `.p/<W>`.
 * An entry bundle `tile/entries/N` holds the log entries whose leaf hashes form level-0 tile N.
 */
import { isSafeUint } from './encoding.js';
import { LedgerError } from './errors.js';
import { HASH_SIZE, hashLeaf } from './merkle-hash.js';
import type { CompleteNodeSource } from './merkle-paths.js';
import { shiftRight } from './merkle-paths.js';

/** Levels of the Merkle tree covered by one tile level. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile (2^TILE_HEIGHT). */
export const TILE_WIDTH = 256;
/** Highest tile level a path may name. */
export const MAX_TILE_LEVEL = 63;
/** Largest entry an entry bundle can carry (uint16 length prefix). */
export const MAX_ENTRY_SIZE = 65_535;

/** A hash tile or an entry bundle, as named by a path. */
export type TileCoordinates =
  | { readonly kind: 'hashes'; readonly level: number; readonly index: number; readonly width: number }
  | { readonly kind: 'entries'; readonly index: number; readonly width: number };

/** The tiles that exist at one level for a given tree size. */
export interface TileLevelLayout {
  readonly level: number;
  /** Number of full (256-hash) tiles. */
  readonly fullTiles: number;
  /** Width of the trailing partial tile, 0 if there is none. */
  readonly partialWidth: number;
}

/** A tile to (re)write: level, index and width (256 = full). */
export interface TileRef {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** Encodes a tile index as 3-digit path elements, all but the last prefixed `x` (1234067 → `x001/x234/067`). */
export function tileIndexPath(index: number): string {
  if (!isSafeUint(index)) throw new LedgerError('invalid-argument', 'tile index must be a safe uint');
  const digits = String(index);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = padded.match(/\d{3}/g) ?? [];
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

/** `tile/<level>/<N>[.p/<width>]`. */
export function tilePath(level: number, index: number, width: number = TILE_WIDTH): string {
  if (!isSafeUint(level) || level > MAX_TILE_LEVEL)
    throw new LedgerError('invalid-argument', 'bad tile level');
  return `tile/${level}/${tileIndexPath(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<width>]`. */
export function entriesPath(index: number, width: number = TILE_WIDTH): string {
  return `tile/entries/${tileIndexPath(index)}${widthSuffix(width)}`;
}

const TILE_PATH_PATTERN = /^tile\/(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d{0,2}))?$/;

/**
 * Parses a tile or entry-bundle path (relative to the log prefix, e.g. `tile/1/x001/234.p/17`),
 * rejecting non-canonical spellings: leading zeros in the level or width, a leading `x000` group,
 * level > 63, width outside 1..255, indices above 2^53 − 1.
 *
 * @throws LedgerError `malformed-tile`
 */
export function parseTilePath(path: string): TileCoordinates {
  const match = TILE_PATH_PATTERN.exec(path);
  const [, levelText, indexText, widthText] = match ?? [];
  if (levelText === undefined || indexText === undefined) throw malformed(`not a tile path: ${path}`);
  if (indexText.startsWith('x000/')) throw malformed('tile index has a leading zero group');
  const digits = indexText.replace(/[x/]/g, '');
  const index = Number(digits);
  if (digits.length > 18 || !Number.isSafeInteger(index)) throw malformed('tile index too large');
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) throw malformed('partial tile width must be 1..255');
  if (levelText === 'entries') return { kind: 'entries', index, width };
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) throw malformed('tile level above 63');
  return { kind: 'hashes', level, index, width };
}

/** Full tiles and partial width per level for a tree of `size` leaves (empty for size 0). */
export function tileLayout(size: number): TileLevelLayout[] {
  if (!isSafeUint(size)) throw new LedgerError('invalid-argument', 'size must be a safe uint');
  const layout: TileLevelLayout[] = [];
  for (let level = 0; ; level += 1) {
    const count = shiftRight(size, level * TILE_HEIGHT);
    if (count === 0) return layout;
    layout.push({ level, fullTiles: Math.floor(count / TILE_WIDTH), partialWidth: count % TILE_WIDTH });
  }
}

/**
 * The hash tiles whose content changes when the tree grows from `oldSize` to `newSize` (new tiles
 * and wider partials). The entry bundles to write are the level-0 refs.
 */
export function tilesToWrite(oldSize: number, newSize: number): TileRef[] {
  if (!isSafeUint(oldSize) || !isSafeUint(newSize) || oldSize > newSize) {
    throw new LedgerError('invalid-argument', 'need 0 ≤ oldSize ≤ newSize');
  }
  const refs: TileRef[] = [];
  for (let level = 0; ; level += 1) {
    const newCount = shiftRight(newSize, level * TILE_HEIGHT);
    if (newCount === 0) return refs;
    const oldCount = shiftRight(oldSize, level * TILE_HEIGHT);
    if (oldCount === newCount) continue;
    const last = Math.floor((newCount - 1) / TILE_WIDTH);
    for (let index = Math.floor(oldCount / TILE_WIDTH); index <= last; index += 1) {
      refs.push({ level, index, width: Math.min(TILE_WIDTH, newCount - index * TILE_WIDTH) });
    }
  }
}

/**
 * Content of hash tile (level, index) with `width` hashes, read from a tree's complete nodes.
 *
 * @throws LedgerError `invalid-argument` if a needed node is not complete in the tree
 */
export function tileHashes(tree: CompleteNodeSource, level: number, index: number, width: number): Buffer {
  if (!isSafeUint(level) || level > MAX_TILE_LEVEL || !isSafeUint(index) || !validWidth(width)) {
    throw new LedgerError('invalid-argument', 'bad tile coordinates');
  }
  const tile = Buffer.allocUnsafe(width * HASH_SIZE);
  for (let i = 0; i < width; i += 1) {
    tile.set(tree.nodeHash(level * TILE_HEIGHT, index * TILE_WIDTH + i), i * HASH_SIZE);
  }
  return tile;
}

/** Entry bundle: each entry as uint16 big-endian length ‖ bytes; at most 256 entries of ≤ 65,535 bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  if (entries.length > TILE_WIDTH)
    throw new LedgerError('invalid-argument', 'a bundle holds at most 256 entries');
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE)
      throw new LedgerError('invalid-argument', 'entry exceeds 65,535 bytes');
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(entry.length, 0);
    parts.push(prefix, Buffer.from(entry));
  }
  return Buffer.concat(parts);
}

/**
 * Splits an entry bundle into entries.
 *
 * @param expectedCount - if given, the bundle must hold exactly this many entries
 * @throws LedgerError `malformed-tile` on truncation, more than 256 entries or a count mismatch
 */
export function decodeEntryBundle(bundle: Uint8Array, expectedCount?: number): Buffer[] {
  const bytes = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const entries: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 2 > bytes.length) throw malformed('truncated entry length');
    const length = bytes.readUInt16BE(offset);
    if (offset + 2 + length > bytes.length) throw malformed('truncated entry');
    entries.push(Buffer.from(bytes.subarray(offset + 2, offset + 2 + length)));
    offset += 2 + length;
    if (entries.length > TILE_WIDTH) throw malformed('more than 256 entries in a bundle');
  }
  if (expectedCount !== undefined && entries.length !== expectedCount) {
    throw malformed(`bundle holds ${entries.length} entries, expected ${expectedCount}`);
  }
  return entries;
}

/**
 * Decodes an entry bundle and checks that entry i hashes to hash i of the matching level-0 tile.
 *
 * @throws LedgerError `malformed-tile` if the bundle and tile disagree
 */
export function verifyEntryBundle(bundle: Uint8Array, levelZeroTile: Uint8Array): Buffer[] {
  if (levelZeroTile.length % HASH_SIZE !== 0) throw malformed('tile length is not a multiple of 32');
  const entries = decodeEntryBundle(bundle, levelZeroTile.length / HASH_SIZE);
  entries.forEach((entry, i) => {
    const expected = levelZeroTile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    if (Buffer.compare(hashLeaf(entry), expected) !== 0)
      throw malformed(`entry ${i} does not match the tile`);
  });
  return entries;
}

function validWidth(width: number): boolean {
  return Number.isInteger(width) && width >= 1 && width <= TILE_WIDTH;
}

function widthSuffix(width: number): string {
  if (!validWidth(width)) throw new LedgerError('invalid-argument', 'tile width must be 1..256');
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

function malformed(reason: string): LedgerError {
  return new LedgerError('malformed-tile', reason);
}
