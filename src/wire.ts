/**
 * The wire types: what the API sends and accepts, as the domains define it. This is the only door
 * from the dashboard (`web/src`) into `src/`; the dashboard imports nothing else from here.
 *
 * It must not pull server, repository or service code into the browser bundle. Types may come from
 * anywhere (`export type` is erased at compile time, so a type from a repository file brings none of
 * its code); runtime values only from pure modules with no Node-only imports reachable from them
 * (today `access/marking`, `monitoring/grading` and `monitoring/report.model`, whose own imports are
 * type-only). A change to a shape here fails the web typecheck rather than the browser.
 */
import type { Static } from '@sinclair/typebox';
import type { MeSchema } from './access/access.schemas.js';
import type { AgreementVersionSchema } from './agreement/agreement.schemas.js';

// Access: who is signed in, what they may do.
export type { Permission } from './access/policy.js';
/** `GET /api/v1/me`: the signed-in user, their organisation and permissions. */
export type Me = Static<typeof MeSchema>;

// Markings (TLP): the list the form offers is the server's own.
export { MARKINGS } from './access/marking.js';
export type { Marking } from './access/marking.js';

// The agreement document and its versions.
export type {
  Agreement,
  Provision,
  Guarantee,
  EscalationLadder,
  ReportCategory,
  Actor,
} from './agreement/agreement.schema.js';
/** One version of the agreement as `GET /api/v1/agreement` describes it. */
export type AgreementVersion = Static<typeof AgreementVersionSchema>;
export type { NegotiationStatus } from './agreement/negotiation.js';

// Reports: the grading scales, precisions and reporter kinds the form offers, and the shapes.
export { RELIABILITIES, CREDIBILITIES } from './monitoring/grading.js';
export type { Reliability, Credibility } from './monitoring/grading.js';
export { TIME_PRECISIONS, GEO_PRECISIONS, REPORTER_KINDS } from './monitoring/report.model.js';
export type { ReporterKind, TimePrecision } from './monitoring/report.model.js';
/** A report as the API returns it to the signed-in user (`reportFor`: redacted where they may not see). */
export type { ReportView as Report } from './monitoring/report.view.js';
export type { ReportInput } from './monitoring/report.schemas.js';
// Evidence and custody are declared beside their SQL; type-only, so no repository code is bundled.
export type { Evidence, CustodyEvent } from './monitoring/evidence.repository.js';
