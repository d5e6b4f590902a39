import type { Principal } from '../access/policy.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import { outsideRequestEntries } from '../ledger/request-entries.js';
import { Correlator, type CorrelationResult } from './correlator.service.js';
import { FindingService } from './finding.service.js';
import { IncidentService } from './incident.service.js';
import { listVisibleIncidents } from './incident.repository.js';
import { listVisibleFindings } from './finding.repository.js';
import { asReadBy } from './redaction.js';
import { quietDays, type QuietDays, type ViolationMark } from './quiet-days.js';
import { VerificationContext, type VerificationDeps } from './verification.context.js';

/** The verification domain's services, as the server and the CLI hold them. */
export interface VerificationServices {
  correlator: Correlator;
  /**
   * Correlates (and announces) the reports stored but not yet in an incident: live submissions
   * answer before their correlation runs, so a process that stopped meanwhile leaves some. The server
   * runs it at start and periodically (`Correlator.catchUp`).
   */
  catchUpCorrelation(): Promise<CorrelationResult>;
  incidents: IncidentService;
  findings: FindingService;
  /** Quiet days per zone and sector under a version the principal may read (default: the newest). */
  quietDays(principal: Principal, options?: { asOf?: Date; versionId?: string }): Promise<QuietDays>;
}

/** What wiring verification needs beyond the shared deps: reading agreements as a principal may. */
export interface VerificationWiring extends VerificationDeps {
  agreements: VerificationDeps['agreements'] & {
    get(
      principal: Principal,
      id?: string,
    ): Promise<{
      info: { id: string; entryIntoForce: string | null; loadedAt: string };
      agreement: Agreement;
    }>;
  };
  /** The report intake to follow: new reports are correlated after each intake commits. */
  reports?: { onStored(listener: (event: { reportIds: string[]; bulk: boolean }) => Promise<void>): void };
}

/**
 * Wires the verification domain: correlation of reports into incidents, their review, findings and
 * quiet days. When `reports` is given, every committed intake is correlated: incrementally for the
 * reports it names, in bulk after a bulk import.
 */
export function createVerificationServices(deps: VerificationWiring): VerificationServices {
  const ctx = new VerificationContext(deps);
  const correlator = new Correlator(ctx);
  /** Runs a correlation outside any request's entries and announces what it changed. */
  const correlateAndAnnounce = async (run: () => Promise<CorrelationResult>): Promise<CorrelationResult> => {
    // The grouping is the system's follow-on work: its entries are not the submitter's to receipt.
    const result = await outsideRequestEntries(run);
    // One announcement per incident, in its final state (several reports may join one incident).
    const latest = new Map<string, NonNullable<typeof result.changed>[number]>();
    for (const change of result.changed ?? []) {
      const opened = latest.get(change.incident.id)?.kind === 'incident.opened';
      latest.set(change.incident.id, { ...change, kind: opened ? 'incident.opened' : change.kind });
    }
    await ctx.announce([...latest.values()]);
    return result;
  };
  deps.reports?.onStored(async (event) => {
    await correlateAndAnnounce(() =>
      event.bulk ? correlator.correlateAll() : correlator.correlate(event.reportIds),
    );
  });
  return {
    correlator,
    catchUpCorrelation: () => correlateAndAnnounce(() => correlator.catchUp()),
    incidents: new IncidentService(ctx),
    findings: new FindingService(ctx),
    async quietDays(principal, options = {}) {
      const { info, agreement } = await deps.agreements.get(principal, options.versionId);
      const rules = await ctx.rules(info.id);
      const asOf = options.asOf ?? deps.now();
      const inForce = info.entryIntoForce !== null ? new Date(info.entryIntoForce) : undefined;
      const since = inForce ?? new Date(0);
      let marks: ViolationMark[];
      let basis: QuietDays['basis'];
      if (principal.permissions.has('incidents:read')) {
        basis = 'incidents';
        const { incidents } = await listVisibleIncidents(deps.db, principal, {
          status: ['verified'],
          limit: 1_000_000,
          from: since.toISOString(),
        });
        // A violation judged by a version the reader may not read counts for the whole area only.
        const readable = await ctx.readableVersions(principal);
        marks = incidents.map((i) => asReadBy(i, readable.has(i.agreementVersionId)));
      } else {
        basis = 'findings';
        const { findings } = await listVisibleFindings(deps.db, principal, {
          state: 'adopted',
          limit: 1_000_000,
        });
        marks = (await ctx.findingsAsReadBy(principal, findings)).filter((f) => f.outcome === 'verified');
      }
      // Without an entry into force, counting starts when the version was loaded, or at the first
      // verified violation if that is earlier (never at 1970: "20,792 quiet days" helps nobody).
      const start =
        inForce ??
        new Date(Math.min(Date.parse(info.loadedAt), ...marks.map((m) => Date.parse(m.observedFrom))));
      return quietDays(agreement, rules.sectors, marks, asOf, start, basis);
    },
  };
}
