import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { Duration, Id, IdList, StringEnum, Text, strict } from './agreement.schema.common.js';

export const ActorKinds = [
  'state',
  'armed_formation',
  'coalition',
  'international_organisation',
  'ngo',
  'commission',
  'other',
] as const;

export const ActorSchema = Type.Object(
  {
    id: Id,
    name: Text,
    kind: Type.Optional(StringEnum(ActorKinds)),
    iso3: Type.Optional(
      Type.String({ pattern: '^[A-Z]{3}$', errorMessage: 'must be an ISO 3166-1 alpha-3 code' }),
    ),
    members: Type.Optional(Type.Array(Text, { description: 'Member states of a coalition, by name.' })),
    lead: Type.Optional(Id),
    notes: Type.Optional(Text),
  },
  { ...strict, description: 'A party, guarantor or humanitarian organisation.' },
);
export type Actor = Static<typeof ActorSchema>;

export const DecisionRules = [
  'consensus',
  'unanimity',
  'majority',
  'qualified_majority',
  'chair',
  'each_guarantor',
  'any_member',
  // A quorum that must include a seat of every party in the composition and one neutral seat.
  'parties_and_neutrals',
] as const;
export type DecisionRule = (typeof DecisionRules)[number];

export const VerificationBodySchema = Type.Object(
  {
    id: Id,
    name: Text,
    lead: Type.Optional(Id),
    composition: Type.Array(
      Type.Object(
        {
          actor: Id,
          seats: Type.Integer({ minimum: 1 }),
          role: Type.Optional(StringEnum(['chair', 'member', 'observer'] as const)),
        },
        strict,
      ),
      { minItems: 1 },
    ),
    nomination_rule: Type.Optional(Text),
    quorum: Type.Integer({ minimum: 1, description: 'Seats that must take part for a decision.' }),
    decision_rule: StringEnum(DecisionRules),
    majority_threshold: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0.5,
        maximum: 1,
        description: 'For qualified_majority: share of votes.',
      }),
    ),
    mandate: Type.Object(
      {
        monitor: Type.Boolean(),
        verify: Type.Boolean(),
        attribute: Type.Boolean(),
        adjudicate: Type.Boolean(),
        investigate: Type.Optional(Type.Boolean()),
      },
      {
        ...strict,
        description: 'Separate flags: monitors are not adjudicators unless the agreement says so.',
      },
    ),
    means: Type.Optional(Type.Array(Text)),
    reports_to: Type.Optional(IdList),
    on_request_within: Type.Optional(Duration),
    min_verifications_per_month: Type.Optional(Type.Integer({ minimum: 0 })),
    term: Type.Optional(Text),
  },
  strict,
);
export type VerificationBody = Static<typeof VerificationBodySchema>;

export const WitnessSchema = Type.Object(
  {
    party: Id,
    name: Text,
    vkey: Type.String({
      description: 'C2SP signed-note verifier key: name+keyid+base64(type||Ed25519 key).',
    }),
  },
  strict,
);

export const TransparencyLogSchema = Type.Object(
  {
    origin: Type.Optional(Text),
    log_vkey: Type.Optional(Type.String()),
    quorum: Type.Integer({ minimum: 1, description: 'Cosignatures (k of n witnesses) a checkpoint needs.' }),
    witnesses: Type.Array(WitnessSchema, { minItems: 1 }),
  },
  strict,
);
export type TransparencyLog = Static<typeof TransparencyLogSchema>;
