import type { FieldProblem } from '../../core/errors.js';
import type { ReportView } from '../report.view.js';
import type { ReportInput } from '../report.schemas.js';
import { FACT_COLUMNS, factCells } from './facts.js';

/**
 * Truceline's flat CSV: one column per report field (the "field" names below). Imports of other
 * CSV files map their columns onto these fields (`--map field=Column,…` or a JSON mapping file).
 * Export adds derived, read-only columns that imports ignore.
 */
type Kind = 'text' | 'number' | 'int' | 'list' | 'json';
const FIELDS: readonly [field: string, pointer: string, kind: Kind][] = [
  ['external_system', '/externalSystem', 'text'],
  ['external_id', '/externalId', 'text'],
  ['observed_from', '/observed/from', 'text'],
  ['observed_to', '/observed/to', 'text'],
  ['time_precision', '/observed/precision', 'text'],
  ['time_zone', '/observed/timeZone', 'text'],
  ['lon', '/location/lon', 'number'],
  ['lat', '/location/lat', 'number'],
  ['mgrs', '/location/mgrs', 'text'],
  ['uncertainty_m', '/location/uncertaintyM', 'number'],
  ['geo_precision', '/location/precision', 'int'],
  ['place_name', '/location/placeName', 'text'],
  ['area', '/location/area', 'json'],
  ['observer_lon', '/location/observer/lon', 'number'],
  ['observer_lat', '/location/observer/lat', 'number'],
  ['observer_mgrs', '/location/observer/mgrs', 'text'],
  ['bearing_deg', '/location/observer/bearingDeg', 'number'],
  ['distance_m', '/location/observer/distanceM', 'number'],
  ['bearing_error_deg', '/location/observer/bearingErrorDeg', 'number'],
  ['distance_error_m', '/location/observer/distanceErrorM', 'number'],
  ['category', '/category', 'text'],
  ['acled_event_type', '/acled/eventType', 'text'],
  ['acled_sub_event_type', '/acled/subEventType', 'text'],
  ['smm', '/smm', 'text'],
  ['equipment_category', '/equipment/category', 'text'],
  ['equipment_system', '/equipment/system', 'text'],
  ['calibre_mm', '/equipment/calibreMm', 'number'],
  ['events', '/counts/events', 'int'],
  ['items', '/counts/items', 'int'],
  ['personnel', '/counts/personnel', 'int'],
  ['civilian_killed', '/casualties/civilian/killed', 'int'],
  ['civilian_injured', '/casualties/civilian/injured', 'int'],
  ['military_killed', '/casualties/military/killed', 'int'],
  ['military_injured', '/casualties/military/injured', 'int'],
  ['unknown_killed', '/casualties/unknown/killed', 'int'],
  ['unknown_injured', '/casualties/unknown/injured', 'int'],
  ['reporter', '/reporter/name', 'text'],
  ['reporter_kind', '/reporter/kind', 'text'],
  ['source', '/source/name', 'text'],
  ['source_id', '/source/id', 'text'],
  ['reliability', '/source/reliability', 'text'],
  ['independence_group', '/source/independenceGroup', 'text'],
  ['credibility', '/credibility', 'int'],
  ['narrative', '/narrative', 'text'],
  ['links', '/links', 'list'],
  ['language', '/language', 'text'],
  ['marking', '/marking', 'text'],
  ['addressee_organisations', '/addressees/organisations', 'list'],
  ['addressee_users', '/addressees/users', 'list'],
  ['attributes', '/attributes', 'json'],
];

/** Columns of Truceline's CSV, as exported. */
export const CSV_FIELDS = FIELDS.map(([f]) => f);
/**
 * Derived columns of an export; an import ignores them. The submitted columns above hold what was
 * filed (so a re-import is unchanged); these hold what Truceline made of it, e.g. `report_category`
 * is the agreement's category even when the filer gave only an SMM or ACLED code.
 */
export const CSV_DERIVED = [
  'id',
  'revision',
  'agreement_version',
  'nearest_place',
  'zones',
  'side',
  'line_distance_km',
  'possible_violations',
  ...FACT_COLUMNS,
];

/** Column mapping: report field → the file's column name. Unmapped fields are read from the same-named column. */
export type ColumnMapping = Record<string, string>;

