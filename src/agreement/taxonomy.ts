import type { Agreement } from './agreement.schema.js';

/**
 * External violation vocabularies an agreement's report taxonomy maps onto: ACLED's 6 event types
 * and 25 sub-event types (acledR codebook) and the OSCE SMM ceasefire-violation categories.
 */
export const ACLED_EVENT_TYPES = {
  Battles: ['Armed clash', 'Government regains territory', 'Non-state actor overtakes territory'],
  'Explosions/Remote violence': [
    'Chemical weapon',
    'Air/drone strike',
    'Suicide bomb',
    'Shelling/artillery/missile attack',
    'Remote explosive/landmine/IED',
    'Grenade',
  ],
  'Violence against civilians': ['Sexual violence', 'Attack', 'Abduction/forced disappearance'],
  Protests: ['Peaceful protest', 'Protest with intervention', 'Excessive force against protesters'],
  Riots: ['Violent demonstration', 'Mob violence'],
  'Strategic developments': [
    'Agreement',
    'Arrests',
    'Change to group/activity',
    'Disrupted weapons use',
    'Headquarters or base established',
    'Looting/property destruction',
    'Non-violent transfer of territory',
    'Other',
  ],
} as const;

/** An ACLED event type (the import and export map onto the agreement's categories). */
export type AcledEventType = keyof typeof ACLED_EVENT_TYPES;
/** ACLED's event type names, in ACLED's order. */
export const ACLED_EVENT_TYPE_NAMES = Object.keys(ACLED_EVENT_TYPES) as AcledEventType[];
/** Every ACLED sub-event type, of all event types. */
export const ACLED_SUB_EVENT_TYPES: readonly string[] = Object.values(ACLED_EVENT_TYPES).flat();

/** OSCE SMM ceasefire-violation categories (explosions split by observed effect). */
export const SMM_CATEGORIES = [
  'explosion_impact',
  'explosion_airburst',
  'explosion_outgoing',
  'explosion_undetermined',
  'projectile_in_flight',
  'muzzle_flash',
  'illumination_flare',
  'burst_and_shot',
] as const;
/** An OSCE SMM-style fire category. */
export type SmmCategory = (typeof SMM_CATEGORIES)[number];

/** True when `sub` is one of `type`'s ACLED sub-event types. */
export function isAcledPair(type: string, sub: string | undefined): boolean {
  if (!(type in ACLED_EVENT_TYPES)) return false;
  if (sub === undefined) return true;
  const subs: readonly string[] = ACLED_EVENT_TYPES[type as AcledEventType];
  return subs.includes(sub);
}

export interface TaxonomyCoverage {
  /** ACLED "type: sub-type" pairs no category maps to. */
  acledUnmapped: string[];
  /** SMM categories no category maps to. */
  smmUnmapped: SmmCategory[];
  /** For each ACLED "type: sub-type", the agreement's category ids that map to it. */
  acled: Record<string, string[]>;
  smm: Partial<Record<SmmCategory, string[]>>;
}

/** Which external categories an agreement's report taxonomy covers, and which it misses. */
export function taxonomyCoverage(agreement: Pick<Agreement, 'report_taxonomy'>): TaxonomyCoverage {
  const acled: Record<string, string[]> = {};
  const smm: Partial<Record<SmmCategory, string[]>> = {};
  for (const category of agreement.report_taxonomy) {
    for (const m of category.acled ?? []) {
      const subs = m.sub_event_type === undefined ? ACLED_EVENT_TYPES[m.event_type] : [m.sub_event_type];
      for (const sub of subs) (acled[`${m.event_type}: ${sub}`] ??= []).push(category.id);
    }
    for (const s of category.smm ?? []) (smm[s] ??= []).push(category.id);
  }
  const acledUnmapped = ACLED_EVENT_TYPE_NAMES.flatMap((t) =>
    ACLED_EVENT_TYPES[t].map((s) => `${t}: ${s}`).filter((k) => acled[k] === undefined),
  );
  const smmUnmapped = SMM_CATEGORIES.filter((s) => smm[s] === undefined);
  return { acledUnmapped, smmUnmapped, acled, smm };
}
