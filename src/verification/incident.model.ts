import type { Marking } from '../access/marking.js';
import type { Severity } from '../agreement/agreement.schema.rules.js';

/**
 * The verification domain's objects as services see them. Storage shapes stop at the repositories;
 * API shapes are in verification.schemas.ts. docs/verification.md explains the rules.
 */

/** Where an incident stands. `duplicate` points at the incident it repeats. */
export const INCIDENT_STATUSES = [
  'reported',
  'under_review',
  'verified',
  'inconclusive',
  'not_verified',
  'refuted',
  'duplicate',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** The conclusions of a review: the four-eyes rules apply to these. */
export const CONCLUSIONS = ['verified', 'inconclusive', 'not_verified', 'refuted'] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];

/** Statuses in which reports may still join, leave, split off or merge. */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['reported', 'under_review'];

/** The allowed transitions: from each status, the statuses an analyst may move an incident to. */
export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  reported: ['under_review', 'duplicate'],
  under_review: ['verified', 'inconclusive', 'not_verified', 'refuted', 'duplicate'],
  verified: ['under_review'],
  inconclusive: ['under_review'],
  not_verified: ['under_review'],
  refuted: ['under_review'],
  duplicate: ['under_review'],
};

/** Whether a string names an incident status. */
export function isIncidentStatus(value: string): value is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(value);
}

/** Whether a status is a conclusion of a review. */
export function isConclusion(status: IncidentStatus): status is Conclusion {
  return (CONCLUSIONS as readonly string[]).includes(status);
}

/** How sure the attribution is (separate from corroboration: who did it, not whether it happened). */
export const ATTRIBUTION_CONFIDENCES = ['confirmed', 'probable', 'possible', 'unknown'] as const;
export type AttributionConfidence = (typeof ATTRIBUTION_CONFIDENCES)[number];

export interface Attribution {
  /** The party held responsible (an agreement party id); absent when unknown. */
  party?: string;
  confidence: AttributionConfidence;
  /** How it was attributed: crater analysis, direction of fire, imagery… */
  method: string;
  /** Report and evidence ids it rests on. */
  evidence: string[];
  by: string;
  at: string;
}

/** Corroboration levels, from the independent sources behind an incident. */
export const CORROBORATION_LEVELS = ['none', 'single_source', 'corroborated', 'well_corroborated'] as const;
export type CorroborationLevel = (typeof CORROBORATION_LEVELS)[number];

export interface Corroboration {
  level: CorroborationLevel;
  /** Independence groups behind the incident (each counts once). */
  independentGroups: number;
  reports: number;
  /** Why: one line per reason, in the order they were weighed. */
  reasons: string[];
}

/** A second analyst's signature awaited on a conclusion (four-eyes rule). */
export interface PendingConclusion {
  status: Conclusion;
  by: string;
  organisationId: string;
  reason: string;
  at: string;
}

/** A candidate or verified incident: reports grouped as one event. */
export interface Incident {
  id: string;
  agreementVersionId: string;
  category: string;
  status: IncidentStatus;
  duplicateOf?: string;
  severity: Severity;
  provisions: string[];
  zones: string[];
  side?: string;
  sector?: string;
  /** The centre of its reports and the radius (metres) that covers them with their uncertainty. */
  lon: number;
  lat: number;
  radiusM: number;
  observedFrom: string;
  observedTo: string;
  reportIds: string[];
  corroboration: Corroboration;
  attribution?: Attribution;
  pending?: PendingConclusion;
  /** Analysts who concluded it (one, or two under the four-eyes rule). */
  concludedBy: string[];
  openedAt: string;
  dueAt: string;
  updatedAt: string;
  marking: Marking;
  ownerOrganisationId: string;
  /** Organisations the incident is addressed to (the body's voting members). */
  addressees: string[];
}

/** One recorded step of an incident's life. */
export interface Transition {
  id: string;
  incidentId: string;
  from: IncidentStatus;
  to: IncidentStatus;
  /** `proposed` when a conclusion awaits its second analyst; `confirmed` when the second signs. */
  step: 'applied' | 'proposed' | 'confirmed' | 'withdrawn';
  by: string;
  organisationId: string;
  reason: string;
  at: string;
  duplicateOf?: string;
}

/** Findings: the body's decision on an incident. */
export const FINDING_STATES = ['voting', 'adopted', 'rejected', 'no_quorum'] as const;
export type FindingState = (typeof FINDING_STATES)[number];

export const VOTES = ['for', 'against', 'abstain'] as const;
export type VoteChoice = (typeof VOTES)[number];

export interface Vote {
  id: string;
  findingId: string;
  userId: string;
  username: string;
  organisationId: string;
  choice: VoteChoice;
  /** A separate opinion: dissent is recorded beside the finding, never written into it. */
  opinion?: string;
  at: string;
}

/**
 * The stable shape the response ladder reads (docs/verification.md "Finding"): what the body decided
 * about one incident, under which rule, with what it found.
 */
export interface Finding {
  id: string;
  incidentId: string;
  agreementVersionId: string;
  bodyId: string;
  state: FindingState;
  /** The conclusion put to the vote. */
  outcome: Conclusion;
  category: string;
  severity: Severity;
  attribution?: { party?: string; confidence: AttributionConfidence; method: string };
  zones: string[];
  side?: string;
  sector?: string;
  provisions: string[];
  observedFrom: string;
  observedTo: string;
  lon: number;
  lat: number;
  summary: string;
  decisionRule: string;
  tally: { for: number; against: number; abstain: number; seatsVoting: number; quorum: number };
  /** The analyst who put it to the vote (user id); left out of what readers outside the body see. */
  proposedBy?: string;
  proposedAt: string;
  decidedAt?: string;
  /** Published to the parties (the body's reports_to) at; public when `public` too. */
  publishedAt?: string;
  public: boolean;
  marking: Marking;
  ownerOrganisationId: string;
  addressees: string[];
}
