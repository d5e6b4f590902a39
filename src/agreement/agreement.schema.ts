import type { Static, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { ActorSchema, TransparencyLogSchema, VerificationBodySchema } from './agreement.schema.actors.js';
import { DateOnly, Id, StringEnum, Text, When, strict } from './agreement.schema.common.js';
import { VerificationSettingsSchema } from './agreement.schema.verification.js';
import { DeconflictionSettingsSchema } from './agreement.schema.deconfliction.js';
import {
  EscalationLadderSchema,
  GuaranteeSchema,
  NegotiationSchema,
  NotificationObligationSchema,
  ObligationSchema,
  ProvisionSchema,
  ReportCategorySchema,
} from './agreement.schema.rules.js';
import {
  EquipmentCategorySchema,
  ReferenceGeometrySchema,
  RestrictionSchema,
  ZoneSchema,
} from './agreement.schema.space.js';

export type * from './agreement.schema.actors.js';
export type * from './agreement.schema.rules.js';
export type * from './agreement.schema.space.js';

/** The format identifier every agreement file starts with. */
export const AGREEMENT_FORMAT = 'truceline/agreement@1';

export const AgreementStatuses = ['draft', 'signed', 'in_force', 'suspended', 'terminated'] as const;
export type AgreementStatus = (typeof AgreementStatuses)[number];

export const AnchorSchema = Type.Object(
  {
    id: Id,
    name: Text,
    at: Type.Optional(When),
    description: Type.Optional(Text),
  },
  { ...strict, description: 'A named event that relative times count from, e.g. D = ceasefire start.' },
);
export type Anchor = Static<typeof AnchorSchema>;

/**
 * An agreement's security framework as data. Field names are snake_case as in the file. The same
 * schema is the TypeScript type (`Agreement`) and the published JSON Schema (`agreementJsonSchema`).
 */
export const AgreementSchema = Type.Object(
  {
    format: Type.Literal(AGREEMENT_FORMAT),
    id: Id,
    title: Text,
    version: Type.Integer({ minimum: 1 }),
    status: StringEnum(AgreementStatuses),
    illustrative: Type.Optional(Type.Boolean({ description: 'True for examples that are not a real text.' })),
    notice: Type.Optional(Text),
    languages: Type.Optional(Type.Array(Text)),
    source_url: Type.Optional(Text),
    text_sha256: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{64}$', errorMessage: 'must be 64 lowercase hex digits' }),
    ),
    time_zone: Type.String({ description: 'IANA time zone of the agreement, e.g. Europe/Kyiv.' }),
    region: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Text),
          bbox: Type.Array(Type.Number(), {
            minItems: 4,
            maxItems: 4,
            description: '[minLon, minLat, maxLon, maxLat]; positions outside it are reported.',
          }),
        },
        strict,
      ),
    ),
    signed_on: Type.Optional(DateOnly),
    entry_into_force: When,
    anchors: Type.Array(AnchorSchema),
    parties: Type.Array(ActorSchema, { minItems: 2 }),
    guarantors: Type.Optional(Type.Array(ActorSchema)),
    verification_bodies: Type.Array(VerificationBodySchema),
    humanitarian_organisations: Type.Optional(Type.Array(ActorSchema)),
    other_actors: Type.Optional(
      Type.Array(ActorSchema, {
        description: 'Facilitators, neutral nations, conduits and other named actors.',
      }),
    ),
    reference_geometries: Type.Array(ReferenceGeometrySchema),
    zones: Type.Array(ZoneSchema),
    equipment_categories: Type.Optional(Type.Array(EquipmentCategorySchema)),
    restrictions: Type.Array(RestrictionSchema),
    obligations: Type.Optional(Type.Array(ObligationSchema)),
    notification_obligations: Type.Optional(Type.Array(NotificationObligationSchema)),
    report_taxonomy: Type.Array(ReportCategorySchema, { minItems: 1 }),
    escalation_ladders: Type.Optional(Type.Array(EscalationLadderSchema)),
    guarantees: Type.Optional(Type.Array(GuaranteeSchema)),
    provisions: Type.Array(ProvisionSchema, { minItems: 1 }),
    negotiation: Type.Optional(NegotiationSchema),
    verification: Type.Optional(VerificationSettingsSchema),
    deconfliction: Type.Optional(DeconflictionSettingsSchema),
    transparency_log: Type.Optional(TransparencyLogSchema),
  },
  { ...strict, $id: 'https://truceline.org/schemas/agreement-1.json', title: 'Truceline agreement' },
);

/** A validated agreement file. */
export type Agreement = Static<typeof AgreementSchema>;

/** The agreement format as a plain JSON Schema (draft 2020-12) document. */
export function agreementJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(AgreementSchema)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...stripInternal(plain) };
}

/**
 * Drops our error-message hints from a schema copy and writes unions of string constants as
 * `enum`, the form editors and generators handle best.
 */
function stripInternal(node: Record<string, unknown>): Record<string, unknown> {
  const variants = node.anyOf;
  if (
    Array.isArray(variants) &&
    variants.length > 0 &&
    variants.every((v) => isRecord(v) && typeof v.const === 'string')
  ) {
    const { anyOf: _variants, ...rest } = node;
    return { ...rest, type: 'string', enum: variants.map((v) => (v as { const: string }).const) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'errorMessage') continue;
    out[key] = Array.isArray(value)
      ? value.map((v: unknown) => (isRecord(v) ? stripInternal(v) : v))
      : isRecord(value)
        ? stripInternal(value)
        : value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The top-level sections that hold lists of items with ids. */
export const LIST_SECTIONS = [
  'anchors',
  'parties',
  'guarantors',
  'verification_bodies',
  'humanitarian_organisations',
  'other_actors',
  'reference_geometries',
  'zones',
  'equipment_categories',
  'restrictions',
  'obligations',
  'notification_obligations',
  'report_taxonomy',
  'escalation_ladders',
  'guarantees',
  'provisions',
] as const;
export type ListSection = (typeof LIST_SECTIONS)[number];

/** Schema of one item of a list section (for per-item checks). */
export function itemSchema(section: ListSection): TSchema {
  const prop = AgreementSchema.properties[section];
  const items = (prop as { items?: TSchema }).items;
  if (items === undefined) throw new Error(`section ${section} is not a list`);
  return items;
}
