import { Type } from '@sinclair/typebox';
import { MARKINGS } from '../access/marking.js';
import { StringEnum } from '../http/schema.js';

/** A loaded agreement version as the API answers it (wire type of the dashboard too). */
export const AgreementVersionSchema = Type.Object(
  {
    id: Type.String({ description: '<agreement id>@<version>' }),
    agreementId: Type.String(),
    version: Type.Integer(),
    title: Type.String(),
    status: Type.String(),
    entryIntoForce: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'null while entry into force depends on an anchor without a date',
    }),
    contentSha256: Type.String({ description: 'SHA-256 of the canonical JSON document, as logged' }),
    sourceName: Type.String(),
    marking: StringEnum(MARKINGS),
    ownerOrganisationId: Type.String(),
    loadedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'AgreementVersion' },
);

export const AgreementDocumentSchema = Type.Object({
  version: AgreementVersionSchema,
  agreement: Type.Unknown({ description: 'The agreement document (docs/agreement-format.md)' }),
});

export const VersionQuery = Type.Object(
  {
    version: Type.Optional(
      Type.String({ description: 'A version id such as illustrative-framework@1; default the newest' }),
    ),
  },
  { additionalProperties: false },
);

export const LoadQuery = Type.Object(
  {
    fileName: Type.String({
      default: 'agreement.yaml',
      maxLength: 200,
      description: 'Name used in problem locations',
    }),
    marking: Type.Optional(StringEnum(MARKINGS, 'TLP marking of the loaded version (default GREEN)')),
  },
  { additionalProperties: false },
);

export const ProblemListSchema = Type.Object({
  valid: Type.Boolean(),
  problems: Type.Array(
    Type.Object({
      file: Type.String(),
      line: Type.Integer(),
      path: Type.String(),
      reason: Type.String(),
      code: Type.String(),
    }),
  ),
});

export const DiffQuery = Type.Object(
  { from: Type.String(), to: Type.String() },
  { additionalProperties: false },
);
