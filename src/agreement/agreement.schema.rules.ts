import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { DecisionRules } from './agreement.schema.actors.js';
import {
  DateOnly,
  Duration,
  Id,
  IdList,
  PerParty,
  StringEnum,
  Text,
  When,
  strict,
} from './agreement.schema.common.js';
import { ACLED_EVENT_TYPE_NAMES, ACLED_SUB_EVENT_TYPES, SMM_CATEGORIES } from './taxonomy.js';

export const ObligationSchema = Type.Object(
  {
    id: Id,
    actors: Type.Array(Id, { minItems: 1, uniqueItems: true }),
    action: Text,
    start: Type.Optional(When),
    deadline: Type.Optional(When),
    preconditions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            metric: StringEnum([
              'verified_quiet_days',
              'obligation_completed',
              'guarantee_ratified',
            ] as const),
            zone: Type.Optional(Id),
            min: Type.Optional(Type.Integer({ minimum: 1 })),
            consecutive: Type.Optional(Type.Boolean()),
            verified_by: Type.Optional(Id),
            obligation: Type.Optional(Id),
            guarantee: Type.Optional(Id),
          },
          strict,
        ),
      ),
    ),
    simultaneous: Type.Optional(Type.Boolean({ description: 'All actors act in lock-step.' })),
    concurrent_with: Type.Optional(IdList),
    report_to: Type.Optional(IdList),
    provision: Type.Optional(Id),
  },
  strict,
);
export type Obligation = Static<typeof ObligationSchema>;

export const Severities = ['minor', 'serious', 'grave'] as const;
export type Severity = (typeof Severities)[number];

export const NotificationObligationSchema = Type.Object(
  {
    id: Id,
    kind: StringEnum(['notification', 'permission_request'] as const, {
      description: 'Notification is not permission: only a permission_request can be approved.',
    }),
    subjects: Type.Array(Text, { minItems: 1 }),
    from: Type.Array(Id, { minItems: 1, uniqueItems: true }),
    to: Type.Array(Id, { minItems: 1, uniqueItems: true }),
    via: Type.Optional(Id),
    lead_time: Duration,
    emergency_lead_time: Type.Optional(Duration),
    acknowledgement: Type.Object(
      {
        required: Type.Boolean(),
        within: Type.Optional(Duration),
        meaning: StringEnum(['received_only', 'approval'] as const),
      },
      strict,
    ),
    validity: Type.Optional(Duration),
    reconfirm_every: Type.Optional(Duration),
    required_fields: Type.Optional(Type.Array(Text)),
    disclosure: Type.Optional(StringEnum(['addressees_only', 'parties', 'public'] as const)),
    addressee_release: Type.Optional(
      Type.Array(
        Type.Object(
          {
            to: Type.Array(Id, { minItems: 1, uniqueItems: true }),
            location: StringEnum(['exact', 'area'] as const),
            area_radius_m: Type.Optional(Type.Number({ minimum: 50, maximum: 50_000 })),
          },
          strict,
        ),
        {
          description:
            'What location these addressees receive: the exact point or route, or an area that contains it (a circle of area_radius_m not centred on it). Addressees not listed receive it exactly.',
        },
      ),
    ),
    strike_severity: Type.Optional(
      StringEnum(Severities, {
        description:
          'The severity of an incident that touches a notified, delivered notice of this obligation.',
      }),
    ),
    provision: Type.Optional(Id),
  },
  strict,
);
export type NotificationObligation = Static<typeof NotificationObligationSchema>;

export const ReportGroups = [
  'ceasefire_violation',
  'weapons_in_zone',
  'force_movement',
  'mines',
  'airspace',
  'obstruction',
  'humanitarian',
  'civilian_harm',
  'strategic',
  'other',
] as const;

export const ReportCategorySchema = Type.Object(
  {
    id: Id,
    name: Text,
    group: StringEnum(ReportGroups),
    parent: Type.Optional(Id),
    description: Type.Optional(Text),
    severity: Type.Optional(StringEnum(Severities)),
    acled: Type.Optional(
      Type.Array(
        Type.Object(
          {
            event_type: StringEnum(ACLED_EVENT_TYPE_NAMES),
            sub_event_type: Type.Optional(StringEnum(ACLED_SUB_EVENT_TYPES)),
          },
          strict,
        ),
      ),
    ),
    smm: Type.Optional(Type.Array(StringEnum(SMM_CATEGORIES))),
    provisions: Type.Optional(IdList),
  },
  strict,
);
/** One category of the agreement's report taxonomy. */
export type ReportCategory = Static<typeof ReportCategorySchema>;

export const RungActions = [
  'hotline_contact',
  'joint_commission_consultation',
  'investigation',
  'guarantor_consultation',
  'collective_determination',
  'collective_response',
] as const;

