import fs from 'node:fs';
import type { Actor } from '../../access/audit.service.js';
import type { Marking } from '../../access/marking.js';
import type { Principal } from '../../access/policy.js';
import type { FieldProblem } from '../../core/errors.js';
import type { IntakeItem } from '../report.intake.js';
import { reportFor, type ReportView } from '../report.view.js';
import { listVisibleReports } from '../report.repository.js';
import type { IntakeResult, ReportService } from '../report.service.js';
import {
  ACLED_EXPORT_COLUMNS,
  ACLED_FIELD_COLUMNS,
  acledRowToInput,
  checkAcledHeader,
  reportToAcledRow,
} from './acled.js';
import {
  CSV_DERIVED,
  CSV_FIELDS,
  checkCsvHeader,
  compileMapping,
  csvColumnOf,
  csvFieldsToInput,
  reportToCsvRow,
  type ColumnMapping,
  type CompiledMapping,
} from './csv.js';
import {
  CsvEncodingError,
  CsvReader,
  CsvSyntaxError,
  restoreFormula,
  safeCsvLine,
  type CsvRecord,
} from './csv-parse.js';
import { featureToInput, reportFeature } from './geojson.js';

/** The file formats `truceline import` and `export` read and write. */
export const FORMATS = ['acled', 'csv', 'geojson'] as const;
/** One import/export format. */
export type ImportFormat = (typeof FORMATS)[number];

/** A file that cannot be read as the format at all (encoding, header, JSON): nothing was imported. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    message: string,
    readonly problems: FieldProblem[],
  ) {
    super(message);
  }
}

export interface ImportOptions {
  format: ImportFormat;
  mapping?: ColumnMapping;
  dryRun?: boolean;
  applyGood?: boolean;
  marking?: Marking;
  timeZone?: string;
  ownerOrganisationId?: string;
  externalSystem?: string;
  chunkSize?: number;
  onProgress?: (bytesRead: number, totalBytes: number, result: IntakeResult) => void;
}

/** Reads a CSV file record by record (streaming), with the header first. */
async function* csvRecords(file: string, onBytes: (n: number) => void): AsyncGenerator<CsvRecord> {
  const reader = new CsvReader();
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    onBytes((chunk as Buffer).length);
    yield* reader.push(chunk as Buffer);
  }
  yield* reader.end();
}

/** The rows of a file as intake items in chunks; format problems ride along on their item. */
async function* itemsOf(
  file: string,
  o: ImportOptions,
  onBytes: (n: number) => void,
  onTotal: (items: number) => void,
): AsyncGenerator<IntakeItem[]> {
  const size = o.chunkSize ?? 2000;
  const tz = o.timeZone ?? 'UTC';
  if (o.format === 'geojson') {
    const text = await fs.promises.readFile(file, 'utf8');
    onBytes(Buffer.byteLength(text));
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ImportFileError(`${file} is not JSON: ${(err as Error).message}`, [
        { file, path: '', reason: 'is not valid JSON' },
      ]);
    }
    // `null` and other non-objects are valid JSON too.
    const d = (typeof doc === 'object' && doc !== null ? doc : {}) as { type?: unknown; features?: unknown };
    if (d.type !== 'FeatureCollection' || !Array.isArray(d.features))
      throw new ImportFileError(`${file} is not a GeoJSON FeatureCollection`, [
        { file, path: '/type', reason: 'must be FeatureCollection with features' },
      ]);
    const features = d.features as unknown[];
    onTotal(features.length);
    for (let i = 0; i < features.length; i += size) {
      yield features.slice(i, i + size).map((f, k) => {
        const { input, problems } = featureToInput(f);
        const path = `/features/${i + k}`;
        return { input, path, problems: problems.map((p) => ({ ...p, path: `${path}${p.path}` })) };
      });
    }
    return;
  }
  let header: string[] | undefined;
  let compiled: CompiledMapping | undefined;
  let chunk: IntakeItem[] = [];
  try {
    for await (const rec of csvRecords(file, onBytes)) {
      if (header === undefined) {
        header = rec.fields.map((h) => h.trim());
        const problems =
          o.format === 'acled' ? checkAcledHeader(header) : checkCsvHeader(header, o.mapping ?? {});
        if (problems.length > 0)
          throw new ImportFileError(
            `${file}: ${problems.join('; ')}`,
            problems.map((reason) => ({ file, line: 1, path: 'header', reason })),
          );
        if (o.format === 'csv') compiled = compileMapping(header, o.mapping ?? {});
        continue;
      }
      if (rec.fields.length === 1 && rec.fields[0] === '') continue;
      rec.fields = rec.fields.map(restoreFormula);
      const cols = header;
      if (rec.fields.length !== cols.length) {
        chunk.push({
          input: undefined,
          path: '',
          line: rec.line,
          problems: [
            { path: 'row', reason: `has ${rec.fields.length} fields, the header has ${cols.length}` },
          ],
        });
      } else if (compiled !== undefined) {
        const { input, problems } = csvFieldsToInput(rec.fields, compiled);
        chunk.push({ input, path: '', line: rec.line, ...(problems.length > 0 ? { problems } : {}) });
      } else {
        const row: Record<string, string> = {};
        cols.forEach((c, i) => (row[c] = rec.fields[i] ?? ''));
        const { input, problems } = acledRowToInput(row, tz);
        chunk.push({ input, path: '', line: rec.line, ...(problems.length > 0 ? { problems } : {}) });
      }
      if (chunk.length >= size) {
        yield chunk;
        chunk = [];
      }
    }
  } catch (err) {
    if (err instanceof CsvEncodingError || err instanceof CsvSyntaxError)
      throw new ImportFileError(`${file}: ${err.message}`, [
        { file, line: err.line, path: '', reason: err.message },
      ]);
    throw err;
  }
  if (header === undefined)
    throw new ImportFileError(`${file} is empty`, [{ file, line: 1, path: '', reason: 'no header row' }]);
  if (chunk.length > 0) yield chunk;
}

