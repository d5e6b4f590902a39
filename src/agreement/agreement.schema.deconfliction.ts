import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { Duration, strict } from './agreement.schema.common.js';

/**
 * How notified sites, movements and flights are checked against each other, the zones and recent
 * incidents. Every field has a default (docs/deconfliction.md), so an agreement without the section runs.
 */
export const DeconflictionSettingsSchema = Type.Object(
  {
    separation_m: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100_000,
        description:
          'Two movements (or flights) of different notifiers closer than this at overlapping times conflict. Default 1000.',
      }),
    ),
    incident_radius_m: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100_000,
        description: 'A site or route this close to a recent incident conflicts with it. Default 2000.',
      }),
    ),
    incident_window: Type.Optional(Duration),
    strike_radius_m: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 10_000,
        description:
          'A report this close to a notified site (beyond both precisions) or inside a corridor touches it. Default 500.',
      }),
    ),
  },
  { ...strict, description: 'Conflict checks between notices, zones and incidents.' },
);
/** The agreement's deconfliction settings. */
export type DeconflictionSettings = Static<typeof DeconflictionSettingsSchema>;
