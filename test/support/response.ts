import crypto from 'node:crypto';
import type { Severity } from '../../src/agreement/agreement.schema.rules.js';
import type { Finding, Incident } from '../../src/verification/incident.model.js';
import { insertIncidents } from '../../src/verification/incident.repository.js';
import { insertFinding } from '../../src/verification/finding.repository.js';
import { findingRecord, incidentRecord } from '../../src/verification/verification.context.js';
import type { TestApp } from './app.js';

/** What a breach in the response tests varies. */
export interface BreachSpec {
  category?: string;
  severity?: Severity;
  party?: string;
  sector?: string;
  /** Hours before the test clock's now that the violation was observed (default 1). */
  observedHoursAgo?: number;
}

/**
 * Records an adopted, verified finding on a verified incident as the verification body would leave
 * it (rows and log entries, decided at the test clock's now), then lets the ladder act on it, as the
 * FindingService hook does after a decision. The verification flow itself is tested in its domain.
 */
export async function recordBreach(t: TestApp, spec: BreachSpec = {}): Promise<Finding> {
  const db = t.services.database.db;
  const versionId = (await t.services.agreements.versionIds()).at(-1) ?? '';
  const now = t.clock.now();
  const observed = new Date(now.getTime() - (spec.observedHoursAgo ?? 1) * 3_600_000).toISOString();
  const category = spec.category ?? 'cfv-small-arms';
  const severity = spec.severity ?? 'minor';
  const incident: Incident = {
    id: crypto.randomUUID(),
    agreementVersionId: versionId,
    category,
    status: 'verified',
    severity,
    provisions: ['P-02'],
    zones: [],
    ...(spec.sector !== undefined ? { sector: spec.sector } : { sector: 'sector-east' }),
    lon: 38.0,
    lat: 48.3,
    radiusM: 500,
    observedFrom: observed,
    observedTo: observed,
    reportIds: [],
    corroboration: { level: 'corroborated', independentGroups: 2, reports: 2, reasons: ['test'] },
    ...(spec.party !== undefined
      ? {
          attribution: {
            party: spec.party,
            confidence: 'confirmed' as const,
            method: 'test',
            evidence: [],
            by: 'test',
            at: now.toISOString(),
          },
        }
      : {}),
    concludedBy: ['a', 'b'],
    openedAt: now.toISOString(),
    dueAt: now.toISOString(),
    updatedAt: now.toISOString(),
    marking: 'AMBER',
    ownerOrganisationId: 'JMVC',
    addressees: ['EUC', 'RU', 'UA', 'US'],
  };
  const { sector, attribution: _a, ...rest } = incident;
  const finding: Finding = {
    id: crypto.randomUUID(),
    incidentId: incident.id,
    agreementVersionId: versionId,
    bodyId: 'MVC',
    state: 'adopted',
    outcome: 'verified',
    category,
    severity,
    ...(spec.party !== undefined
      ? { attribution: { party: spec.party, confidence: 'confirmed', method: 'test' } }
      : {}),
    zones: rest.zones,
    ...(sector !== undefined ? { sector } : {}),
    provisions: rest.provisions,
    observedFrom: observed,
    observedTo: observed,
    lon: rest.lon,
    lat: rest.lat,
    summary: `${severity} ${category}`,
    decisionRule: 'consensus',
    tally: { for: 3, against: 0, abstain: 0, seatsVoting: 3, quorum: 3 },
    proposedAt: now.toISOString(),
    decidedAt: now.toISOString(),
    public: false,
    marking: 'AMBER',
    ownerOrganisationId: 'JMVC',
    addressees: ['EUC', 'RU', 'UA', 'US'],
  };
  await db.transaction().execute(async (tx) => {
    await insertIncidents(tx, [incident]);
    await insertFinding(tx, finding);
    await t.services.ledger.appender.record(tx, {
      kind: 'incident.opened',
      recordKind: 'incident',
      recordId: incident.id,
      marking: incident.marking,
      record: incidentRecord(incident),
    });
    await t.services.ledger.appender.record(tx, {
      kind: 'finding.decided',
      recordKind: 'finding',
      recordId: finding.id,
      marking: finding.marking,
      record: findingRecord(finding),
    });
  });
  await t.services.response.cases.evaluate();
  return finding;
}