/** Puts report-field pointers back into the file's terms (column names) for the per-row report. */
function columnOf(format: ImportFormat, pointer: string, mapping: ColumnMapping): string {
  if (format === 'acled') {
    const keys = Object.keys(ACLED_FIELD_COLUMNS).sort((a, b) => b.length - a.length);
    const key = keys.find((k) => pointer === k || pointer.startsWith(`${k}/`));
    return key !== undefined ? (ACLED_FIELD_COLUMNS[key] ?? pointer) : pointer;
  }
  if (format === 'csv') return csvColumnOf(pointer, mapping) ?? pointer;
  return pointer;
}

/**
 * Imports a file in one transaction: everything or nothing (unless applyGood), idempotent by
 * external id, with a per-row problem report (file, line, column, reason).
 */
export async function importFile(
  reports: ReportService,
  actor: Actor,
  file: string,
  o: ImportOptions,
): Promise<IntakeResult> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    throw new ImportFileError(`cannot read ${file}`, [{ file, path: '', reason: 'no such file' }]);
  }
  let bytes = 0;
  let total: number | undefined;
  const items = itemsOf(
    file,
    o,
    (n) => (bytes += n),
    (n) => (total = n),
  );
  const result = await reports.ingest(actor, items, {
    ...(o.applyGood !== undefined ? { applyGood: o.applyGood } : {}),
    ...(o.dryRun !== undefined ? { dryRun: o.dryRun } : {}),
    ...(o.marking !== undefined ? { marking: o.marking } : {}),
    ...(o.ownerOrganisationId !== undefined ? { ownerOrganisationId: o.ownerOrganisationId } : {}),
    externalSystem: o.externalSystem ?? o.format,
    listOutcomes: false,
    bulk: true,
    // A CSV file's rows, estimated from its size and the bytes read for the rows so far (read ahead
    // of them, so the estimate is low at first and nears the true count as the import goes on).
    expectedItems: (seen) => total ?? (bytes > 0 ? Math.round((stat.size * seen) / bytes) : undefined),
    onChunk: (_n, r) => o.onProgress?.(bytes, stat.size, r),
  });
  result.problems = result.problems.map((p) => ({
    ...p,
    file,
    path: o.format === 'geojson' ? p.path : columnOf(o.format, p.path, o.mapping ?? {}),
  }));
  return result;
}

/**
 * An import's problem report as CSV (`file,line,field,reason`, CRLF lines): the file name, columns and
 * reasons come from the imported file, so every cell is neutralised against spreadsheet formulas.
 */
export function problemReportCsv(file: string, problems: readonly FieldProblem[]): string {
  const lines = [
    safeCsvLine(['file', 'line', 'field', 'reason']),
    ...problems.map((p) => safeCsvLine([p.file ?? file, String(p.line ?? ''), p.path, p.reason])),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Every current report `viewer` may see, oldest observation first, in pages, each shaped as the API
 * shows it to the viewer (`reportFor`: no classification or mapped category of a version it may not
 * read, no source it may not know); without a viewer, every report of every marking as stored (the
 * commission's full record: callers must mean it).
 */
export async function* allReports(
  reports: ReportService,
  db: Parameters<typeof listVisibleReports>[0],
  viewer?: Principal,
  pageSize = 5000,
): AsyncGenerator<ReportView[]> {
  const reader = viewer === undefined ? undefined : await reports.readerOf(viewer);
  let after: { key: string | number; id: string } | undefined;
  for (;;) {
    const page = await listVisibleReports(db, viewer, {
      sort: 'observed',
      limit: pageSize,
      ...(after ? { after } : {}),
    });
    if (page.reports.length > 0)
      yield reader === undefined ? page.reports : page.reports.map((r) => reportFor(r, reader));
    if (page.last === undefined) return;
    after = page.last;
  }
}

/** Writes reports to a file in a format; returns how many. */
export async function exportReports(
  pages: AsyncIterable<ReportView[]>,
  format: ImportFormat,
  out: string,
): Promise<number> {
  const stream = fs.createWriteStream(out, { encoding: 'utf8' });
  const write = (s: string) =>
    new Promise<void>((resolve, reject) =>
      stream.write(s) ? resolve() : stream.once('drain', resolve).once('error', reject),
    );
  let n = 0;
  if (format === 'geojson') await write('{"type":"FeatureCollection","features":[\n');
  else
    await write(
      `${safeCsvLine(format === 'acled' ? [...ACLED_EXPORT_COLUMNS] : [...CSV_FIELDS, ...CSV_DERIVED])}\r\n`,
    );
  for await (const page of pages) {
    let text = '';
    for (const r of page) {
      // A file leaves the system: it never names the notified sites or movements a report touches.
      const out = { ...r, classification: { ...r.classification, notified: [] } };
      if (format === 'geojson') text += `${n > 0 ? ',\n' : ''}${JSON.stringify(reportFeature(out))}`;
      else text += `${safeCsvLine(format === 'acled' ? reportToAcledRow(out) : reportToCsvRow(out))}\r\n`;
      n += 1;
    }
    await write(text);
  }
  if (format === 'geojson') await write('\n]}\n');
  await new Promise<void>((resolve, reject) =>
    stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return n;
}
