/**
 * The wire types: what the API sends and accepts, as the domains define it. This is the only door
 * from the dashboard (`web/src`) into `src/`; the dashboard imports nothing else from here.
 *
 * It must not pull server, repository or service code into the browser bundle. Types may come from
 * anywhere (`export type` is erased at compile time, so a type from a repository file brings none of
 * its code); runtime values only from pure modules with no Node-only imports reachable from them
 * (today `access/marking`, `agreement/acting`, `monitoring/grading`, `monitoring/report.model` and
 * `verification/incident.model`, whose own imports are type-only). A change to a shape here fails the web typecheck rather than the browser.
 */
import type { Static } from '@sinclair/typebox';
import type { MeSchema } from './access/access.schemas.js';
import type { AgreementVersionSchema } from './agreement/agreement.schemas.js';
import type { RatificationSchema, SummarySchema } from './commitments/commitments.schemas.js';
import type {
  CaseDetailSchema,
  CaseListSchema,
  CaseSchema,
  DecisionBody,
  GuaranteeStatusSchema,
} from './response/response.schemas.js';
import type {
  AssessmentBody,
  AttributionBody,
  FindingDetailSchema,
  FindingSchema,
  IncidentDetailSchema,
  IncidentSchema,
  ProposeBody,
  QuietDaysSchema,
  TransitionBody,
  VoteBody,
} from './verification/verification.schemas.js';

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

// Breach response and commitments: cases on the ladder, decisions, the guarantees' status, pledges and
// ratification. Type-only: the route schemas' static types, no TypeBox code reaches the bundle.
/** A case as `GET /api/v1/cases` lists it (rung, deadline, actors, steps and evidence package). */
export type CaseView = Static<typeof CaseSchema>;
/** `GET /api/v1/cases/{id}` and the answer of a decision: the case, its decisions, inaction and options. */
export type CaseDetailView = Static<typeof CaseDetailSchema>;
export type CaseListView = Static<typeof CaseListSchema>;
export type DecisionInput = Static<typeof DecisionBody>;
/** `GET /api/v1/guarantees/status`: each guarantee's activation and void conditions and their findings. */
export type GuaranteeStatusView = Static<typeof GuaranteeStatusSchema>;
/** `GET /api/v1/commitments/summary`: pledged vs delivered per guarantor and category, and by month. */
export type CommitmentSummaryView = Static<typeof SummarySchema>;
/** `GET /api/v1/guarantees/{id}/ratification`: legal form, steps with history, negotiation status. */
export type RatificationView = Static<typeof RatificationSchema>;
/** Whether an organisation acts for an agreement actor (the server's own rule; a pure module). */
export { actsFor } from './agreement/acting.js';

// Reports: the grading scales, precisions and reporter kinds the form offers, and the shapes.
export { RELIABILITIES, CREDIBILITIES } from './monitoring/grading.js';
export type { Reliability, Credibility } from './monitoring/grading.js';
export { TIME_PRECISIONS, GEO_PRECISIONS, REPORTER_KINDS } from './monitoring/report.model.js';
export type { ReporterKind, TimePrecision } from './monitoring/report.model.js';
/** A report as the API returns it to the signed-in user (`reportFor`: redacted where they may not see). */
export type { ReportView as Report, MapReportView as MapReport } from './monitoring/report.view.js';
export type { ReportInput } from './monitoring/report.schemas.js';
// Evidence and custody are declared beside their SQL; type-only, so no repository code is bundled.
export type { Evidence, CustodyEvent } from './monitoring/evidence.repository.js';

// Verification: incidents, their transitions and findings. The lists of statuses, confidences and
// votes come from incident.model (a pure module whose own imports are type-only); the response
// shapes are the route schemas' static types (type-only: the schemas' TypeBox code is not bundled).
export {
  INCIDENT_STATUSES,
  CONCLUSIONS,
  ATTRIBUTION_CONFIDENCES,
  CORROBORATION_LEVELS,
  FINDING_STATES,
  VOTES,
  isIncidentStatus,
} from './verification/incident.model.js';
export type {
  IncidentStatus,
  Conclusion,
  AttributionConfidence,
  CorroborationLevel,
  Corroboration,
  Transition,
  Finding,
  FindingState,
  VoteChoice,
  Vote,
} from './verification/incident.model.js';
export type { Severity } from './agreement/agreement.schema.rules.js';
/** An incident or finding as a reader sees it: `redacted` when it may not read the judging version. */
export type { AsRead } from './verification/redaction.js';
/** An incident as `GET /api/v1/incidents` lists it (with `overdue` while it is open past its due date). */
export type IncidentView = Static<typeof IncidentSchema>;
/** `GET /api/v1/incidents/{id}` and the answer of every write on an incident. */
export type IncidentDetailView = Static<typeof IncidentDetailSchema>;
/**
 * A finding as the reader may see it (`proposedBy` left out for readers outside the body; `redacted`
 * for a reader who may not read the version that judged it).
 */
export type FindingView = Static<typeof FindingSchema>;
/** `GET /api/v1/findings/{id}`: the finding, every vote (body and commission only), separate opinions. */
export type FindingDetailView = Static<typeof FindingDetailSchema>;
/** `GET /api/v1/quiet-days`. */
export type QuietDays = Static<typeof QuietDaysSchema>;
export type TransitionInput = Static<typeof TransitionBody>;
export type AttributionInput = Static<typeof AttributionBody>;
export type AssessmentInput = Static<typeof AssessmentBody>;
export type ProposeInput = Static<typeof ProposeBody>;
export type VoteInput = Static<typeof VoteBody>;

// Deconfliction: notices, each addressee's copy, its history and the conflicts. The lists come from
// notice.model (a pure module whose own imports are type-only); the shapes are type-only.
export {
  NOTICE_KINDS,
  SITE_FUNCTIONS,
  NOTICE_STATES,
  DELIVERY_STATES,
  RESPONSES,
  STRUCTURAL_FIELDS,
  isAwaitingResponse,
} from './deconfliction/notice.model.js';
export type {
  NoticeKind,
  SiteFunction,
  NoticeState,
  DeliveryState,
  Response as NoticeResponse,
  TimeWindow,
  NoticeGeometry,
  NoticeDetails,
  Notice,
  NoticeView,
  Delivery,
  NoticeEvent,
} from './deconfliction/notice.model.js';
export type { NoticeInput } from './deconfliction/notice.input.js';
export type {
  StoredRequest as NoticeRequest,
  StoredConflict as NoticeConflict,
} from './deconfliction/notice.repository.js';
export type { NotificationObligation } from './agreement/agreement.schema.js';

// The overview (landing screen): figures shaped by the caller, restricted counts in bands.
export type { Overview } from './overview/overview.schemas.js';

// The daily report: its data, and the charts and map laid out as shapes (a pure module: the
// dashboard draws them as SVG, as the HTML edition does).
export type { DailyReport, CountRow, NotableIncident, ListedReport } from './daily/daily.model.js';
export { barChart, mapFigure } from './daily/daily.figures.js';
export type { ChartLabels, Figure, Shape } from './daily/daily.figures.js';
