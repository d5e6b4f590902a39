/**
 * Writes a log to a directory in the c2sp.org/tlog-tiles layout, byte for byte what `/log/` serves:
 * `checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, plus `vkey`. Anyone can mirror
 * the directory (rsync, tar) and audit it offline with `truceline audit DIR`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { entriesPath, tileLayout, tilePath, TILE_WIDTH } from './tiles.js';

/** What an export reads: the served checkpoint and the tiles and bundles of its size. */
export interface ExportSource {
  /** The checkpoint note as served (log signature and witness cosignatures). */
  readonly checkpointNote: string;
  readonly size: number;
  /** The log's verifier key. */
  readonly vkey: string;
  tile(level: number, index: number, width: number): Promise<Buffer | undefined>;
  entryBundle(index: number, width: number): Promise<Buffer | undefined>;
}

/** Raised when the source lacks a tile or bundle its checkpoint implies. */
export class ExportError extends Error {
  override name = 'ExportError';
}

/**
 * Writes every tile and entry bundle the checkpoint's size implies, then `vkey`, then `checkpoint`
 * (last and atomically, so a directory whose checkpoint is in place holds everything it names).
 *
 * @returns how many tiles and bundles were written
 */
export async function exportLog(
  source: ExportSource,
  dir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ tiles: number; bundles: number }> {
  const layout = tileLayout(source.size);
  const total = layout.reduce((n, l) => n + l.fullTiles + (l.partialWidth > 0 ? 1 : 0), 0);
  const made = new Set<string>();
  let tiles = 0;
  let bundles = 0;
  const write = async (relative: string, content: Buffer | undefined) => {
    if (content === undefined) throw new ExportError(`the log has no ${relative} for size ${source.size}`);
    const file = path.join(dir, relative);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      await fs.mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await fs.writeFile(file, content);
  };
  for (const { level, fullTiles, partialWidth } of layout) {
    const count = fullTiles + (partialWidth > 0 ? 1 : 0);
    for (let index = 0; index < count; index += 1) {
      const width = index < fullTiles ? TILE_WIDTH : partialWidth;
      await write(tilePath(level, index, width), await source.tile(level, index, width));
      tiles += 1;
      if (level === 0) {
        await write(entriesPath(index, width), await source.entryBundle(index, width));
        bundles += 1;
      }
      onProgress?.(tiles, total);
    }
  }
  await writeFileAtomic(path.join(dir, 'vkey'), `${source.vkey}\n`);
  await writeFileAtomic(path.join(dir, 'checkpoint'), source.checkpointNote);
  return { tiles, bundles };
}
