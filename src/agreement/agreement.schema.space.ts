import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import {
  DateOnly,
  Id,
  IdList,
  LineStringSchema,
  MultiPolygonSchema,
  PointSchema,
  PolygonSchema,
  StringEnum,
  Text,
  When,
  strict,
} from './agreement.schema.common.js';

export const ReferenceKinds = [
  'contact_line',
  'demarcation_line',
  'border',
  'named_line',
  'corridor_centreline',
  'locality',
  'area',
] as const;

export const ReferenceGeometrySchema = Type.Object(
  {
    id: Id,
    name: Text,
    kind: StringEnum(ReferenceKinds),
    as_of: Type.Optional(DateOnly),
    applies_to: Type.Optional(IdList),
    sides: Type.Optional(
      Type.Object(
        { left: Id, right: Id },
        {
          ...strict,
          description: 'Party on each side, walking the line from its first to its last position.',
        },
      ),
    ),
    geometry: Type.Union([LineStringSchema, PointSchema, PolygonSchema]),
    vertices: Type.Optional(
      Type.Array(
        Type.Object({ name: Text, geonames_id: Type.Optional(Type.Integer({ minimum: 1 })) }, strict),
        { description: 'Provenance of each position, e.g. the settlement it was taken from.' },
      ),
    ),
    precision_m: Type.Optional(Type.Number({ minimum: 0 })),
    source: Type.Optional(Text),
  },
  strict,
);
export type ReferenceGeometry = Static<typeof ReferenceGeometrySchema>;

export const ZoneKinds = [
  'demilitarised_zone',
  'security_zone',
  'withdrawal_band',
  'limited_forces_zone',
  'disengagement_area',
  'corridor',
  'no_fly_zone',
  'buffer',
  'humanitarian_site_buffer',
] as const;

export const Weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const TimeOfDay = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  errorMessage: 'must be a time of day HH:MM',
});

export const DerivedZoneSchema = Type.Object(
  {
    line: Type.Optional(Id),
    baselines: Type.Optional(
      Type.Array(Type.Object({ party: Id, line: Id }, strict), {
        minItems: 1,
        description: "Per-party baselines: each party's part of the zone is measured from its own line.",
      }),
    ),
    distance_km: Type.Number({ exclusiveMinimum: 0 }),
    mode: StringEnum(['each_side', 'total_separation'] as const, {
      description:
        'each_side: distance on each side; total_separation: width of the whole zone, half per side.',
    }),
    side: Type.Optional(Type.Union([Type.Literal('both'), Id], { description: '"both" or a party id.' })),
  },
  strict,
);
export type DerivedZoneRule = Static<typeof DerivedZoneSchema>;

export const ZoneSchema = Type.Object(
  {
    id: Id,
    name: Text,
    kind: StringEnum(ZoneKinds),
    polygon: Type.Optional(Type.Union([PolygonSchema, MultiPolygonSchema])),
    derived: Type.Optional(DerivedZoneSchema),
    bands: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Id,
            name: Type.Optional(Text),
            from_km: Type.Optional(Type.Number({ minimum: 0 })),
            to_km: Type.Number({ exclusiveMinimum: 0 }),
          },
          strict,
        ),
        { description: 'Nested distance bands inside a derived zone, measured like distance_km.' },
      ),
    ),
    altitude: Type.Optional(
      Type.Object(
        {
          lower_m: Type.Number(),
          upper_m: Type.Optional(Type.Number()),
          reference: StringEnum(['AGL', 'AMSL'] as const),
        },
        strict,
      ),
    ),
    active: Type.Optional(
      Type.Object(
        {
          from: Type.Optional(When),
          until: Type.Optional(When),
          schedule: Type.Optional(
            Type.Array(
              Type.Object(
                { days: Type.Array(StringEnum(Weekdays), { minItems: 1 }), from: TimeOfDay, to: TimeOfDay },
                strict,
              ),
            ),
          ),
        },
        strict,
      ),
    ),
    provision: Type.Optional(Id),
    description: Type.Optional(Text),
  },
  strict,
);
export type Zone = Static<typeof ZoneSchema>;

export const EquipmentCategorySchema = Type.Object(
  {
    id: Id,
    name: Text,
    class: Text,
    calibre_mm: Type.Optional(
      Type.Object(
        { min: Type.Optional(Type.Number({ minimum: 0 })), max: Type.Optional(Type.Number({ minimum: 0 })) },
        strict,
      ),
    ),
    systems: Type.Optional(Type.Array(Text)),
    counting_unit: Type.Optional(StringEnum(['pieces', 'personnel', 'battalions', 'sorties'] as const)),
  },
  strict,
);
/** One equipment category the restrictions name (calibres, systems). */
export type EquipmentCategory = Static<typeof EquipmentCategorySchema>;

/** The activities a restriction can govern besides equipment. */
export const Activities = [
  'fire',
  'offensive_operations',
  'new_minefields',
  'flight',
  'reconnaissance_forward',
  'entry',
  'deployment',
  'exercise',
] as const;

export const RestrictionRules = [
  'prohibited',
  'max_count',
  'max_personnel',
  'authorisation_required',
] as const;

export const RestrictionSchema = Type.Object(
  {
    id: Id,
    zone: Id,
    parties: IdList,
    category: Type.Optional(Id),
    activity: Type.Optional(StringEnum(Activities)),
    rule: StringEnum(RestrictionRules),
    max: Type.Optional(Type.Integer({ minimum: 0, description: 'Ceiling for max_count / max_personnel.' })),
    authorised_by: Type.Optional(Id),
    effective_from: Type.Optional(When),
    exceptions: Type.Optional(Type.Array(Text)),
    waivers: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Id,
            approved_by: IdList,
            from: When,
            until: When,
            scope: Text,
            max: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          strict,
        ),
      ),
    ),
    provision: Type.Optional(Id),
  },
  strict,
);
/** One restriction: zone × party × equipment or activity → rule. */
export type Restriction = Static<typeof RestrictionSchema>;