export const RungSchema = Type.Object(
  {
    id: Id,
    name: Text,
    trigger: Type.Object(
      {
        description: Text,
        categories: Type.Optional(IdList),
        min_severity: Type.Optional(StringEnum(Severities)),
        count: Type.Optional(Type.Integer({ minimum: 1 })),
        window: Type.Optional(Duration),
        expression: Type.Optional(Type.String({ description: 'CEL predicate over findings.' })),
      },
      strict,
    ),
    actors: Type.Array(Id, { minItems: 1, uniqueItems: true }),
    action: StringEnum(RungActions),
    deadline: Duration,
    decision_rule: StringEnum(DecisionRules),
    on_timeout: Type.Object(
      {
        action: StringEnum(['escalate', 'hold', 'close'] as const),
        to: Type.Optional(Id),
      },
      strict,
    ),
    record_failure_to_act: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type Rung = Static<typeof RungSchema>;

export const EscalationLadderSchema = Type.Object(
  {
    id: Id,
    name: Text,
    applies_to: Type.Optional(IdList),
    rungs: Type.Array(RungSchema, { minItems: 1 }),
  },
  strict,
);
/** The agreement's escalation ladder: rungs, triggers, deadlines. */
export type EscalationLadder = Static<typeof EscalationLadderSchema>;

export const ResponseCategories = [
  'diplomatic',
  'sanctions_snapback',
  'intelligence_support',
  'logistics_support',
  'weapons_delivery',
  'air_power',
  'military_response',
  'force_reinforcement',
  'economic',
] as const;

const ConditionSchema = Type.Object(
  {
    id: Id,
    description: Text,
    categories: Type.Optional(IdList),
    attributed_to: Type.Optional(Id),
    requires_finding_by: Type.Optional(Id),
  },
  strict,
);

export const RatificationStatuses = [
  'not_required',
  'pending_signature',
  'pending_legislative_vote',
  'ratified',
  'rejected',
] as const;

export const GuaranteeSchema = Type.Object(
  {
    id: Id,
    name: Text,
    guarantors: Type.Array(Id, { minItems: 1, uniqueItems: true }),
    beneficiary: Id,
    legal_form: StringEnum(['political', 'legally_binding', 'treaty', 'pending'] as const),
    obligation_strength: Type.Optional(Text),
    ratification: Type.Object(
      {
        status: StringEnum(RatificationStatuses),
        steps: Type.Optional(
          Type.Array(
            Type.Object(
              {
                id: Id,
                actor: Id,
                body: Text,
                kind: StringEnum([
                  'signature',
                  'legislative_vote',
                  'ratification',
                  'executive_approval',
                ] as const),
                status: StringEnum(['pending', 'scheduled', 'done', 'failed'] as const),
                due: Type.Optional(When),
                completed_on: Type.Optional(DateOnly),
              },
              strict,
            ),
          ),
        ),
      },
      strict,
    ),
    activation: Type.Array(ConditionSchema, { minItems: 1 }),
    void: Type.Optional(Type.Array(ConditionSchema)),
    responses: Type.Array(
      Type.Object(
        {
          id: Id,
          category: StringEnum(ResponseCategories),
          owner: Id,
          automatic: Type.Boolean(),
          lead_time: Type.Optional(Duration),
          rung: Type.Optional(Id),
          description: Type.Optional(Text),
        },
        strict,
      ),
      { minItems: 1 },
    ),
    reporting_to: Type.Optional(Text),
    duration: Type.Optional(Text),
    provision: Type.Optional(Id),
  },
  strict,
);
/** The guarantee: legal form, ratification, activation and void conditions, response menu. */
export type Guarantee = Static<typeof GuaranteeSchema>;

export const Positions = ['agreed', 'disputed', 'open'] as const;
export type Position = (typeof Positions)[number];

export const ProvisionSchema = Type.Object(
  {
    id: Id,
    title: Text,
    text: Text,
    topic: Type.Optional(Text),
    positions: PerParty(StringEnum(Positions), "Each party's position: agreed, disputed or open."),
    position_notes: Type.Optional(PerParty(Text, 'What each party says about the provision.')),
    retired: Type.Optional(Type.Boolean({ description: 'Retired ids are kept and never reused.' })),
  },
  strict,
);
/** One provision of the agreement with each party's negotiation position. */
export type Provision = Static<typeof ProvisionSchema>;

export const NegotiationSchema = Type.Object(
  {
    as_of: Type.Optional(DateOnly),
    deadlines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Id,
            text: Text,
            due: When,
            provisions: Type.Optional(IdList),
            guarantee: Type.Optional(Id),
          },
          strict,
        ),
      ),
    ),
    notes: Type.Optional(Text),
  },
  strict,
);
export type Negotiation = Static<typeof NegotiationSchema>;
