import fs from 'node:fs';
import path from 'node:path';
import { CsvReader } from './csv-parse.js';
import { ImportFileError, type ImportFormat } from './importer.js';

/** What each format is, for the line that says a file is none of them. */
const ACCEPTED =
  'acled (ACLED CSV export), csv (Truceline CSV, or any CSV with --map), geojson (GeoJSON FeatureCollection)';

/** How many bytes are read to tell a file's format: enough for any header row or a JSON opening. */
const SNIFF_BYTES = 64 * 1024;

/** A format and how it was told, e.g. "from its header". */
export interface InferredFormat {
  format: ImportFormat;
  reason: string;
}

async function firstBytes(file: string): Promise<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    throw new ImportFileError(`cannot read ${file}`, [{ file, path: '', reason: 'no such file' }]);
  }
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first record of CSV bytes (the header), or undefined when they are not CSV text. */
function csvHeader(bytes: Buffer): string[] | undefined {
  try {
    const reader = new CsvReader();
    const first = reader.push(bytes)[0] ?? (bytes.length < SNIFF_BYTES ? reader.end()[0] : undefined);
    return first?.fields.map((h) => h.trim());
  } catch {
    return undefined;
  }
}

function unrecognised(file: string, what: string): ImportFileError {
  return new ImportFileError(
    `${file}: cannot tell its format (${what}); accepted: ${ACCEPTED}; or give --format`,
    [],
  );
}

/**
 * The import format of a file, from its extension and, when that is ambiguous, its first bytes: a
 * JSON object that is a GeoJSON FeatureCollection, a CSV header with ACLED's `event_id_cnty`, or
 * one with Truceline's `observed_from` (or any CSV header when a column mapping is given).
 * Throws ImportFileError with one line naming the file and the accepted formats otherwise.
 */
export async function inferFormat(file: string, o: { mapped: boolean }): Promise<InferredFormat> {
  const ext = path.extname(file).toLowerCase();
  const bytes = await firstBytes(file);
  if (ext === '.geojson') return { format: 'geojson', reason: 'from its extension' };
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const opening = text.trimStart().charAt(0);
  if (ext === '.json' || opening === '{' || opening === '[') {
    if (/"type"\s*:\s*"FeatureCollection"/.test(text))
      return { format: 'geojson', reason: 'a GeoJSON FeatureCollection' };
    throw unrecognised(file, 'JSON, but not a GeoJSON FeatureCollection');
  }
  if (text.trim() === '') throw unrecognised(file, 'it is empty');
  const header = csvHeader(bytes);
  if (header === undefined || header.length < 2)
    throw unrecognised(file, 'neither JSON nor a CSV header row');
  if (header.includes('event_id_cnty')) return { format: 'acled', reason: "ACLED's header" };
  if (header.includes('observed_from')) return { format: 'csv', reason: "Truceline's CSV header" };
  if (o.mapped) return { format: 'csv', reason: 'a CSV with a column mapping' };
  throw unrecognised(
    file,
    `a CSV header with neither ACLED's event_id_cnty nor Truceline's observed_from: ${header.slice(0, 4).join(', ')}${header.length > 4 ? ', …' : ''}`,
  );
}
