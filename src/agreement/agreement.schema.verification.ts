import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { Duration, Id, PolygonSchema, StringEnum, Text, strict } from './agreement.schema.common.js';
import { Severities } from './agreement.schema.rules.js';

/** How near two reports must be, in space and time, to be grouped into one candidate incident. */
const ProximitySchema = Type.Object(
  {
    distance_km: Type.Number({
      minimum: 0,
      maximum: 500,
      description: 'Reports this far apart or closer (beyond their uncertainty radii) are grouped.',
    }),
    window: Duration,
  },
  strict,
);

export const CorrelationSchema = Type.Object(
  {
    ...ProximitySchema.properties,
    categories: Type.Optional(
      Type.Array(Type.Object({ category: Id, ...ProximitySchema.properties }, strict), {
        description: 'Per-category thresholds overriding the default.',
      }),
    ),
  },
  { ...strict, description: 'Space-time thresholds for grouping reports into candidate incidents.' },
);

export const SectorSchema = Type.Object(
  { id: Id, name: Text, polygon: PolygonSchema },
  { ...strict, description: 'A named area incidents and quiet days are counted by.' },
);

/**
 * How reports become verified incidents and findings under this agreement. Every field has a
 * default (docs/verification.md), so an agreement without the section still runs.
 */
export const VerificationSettingsSchema = Type.Object(
  {
    body: Type.Optional(Id),
    correlation: Type.Optional(CorrelationSchema),
    deadline: Type.Optional(Duration),
    four_eyes: Type.Optional(
      Type.Object(
        {
          separate_reporter: Type.Optional(
            Type.Boolean({
              description: 'The verifier must not be a reporter of the incident (default true).',
            }),
          ),
          two_organisations_from: Type.Optional(
            StringEnum(Severities, {
              description: 'From this severity up, two analysts of different organisations conclude.',
            }),
          ),
        },
        strict,
      ),
    ),
    sectors: Type.Optional(Type.Array(SectorSchema)),
    notes: Type.Optional(Text),
  },
  strict,
);
/** The agreement's verification settings as written. */
export type VerificationSettingsSpec = Static<typeof VerificationSettingsSchema>;
