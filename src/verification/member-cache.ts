import type { MemberReport } from './incident.repository.js';

/** Member reports kept at most, over all incidents (about 1 KB each in memory). */
const DEFAULT_MAX_REPORTS = 20_000;

/**
 * The member reports of the incidents a correlator grew lately, each incident's in the order a full
 * read gives them (by report id), kept between its transactions so that a report joining an incident
 * does not read every member back (issue #19). The least recently grown incidents are dropped first
 * past `maxReports`; an incident larger than that is not kept. The correlator clears it whenever its
 * index is reloaded or a transaction fails: it is only as current as the index.
 */
export class MemberCache {
  readonly #byIncident = new Map<string, readonly MemberReport[]>();
  #reports = 0;

  constructor(readonly maxReports = DEFAULT_MAX_REPORTS) {}

  /** The incident's members as last kept, if kept. */
  get(incidentId: string): readonly MemberReport[] | undefined {
    return this.#byIncident.get(incidentId);
  }

  /** Keeps an incident's members (replacing what was kept), as the most recently grown. */
  set(incidentId: string, members: readonly MemberReport[]): void {
    this.delete(incidentId);
    if (members.length > this.maxReports) return;
    this.#byIncident.set(incidentId, members);
    this.#reports += members.length;
    // Maps iterate in insertion order: the first incidents are the least recently grown.
    for (const [id, kept] of this.#byIncident) {
      if (this.#reports <= this.maxReports) break;
      this.#byIncident.delete(id);
      this.#reports -= kept.length;
    }
  }

  delete(incidentId: string): void {
    const kept = this.#byIncident.get(incidentId);
    if (kept === undefined) return;
    this.#byIncident.delete(incidentId);
    this.#reports -= kept.length;
  }

  clear(): void {
    this.#byIncident.clear();
    this.#reports = 0;
  }

  /** Member reports kept, over all incidents. */
  get size(): number {
    return this.#reports;
  }
}
