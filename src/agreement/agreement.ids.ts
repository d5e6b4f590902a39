import type { ListSection } from './agreement.schema.js';
import type { PathSegment, ProblemSink } from './agreement.problems.js';

/** What an id names. Every id is unique across the whole agreement, whatever its kind. */
export type IdKind =
  | 'anchor'
  | 'party'
  | 'guarantor'
  | 'verification body'
  | 'humanitarian organisation'
  | 'actor'
  | 'reference geometry'
  | 'zone'
  | 'band'
  | 'equipment category'
  | 'restriction'
  | 'waiver'
  | 'obligation'
  | 'notification obligation'
  | 'report category'
  | 'escalation ladder'
  | 'rung'
  | 'guarantee'
  | 'ratification step'
  | 'condition'
  | 'response'
  | 'provision'
  | 'deadline';

export interface IdEntry {
  kind: IdKind;
  path: PathSegment[];
}

/** Any actor: who can act, decide, notify or be notified. */
export const ACTOR_KINDS: readonly IdKind[] = [
  'party',
  'guarantor',
  'verification body',
  'humanitarian organisation',
  'actor',
];

const SECTION_KINDS: Record<ListSection, IdKind> = {
  anchors: 'anchor',
  parties: 'party',
  guarantors: 'guarantor',
  verification_bodies: 'verification body',
  humanitarian_organisations: 'humanitarian organisation',
  other_actors: 'actor',
  reference_geometries: 'reference geometry',
  zones: 'zone',
  equipment_categories: 'equipment category',
  restrictions: 'restriction',
  obligations: 'obligation',
  notification_obligations: 'notification obligation',
  report_taxonomy: 'report category',
  escalation_ladders: 'escalation ladder',
  guarantees: 'guarantee',
  provisions: 'provision',
};

/** Nested lists with ids: [section, path inside an item to the list, kind]. */
const NESTED: readonly [ListSection, readonly string[], IdKind][] = [
  ['zones', ['bands'], 'band'],
  ['restrictions', ['waivers'], 'waiver'],
  ['escalation_ladders', ['rungs'], 'rung'],
  ['guarantees', ['ratification', 'steps'], 'ratification step'],
  ['guarantees', ['activation'], 'condition'],
  ['guarantees', ['void'], 'condition'],
  ['guarantees', ['responses'], 'response'],
];

/**
 * Collects every id in the document, valid item or not (so one bad item does not make references
 * to it dangle), and reports duplicates at their second and later occurrences.
 */
export function collectIds(data: Record<string, unknown>, sink: ProblemSink): Map<string, IdEntry> {
  const ids = new Map<string, IdEntry>();
  const add = (value: unknown, path: PathSegment[], kind: IdKind): void => {
    if (typeof value !== 'string') return;
    const first = ids.get(value);
    if (first !== undefined) {
      sink.add(
        path,
        'duplicate_id',
        `duplicate id '${value}': already the id of the ${first.kind} at line ${sink.lineOf(first.path)} (ids are unique across the agreement)`,
      );
      return;
    }
    ids.set(value, { kind, path });
  };
  for (const [section, kind] of Object.entries(SECTION_KINDS) as [ListSection, IdKind][]) {
    forEachItem(data[section], (item, i) => {
      add(item.id, [section, i, 'id'], kind);
      for (const [nestedSection, inner, nestedKind] of NESTED) {
        if (nestedSection !== section) continue;
        forEachItem(dig(item, inner), (nested, j) =>
          add(nested.id, [section, i, ...inner, j, 'id'], nestedKind),
        );
      }
    });
  }
  const negotiation = data.negotiation;
  if (isRecord(negotiation)) {
    forEachItem(negotiation.deadlines, (d, j) =>
      add(d.id, ['negotiation', 'deadlines', j, 'id'], 'deadline'),
    );
  }
  return ids;
}

/** Reports a reference that names nothing, or names something of the wrong kind. */
export function checkRef(
  ids: ReadonlyMap<string, IdEntry>,
  sink: ProblemSink,
  path: PathSegment[],
  id: string | undefined,
  expected: readonly IdKind[],
): void {
  if (id === undefined) return;
  const entry = ids.get(id);
  const wanted = describeKinds(expected);
  if (entry === undefined) {
    sink.add(path, 'dangling_reference', `'${id}' is not defined (expected ${wanted})`);
  } else if (!expected.includes(entry.kind)) {
    sink.add(path, 'wrong_reference_kind', `'${id}' is a ${entry.kind}, not ${wanted}`);
  }
}

/** Checks each id of a list reference. */
export function checkRefs(
  ids: ReadonlyMap<string, IdEntry>,
  sink: ProblemSink,
  path: PathSegment[],
  list: readonly string[] | undefined,
  expected: readonly IdKind[],
): void {
  list?.forEach((id, i) => checkRef(ids, sink, [...path, i], id, expected));
}

function describeKinds(kinds: readonly IdKind[]): string {
  if (kinds === ACTOR_KINDS) return 'an actor (party, guarantor, body or organisation)';
  const names = kinds.map((k) => `a ${k}`);
  return names.length <= 1
    ? (names[0] ?? 'an id')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function forEachItem(list: unknown, fn: (item: Record<string, unknown>, index: number) => void): void {
  if (!Array.isArray(list)) return;
  list.forEach((item: unknown, i) => {
    if (isRecord(item)) fn(item, i);
  });
}

function dig(value: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = value;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
