import crypto from 'node:crypto';
import { agreementVersionLogRecord, agreementVersionLogRecords } from './agreement.bindings.js';
import type { Kysely } from 'kysely';
import type { Actor, AuditTrail } from '../access/audit.service.js';
import { canSee, type Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import type { Database, Executor } from '../db/database.js';
import { canonicalize } from '../ledger/canonical-json.js';
import { recordCommitment, type LedgerWriter } from '../ledger/ledger.service.js';
import type { CommitmentSalts } from '../ledger/commitment-salts.service.js';
import type { WitnessRegistry } from '../ledger/witness-registry.service.js';
import { parseVerifierKey } from '../ledger/note.js';
import { AppError, conflict, notFound } from '../core/errors.js';
import type { AgreementProblem } from './agreement.problems.js';
import {
  AGREEMENT_RECORD_KIND,
  findAgreementVersion,
  findLoggedCommitments,
  insertAgreementVersion,
  findNewestLiveVersionId,
  judgingVersionsState,
  listVersionIds,
  findVersionIdInForceAt,
  listVisibleVersions,
  readAgreementContent,
  type AgreementVersionInfo,
} from './agreement.repository.js';
import type { Agreement } from './agreement.schema.js';
import { instantOf, resolveAnchors } from './agreement.time.js';
import { parseAndValidate } from './agreement.validate.js';
import { deriveAgreement, type DerivedAgreement } from './agreement.derive.js';
import { diffAgreements, type AgreementDiff } from './agreement.diff.js';
import { negotiationStatus, type NegotiationStatus } from './negotiation.js';
import { zonesFeatureCollection, type FeatureCollection } from './agreement.geojson.js';
import type { ZoneIndex } from './zone-index.js';

export { AGREEMENT_RECORD_KIND };

/**
 * The markings of the versions that judge reports (and the other records judged by the version in
 * force): those every organisation may read. A version marked above GREEN — a party's confidential
 * draft — judges nothing (docs/monitoring.md, "Derived on intake").
 */
export const JUDGING_MARKINGS: readonly Marking[] = ['CLEAR', 'GREEN'];

/** A loaded agreement version: its metadata and the validated document. */
export interface LoadedAgreement {
  info: AgreementVersionInfo;
  agreement: Agreement;
}

/** A loaded version with its derived geometry and spatial index, for classification. */
export interface IndexedAgreement extends LoadedAgreement {
  derived: DerivedAgreement;
  index: ZoneIndex;
  /** True when no version was in force at the time asked and this is a version not yet in force. */
  provisional: boolean;
}

/** The problems of a rejected agreement file, as an API error with FILE:LINE locations. */
export function agreementProblemsError(problems: AgreementProblem[]): AppError {
  const n = problems.length;
  return new AppError(
    'validation_failed',
    `the agreement file has ${n} problem${n === 1 ? '' : 's'}; nothing was loaded`,
    problems.map((p) => ({ file: p.file, line: p.line, path: p.path, reason: p.reason })),
  );
}

/** The instant (ms, UTC) an agreement enters into force; undefined while it hangs on an undated anchor. */
export function entryIntoForceOf(agreement: Agreement): number | undefined {
  const anchors = resolveAnchors(agreement.anchors, agreement.time_zone);
  return instantOf(agreement.entry_into_force, { timeZone: agreement.time_zone, anchors });
}

/**
 * Loads, stores and serves agreement versions. Loading is atomic: a file with any problem changes
 * nothing; a loaded version is never replaced (a changed text needs a new version number).
 */
export class AgreementService {
  readonly #documents = new Map<string, Agreement>();
  readonly #derived = new Map<string, DerivedAgreement>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditTrail,
    private readonly ledger: LedgerWriter,
    private readonly witnesses: WitnessRegistry,
    private readonly commitments: CommitmentSalts,
    private readonly now: () => Date,
  ) {}

  /** Every problem in an agreement file, without storing anything. */
  validate(text: string, fileName: string): AgreementProblem[] {
    return parseAndValidate(text, fileName).problems;
  }

  /** Validates and stores a new version; the same version with the same content is a no-op. */
  async load(
    actor: Actor,
    input: { text: string; fileName: string; marking?: Marking },
  ): Promise<{ version: AgreementVersionInfo; created: boolean }> {
    const result = parseAndValidate(input.text, input.fileName);
    if (result.agreement === undefined) throw agreementProblemsError(result.problems);
    const agreement = result.agreement;
    const content = canonicalize(agreement);
    const sha = crypto.createHash('sha256').update(content).digest('hex');
    const id = `${agreement.id}@${agreement.version}`;
    const marking = input.marking ?? 'GREEN';
    const owner = actor.principal.organisationId ?? 'JMVC';
    return this.db.transaction().execute(async (tx) => {
      const existing = await findAgreementVersion(tx, id);
      if (existing) {
        if (existing.contentSha256 === sha) return { version: existing, created: false };
        throw conflict(
          `version ${agreement.version} of ${agreement.id} is already loaded with different content; give the new text a higher version`,
        );
      }
      const loadedAt = this.now().toISOString();
      const force = entryIntoForceOf(agreement);
      const entryIntoForce = force === undefined ? null : new Date(force).toISOString();
      await insertAgreementVersion(tx, {
        id,
        agreement_id: agreement.id,
        version: agreement.version,
        title: agreement.title,
        status: agreement.status,
        entry_into_force: entryIntoForce,
        content,
        content_sha256: sha,
        source_text: input.text,
        source_name: input.fileName,
        marking,
        owner_organisation_id: owner,
        author_user_id: actor.principal.userId,
        loaded_at: loadedAt,
      });
      const record = agreementVersionLogRecord({
        id,
        agreementId: agreement.id,
        version: agreement.version,
        title: agreement.title,
        status: agreement.status,
        entryIntoForce,
        contentSha256: sha,
        marking,
        loadedAt,
        sourceName: input.fileName,
        ownerOrganisationId: owner,
        sourceText: input.text,
      });
      // Anything above CLEAR (a GREEN text, an AMBER draft) leaves only a commitment in the public log.
      await this.ledger.record(tx, {
        kind: 'agreement.loaded',
        recordKind: AGREEMENT_RECORD_KIND,
        recordId: id,
        marking,
        record,
      });
      await this.#registerWitnesses(tx, agreement);
      await this.audit.record(tx, actor, 'agreement.load', `agreement:${id}`, 'allowed');
      const version = await findAgreementVersion(tx, id);
      if (!version) throw new Error(`agreement version ${id} vanished inside its own transaction`);
      return { version, created: true };
    });
  }

  /**
   * The witnesses an agreement names become the log's witnesses (by their key's name); a URL set by
   * the operator (`truceline log witness add … --url`) is kept.
   */
  async #registerWitnesses(tx: Executor, agreement: Agreement): Promise<void> {
    const named = agreement.transparency_log?.witnesses ?? [];
    if (named.length === 0) return;
    const known = new Map((await this.witnesses.list(tx)).map((w) => [w.name, w]));
    for (const w of named) {
      const name = parseVerifierKey(w.vkey).name;
      await this.witnesses.upsert(tx, { name, vkey: w.vkey, url: known.get(name)?.url ?? null });
    }
  }

  /**
   * For a version logged as a commitment (a confidential draft): the salt and the exact record, so a
   * party entitled to see the version can recompute SHA-256(salt ‖ canonical JSON) and find it in the log.
   */
  async commitment(
    principal: Principal,
    id: string,
  ): Promise<{ queueSeq: number; salt: string; record: Record<string, unknown>; commitment: string }[]> {
    const { info } = await this.get(principal, id);
    const salts = await this.commitments.saltsOf(AGREEMENT_RECORD_KIND, id);
    const logged = await findLoggedCommitments(
      this.db,
      salts.map((s) => s.queueSeq),
    );
    // An entry logged by an older release committed to a record without some fields (see the builder).
    const stored = await readAgreementContent(this.db, id);
    if (stored === undefined) throw notFound(`agreement version ${id}`);
    const records = agreementVersionLogRecords({ ...info, sourceText: stored.sourceText });
    return salts.map((s) => {
      const record =
        records.find((r) => recordCommitment(s.salt, r) === logged.get(s.queueSeq)) ?? records[0];
      return {
        queueSeq: s.queueSeq,
        salt: s.salt.toString('base64'),
        record,
        commitment: recordCommitment(s.salt, record),
      };
    });
  }

  /** Versions the principal may see, newest first. */
  listVersions(principal: Principal): Promise<AgreementVersionInfo[]> {
    return listVisibleVersions(this.db, principal);
  }

  /** A version the principal may see: by id, or the newest loaded. 404 when none is visible. */
  async get(principal: Principal, id?: string): Promise<LoadedAgreement> {
    let info: AgreementVersionInfo | undefined;
    if (id === undefined) {
      info = (await listVisibleVersions(this.db, principal))[0];
      if (!info) throw notFound('a loaded agreement');
    } else {
      info = await findAgreementVersion(this.db, id);
      if (!info || !canSee(principal, this.#visibility(info))) throw notFound(`agreement version ${id}`);
    }
    return { info, agreement: await this.#document(info.id) };
  }

  /**
   * The version to judge a record made at `at` under: the highest version of the most recently loaded
   * agreement in force then. When none was in force (an agreement still awaiting its D-day, say), the
   * newest version not yet in force, marked `provisional` so results say so. Only a version every
   * organisation may read ({@link JUDGING_MARKINGS}) judges: whether a report is accepted may not tell
   * its submitter what a version it may not read (a party's confidential draft) says, nor may its
   * classification be that version's. Undefined when no such version applies: records are judged by
   * none, as before any agreement is loaded.
   */
  async versionInForceAt(at: Date): Promise<IndexedAgreement | undefined> {
    const inForce = await findVersionIdInForceAt(this.db, at.toISOString(), JUDGING_MARKINGS);
    // Nothing in force at `at`: the newest live version applies provisionally, whatever date it names —
    // a draft whose planned entry into force has passed unsigned is still the text reports are judged by.
    const chosen = inForce ?? (await findNewestLiveVersionId(this.db, JUDGING_MARKINGS));
    if (chosen === undefined) return undefined;
    const info = await findAgreementVersion(this.db, chosen);
    if (!info) return undefined;
    const agreement = await this.#document(info.id);
    const derived = this.#derive(info.id, agreement);
    return { info, agreement, derived, index: derived.index, provisional: inForce === undefined };
  }

  /** Changes whenever an answer of {@link versionInForceAt} may (the timeline of intake re-reads then). */
  judgingState(): Promise<string> {
    return judgingVersionsState(this.db, JUDGING_MARKINGS);
  }

  /**
   * Every stored version's id, for the system's own use (not filtered by who reads), or only those
   * marked one of `markings` (say {@link JUDGING_MARKINGS}: the versions every organisation may read).
   */
  versionIds(markings?: readonly Marking[]): Promise<string[]> {
    return listVersionIds(this.db, markings);
  }

  /**
   * A stored version and its document, for the system's own use (verification reads its rules):
   * not filtered by marking, so never hand it to a caller as it is. Undefined for an unknown id.
   */
  async versionById(id: string): Promise<{ info: AgreementVersionInfo; agreement: Agreement } | undefined> {
    const info = await findAgreementVersion(this.db, id);
    return info === undefined ? undefined : { info, agreement: await this.#document(id) };
  }

  /** Lines and zones (derived bands included) of a version as a GeoJSON FeatureCollection. */
  async zones(principal: Principal, id?: string): Promise<FeatureCollection> {
    const loaded = await this.get(principal, id);
    return zonesFeatureCollection(this.#derive(loaded.info.id, loaded.agreement), loaded.info.id);
  }

  /** Where the negotiation stands for a version, as of now. */
  async negotiation(
    principal: Principal,
    id?: string,
  ): Promise<{ version: AgreementVersionInfo; status: NegotiationStatus }> {
    const loaded = await this.get(principal, id);
    return { version: loaded.info, status: negotiationStatus(loaded.agreement, this.now()) };
  }

  /** What changed between two versions the principal may see. */
  async diff(principal: Principal, fromId: string, toId: string): Promise<AgreementDiff> {
    const [from, to] = [await this.get(principal, fromId), await this.get(principal, toId)];
    return diffAgreements(from.agreement, to.agreement);
  }

  #derive(id: string, agreement: Agreement): DerivedAgreement {
    let derived = this.#derived.get(id);
    if (!derived) {
      derived = deriveAgreement(agreement);
      this.#derived.set(id, derived);
    }
    return derived;
  }

  /** The stored source text of a version (for export and diffs with line numbers). */
  async sourceText(principal: Principal, id: string): Promise<string> {
    await this.get(principal, id);
    const row = await readAgreementContent(this.db, id);
    if (!row) throw notFound(`agreement version ${id}`);
    return row.sourceText;
  }

  #visibility(info: AgreementVersionInfo) {
    return {
      marking: info.marking,
      ownerOrganisationId: info.ownerOrganisationId,
      authorUserId: null,
      addresseeOrganisationIds: [],
      addresseeUserIds: [],
    };
  }

  async #document(id: string): Promise<Agreement> {
    const cached = this.#documents.get(id);
    if (cached) return cached;
    const row = await readAgreementContent(this.db, id);
    if (!row) throw notFound(`agreement version ${id}`);
    const agreement = JSON.parse(row.content) as Agreement;
    this.#documents.set(id, agreement);
    return agreement;
  }
}
