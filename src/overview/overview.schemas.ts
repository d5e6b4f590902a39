import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../http/schema.js';

const strict = { additionalProperties: false } as const;

/** `?days=30|90`: the window of the per-day figures. */
export const OverviewQuery = Type.Object(
  {
    days: Type.Integer({
      enum: [30, 90],
      default: 30,
      description: 'The window of the per-day figures: 30 or 90 days',
    }),
  },
  strict,
);

const CellSchema = Type.Object({
  visible: Type.Integer({ description: 'Records the reader may see in detail: exact' }),
  restricted: Type.Integer({
    description:
      'Records the reader may not see, as the lower bound of a band of minCell (0: fewer than minCell, possibly none)',
  }),
});
const MeanSchema = Type.Object({ visible: Type.Number(), restricted: Type.Number() });

const CountRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  today: CellSchema,
  yesterday: CellSchema,
  mean7: MeanSchema,
});

const IncidentItem = Type.Object({
  id: Type.String(),
  category: Type.String(),
  status: Type.String(),
  reports: Type.Integer(),
  openedAt: Type.String(),
  dueAt: Type.String(),
});

export const OverviewSchema = Type.Object({
  asOf: Type.String({ format: 'date-time' }),
  day: Type.String({ description: "Today, the local day in the agreement's time zone" }),
  timeZone: Type.String(),
  days: Type.Integer(),
  minCell: Type.Integer({ description: 'Restricted counts are published in bands this wide' }),
  agreementVersionId: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Object({
    total: CountRowSchema,
    categories: Type.Array(CountRowSchema),
    sectors: Type.Array(CountRowSchema),
  }),
  violationBasis: StringEnum(['incidents', 'findings'] as const),
  series: Type.Array(
    Type.Object({
      day: Type.String(),
      reports: CellSchema,
      flagged: CellSchema,
      violations: Type.Integer({
        description: 'Verified incidents, or adopted findings, the reader may see',
      }),
    }),
  ),
  openItems: Type.Object({
    unverified: Type.Union([
      Type.Object({ incidents: Type.Integer(), reports: Type.Integer(), items: Type.Array(IncidentItem) }),
      Type.Null(),
    ]),
    overdueVerifications: Type.Union([
      Type.Object({ incidents: Type.Integer(), items: Type.Array(IncidentItem) }),
      Type.Null(),
    ]),
    cases: Type.Object({
      total: Type.Integer(),
      items: Type.Array(
        Type.Object({
          id: Type.String(),
          ladderId: Type.String(),
          party: Type.Union([Type.String(), Type.Null()]),
          rungId: Type.String(),
          deadline: Type.Union([Type.String(), Type.Null()]),
          openedAt: Type.String(),
        }),
      ),
    }),
    overdueAcknowledgements: Type.Union([
      Type.Object({
        total: Type.Integer(),
        items: Type.Array(
          Type.Object({
            noticeId: Type.String(),
            addressee: Type.String(),
            dueAt: Type.String(),
            direction: StringEnum(['to-us', 'from-us'] as const),
          }),
        ),
      }),
      Type.Null(),
    ]),
  }),
  quietDays: Type.Union([
    Type.Object({
      basis: StringEnum(['incidents', 'findings'] as const),
      since: Type.String(),
      areas: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          kind: StringEnum(['zone', 'sector', 'whole'] as const),
          quietDays: Type.Integer({ description: 'Consecutive days without a violation, up to today' }),
          lastViolation: Type.Optional(Type.String()),
          quietInWindow: Type.Integer({ description: 'Days of the window without a violation in the area' }),
        }),
      ),
    }),
    Type.Null(),
  ]),
  log: Type.Object({
    size: Type.Integer(),
    checkpointAt: Type.Union([Type.String(), Type.Null()]),
    checkpointAgeSeconds: Type.Union([Type.Integer(), Type.Null()]),
    cosigners: Type.Integer({ description: 'Witness cosignatures on the latest checkpoint' }),
    witnesses: Type.Integer({ description: 'Witnesses the log asks to cosign' }),
  }),
});

/** `GET /api/v1/overview`. */
export type Overview = Static<typeof OverviewSchema>;
