import type { Agreement, ListSection } from './agreement.schema.js';
import { LIST_SECTIONS } from './agreement.schema.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One changed value inside an item, at a path relative to the item (`positions.RU`). */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** An item added, removed or changed between two versions. */
export interface ItemChange {
  /** A list section (`provisions`, `zones`, ...), an object section, or `agreement` for top-level fields. */
  section: string;
  /** The item's id (for list sections). */
  id: string | undefined;
  kind: ChangeKind;
  /** The item's name or title, from the newer version when present. */
  label: string | undefined;
  fields: FieldChange[];
}

export interface AgreementDiff {
  from: { id: string; version: number };
  to: { id: string; version: number };
  changes: ItemChange[];
  /** Counts per section. */
  summary: Record<string, { added: number; removed: number; changed: number }>;
}

const OBJECT_SECTIONS = ['region', 'negotiation', 'transparency_log'] as const;

/**
 * What changed between two versions of an agreement: items of every list section matched by id
 * (added / removed / changed, with the changed fields), object sections field by field, and the
 * top-level fields. Lists of items with ids inside an item (e.g. ladder rungs) are matched by id
 * too, so a path reads `rungs[rung-3].deadline`.
 */
export function diffAgreements(before: Agreement, after: Agreement): AgreementDiff {
  const changes: ItemChange[] = [];
  const topFields: FieldChange[] = [];
  const skip = new Set<string>([...LIST_SECTIONS, ...OBJECT_SECTIONS]);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => !skip.has(k)));
  for (const key of keys) {
    diffValue(
      key,
      (before as Record<string, unknown>)[key],
      (after as Record<string, unknown>)[key],
      topFields,
    );
  }
  if (topFields.length > 0)
    changes.push({
      section: 'agreement',
      id: undefined,
      kind: 'changed',
      label: after.title,
      fields: topFields,
    });
  for (const section of OBJECT_SECTIONS) {
    const a: unknown = before[section];
    const b: unknown = after[section];
    if (a === undefined && b === undefined) continue;
    if (a === undefined || b === undefined) {
      changes.push({
        section,
        id: undefined,
        kind: a === undefined ? 'added' : 'removed',
        label: undefined,
        fields: [],
      });
      continue;
    }
    const fields: FieldChange[] = [];
    diffValue('', a, b, fields);
    if (fields.length > 0)
      changes.push({ section, id: undefined, kind: 'changed', label: undefined, fields });
  }
  for (const section of LIST_SECTIONS) changes.push(...diffList(section, before[section], after[section]));
  const summary: AgreementDiff['summary'] = {};
  for (const c of changes) {
    const s = (summary[c.section] ??= { added: 0, removed: 0, changed: 0 });
    s[c.kind]++;
  }
  return {
    from: { id: before.id, version: before.version },
    to: { id: after.id, version: after.version },
    changes,
    summary,
  };
}

/** One line per change, e.g. `provisions P-14 changed: positions.RU: 'disputed' → 'agreed'`. */
export function formatDiff(diff: AgreementDiff): string[] {
  const lines: string[] = [];
  for (const c of diff.changes) {
    const head = `${c.section}${c.id === undefined ? '' : ` ${c.id}`} ${c.kind}${c.label === undefined ? '' : ` (${c.label})`}`;
    if (c.fields.length === 0) lines.push(head);
    for (const f of c.fields) lines.push(`${head}: ${f.path}: ${show(f.before)} → ${show(f.after)}`);
  }
  return lines;
}

function diffList(
  section: ListSection,
  before: readonly unknown[] | undefined,
  after: readonly unknown[] | undefined,
): ItemChange[] {
  const a = byId(before ?? []);
  const b = byId(after ?? []);
  const out: ItemChange[] = [];
  for (const [id, item] of b) {
    const old = a.get(id);
    if (old === undefined) {
      out.push({ section, id, kind: 'added', label: labelOf(item), fields: [] });
      continue;
    }
    const fields: FieldChange[] = [];
    diffValue('', old, item, fields);
    if (fields.length > 0) out.push({ section, id, kind: 'changed', label: labelOf(item), fields });
  }
  for (const [id, item] of a) {
    if (!b.has(id)) out.push({ section, id, kind: 'removed', label: labelOf(item), fields: [] });
  }
  return out;
}

/** Appends the differences between two values; lists of objects with ids are matched by id. */
function diffValue(path: string, a: unknown, b: unknown, out: FieldChange[]): void {
  if (equal(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      diffValue(path === '' ? key : `${path}.${key}`, a[key], b[key], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && hasIds(a) && hasIds(b)) {
    const ma = byId(a);
    const mb = byId(b);
    for (const id of new Set([...ma.keys(), ...mb.keys()]))
      diffValue(`${path}[${id}]`, ma.get(id), mb.get(id), out);
    return;
  }
  out.push({ path, before: a, after: b });
}

function hasIds(list: readonly unknown[]): boolean {
  return list.length > 0 && list.every((x) => isRecord(x) && typeof x.id === 'string');
}

function byId(list: readonly unknown[]): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  for (const item of list) if (isRecord(item) && typeof item.id === 'string') m.set(item.id, item);
  return m;
}

function labelOf(item: Record<string, unknown>): string | undefined {
  const label = item.title ?? item.name;
  return typeof label === 'string' ? label : undefined;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