/** Parses `field=Column,field=Column` into a mapping; unknown fields are errors. */
export function parseMapping(spec: string): ColumnMapping | string {
  const out: ColumnMapping = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `"${part}" is not field=Column`;
    const field = part.slice(0, eq).trim();
    if (!CSV_FIELDS.includes(field))
      return `"${field}" is not a report field (fields: ${CSV_FIELDS.join(', ')})`;
    out[field] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Checks a header against a mapping: mapped columns must exist; other columns must be known. */
export function checkCsvHeader(header: readonly string[], mapping: ColumnMapping): string[] {
  const problems: string[] = [];
  const missing = Object.entries(mapping).filter(([, col]) => !header.includes(col));
  if (missing.length > 0)
    problems.push(
      `mapped column${missing.length > 1 ? 's' : ''} not in the file: ${missing.map(([f, c]) => `${c} (for ${f})`).join(', ')}`,
    );
  const used = new Set([
    ...Object.values(mapping),
    ...CSV_FIELDS.filter((f) => mapping[f] === undefined),
    ...CSV_DERIVED,
  ]);
  const unknown = header.filter((h) => !used.has(h));
  if (unknown.length > 0)
    problems.push(
      `unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (map them with --map field=Column)`,
    );
  if (!header.some((h) => h === (mapping.observed_from ?? 'observed_from')))
    problems.push('no observed_from column (map one with --map observed_from=Column)');
  return problems;
}

/** Each field's pointer split into keys once (an export walks them for every report). */
const FIELD_KEYS = FIELDS.map(([, pointer]) => pointer.split('/').slice(1));

function getPath(source: unknown, keys: readonly string[]): unknown {
  let node = source;
  for (const k of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

/** A mapping resolved against a header: for each report field, its column index and pointer keys. */
export interface CompiledMapping {
  fields: { column: string; index: number; keys: string[]; kind: Kind }[];
}

export function compileMapping(header: readonly string[], mapping: ColumnMapping): CompiledMapping {
  return {
    fields: FIELDS.flatMap(([field, pointer, kind]) => {
      const column = mapping[field] ?? field;
      const index = header.indexOf(column);
      return index < 0 ? [] : [{ column, index, keys: pointer.split('/').slice(1), kind }];
    }),
  };
}

/** One CSV record (its fields, in header order) as a report input; problems name the column. */
export function csvFieldsToInput(
  values: readonly string[],
  compiled: CompiledMapping,
): { input?: ReportInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const input: Record<string, unknown> = {};
  for (const { column, index, keys, kind } of compiled.fields) {
    const raw = values[index];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (kind === 'number' || kind === 'int') {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
        problems.push({
          path: column,
          reason: `"${raw}" is not ${kind === 'int' ? 'a whole number' : 'a number'}`,
        });
        continue;
      }
      value = n;
    } else if (kind === 'list') {
      value = raw.split(/\s+/).filter(Boolean);
    } else if (kind === 'json') {
      try {
        value = JSON.parse(raw) as unknown;
      } catch {
        problems.push({ path: column, reason: 'is not valid JSON' });
        continue;
      }
    }
    let node = input;
    for (let k = 0; k < keys.length - 1; k++) node = (node[keys[k] ?? ''] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1] ?? ''] = value;
  }
  if (input.location === undefined) input.location = {};
  return problems.length > 0 ? { problems } : { input: input as ReportInput, problems };
}

/** The column a report-input pointer came from, for messages (`/location/lat` → `lat` or its mapped name). */
export function csvColumnOf(pointer: string, mapping: ColumnMapping): string | undefined {
  const hit = FIELDS.filter(([, p]) => pointer === p || pointer.startsWith(`${p}/`)).sort(
    (a, b) => b[1].length - a[1].length,
  )[0];
  return hit && (mapping[hit[0]] ?? hit[0]);
}

/**
 * A report as a row of Truceline's CSV (the submitted fields, then the derived ones): a stored report,
 * or one as a reader may see it (`reportFor`: a redacted classification leaves its columns empty).
 */
export function reportToCsvRow(report: ReportView): string[] {
  const input = report.submitted;
  const fields = FIELDS.map(([, , kind], i) => {
    const v = getPath(input, FIELD_KEYS[i] ?? []);
    if (v === undefined || v === null) return '';
    if (kind === 'list') return (v as string[]).join(' ');
    if (kind === 'json') return JSON.stringify(v);
    return typeof v === 'number' ? String(v) : (v as string);
  });
  const c = report.classification;
  const judged = 'redacted' in c ? undefined : c;
  const derived = [
    report.id,
    String(report.revision),
    c.agreementVersionId ?? '',
    c.nearestPlace?.text ?? '',
    c.zones.map((z) => z.band ?? z.id).join(' '),
    judged?.side ?? '',
    judged?.lineDistanceKm === undefined ? '' : String(judged.lineDistanceKm),
    c.possibleViolations.map((v) => v.restriction ?? v.provision ?? '').join(' '),
    ...factCells(report),
  ];
  return [...fields, ...derived];
}
