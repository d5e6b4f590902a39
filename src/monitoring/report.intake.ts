import crypto from 'node:crypto';
import Ajv from 'ajv';
import type { Marking } from '../access/marking.js';
import type { FieldProblem } from '../core/errors.js';
import { BASE64, fieldProblems, textErrors } from '../http/validation.js';
import type { VersionContext } from './classify.js';
import type { AgreementTimeline } from './timeline.js';
import { evaluationInstant, normaliseObserved } from './observed.js';
import { normaliseLocation, type PositionPolicy } from './position.js';
import {
  addresseesOf,
  linksOf,
  type Classification,
  type Equipment,
  type ObservedTime,
  type Report,
  type ReportLocation,
} from './report.model.js';
import { ReportInputSchema, type EvidenceInput, type ReportInput } from './report.schemas.js';
import { CanonicalJsonError, canonicalize } from '../ledger/canonical-json.js';

/** One report to take in, with where it came from (for messages). */
export interface IntakeItem {
  input: unknown;
  /** JSON pointer prefix of the item, e.g. `/body/reports/3`, or `/row/12` for a file. */
  path: string;
  /** Line in the source file, when it came from one. */
  line?: number;
  /** Problems found before the input could be built (unparseable cells): the item is rejected with them. */
  problems?: FieldProblem[];
  /** The input was checked against ReportInputSchema at the edge (the API's route schema): not again here. */
  schemaChecked?: boolean;
}

/** Who submits, and under which defaults. */
export interface Submitter {
  organisationId: string;
  userId: string | null;
  defaultMarking: Marking;
  /** Namespace for external ids that come without a system (the organisation, or the import format). */
  externalSystem: string;
  knownOrganisations: ReadonlySet<string>;
  /**
   * The agreement versions the submitter may read: a problem with a report judged by any other
   * never suggests one of its ids (its taxonomy may be confidential).
   */
  readableVersions: ReadonlySet<string>;
}

/** A validated and classified report, before sources are resolved and grades capped in the write step. */
export interface PreparedReport {
  index: number;
  report: Omit<Report, 'grade' | 'source'>;
  sourceRequest?: NonNullable<ReportInput['source']>;
  claimed: { reliability?: string; credibility?: number };
  evidence: (EvidenceInput & { bytes?: Buffer })[];
}

export type PrepareOutcome = { ok: true; prepared: PreparedReport } | { ok: false; problems: FieldProblem[] };

const ajv = new Ajv.default({
  allErrors: true,
  removeAdditional: false,
  coerceTypes: false,
  useDefaults: false,
  strict: false,
});
ajv.addFormat('date-time', {
  type: 'string',
  validate: (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s),
});
ajv.addFormat('base64', BASE64);
const checkInput = ajv.compile<ReportInput>(ReportInputSchema);

/** Problems of a value against the report schema (JSON pointers under `path`). */
export function schemaProblems(value: unknown, path: string): FieldProblem[] {
  const text = textErrors(value);
  if (checkInput(value) && text.length === 0) return [];
  return fieldProblems('', [...(checkInput.errors ?? []), ...text]).map((p) => ({
    ...p,
    path: `${path}${p.path.replace(/^\//, '')}`,
  }));
}

const UUID_SEQUENCE_BITS = 26;
let pool = Buffer.alloc(0);
let poolAt = 0;
let lastMs = -1;
let sequence = 0;

/**
 * A time-ordered UUID (version 7) for the given time: ids sort by creation, which keeps index inserts
 * local. Ids made in the same millisecond carry a counter (RFC 9562 §6.2, method 1: 12 bits of
 * rand_a and 14 of rand_b) before 48 random bits, so they stay in order even when the clock stands
 * still, as the fixed clocks of tests and benchmarks do for a whole import.
 */
export function uuidv7(ms: number): string {
  sequence = ms === lastMs ? (sequence + 1) % 2 ** UUID_SEQUENCE_BITS : 0;
  lastMs = ms;
  if (poolAt + 6 > pool.length) {
    pool = crypto.randomBytes(6 * 4096);
    poolAt = 0;
  }
  const b = Buffer.alloc(16);
  b.writeUIntBE(ms, 0, 6);
  const high = sequence >>> 14; // 12 bits: rand_a
  const low = sequence & 0x3fff; // 14 bits: the top of rand_b, after the variant
  b[6] = 0x70 | (high >>> 8);
  b[7] = high & 0xff;
  b[8] = 0x80 | (low >>> 8);
  b[9] = low & 0xff;
  pool.copy(b, 10, poolAt, poolAt + 6);
  poolAt += 6;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The submitted input without inline evidence bytes (which are stored by hash instead). */
export function withoutEvidenceBytes(input: ReportInput): ReportInput {
  if (input.evidence === undefined) return input;
  return { ...input, evidence: input.evidence.map(({ contentBase64: _c, ...e }) => e) };
}

/** SHA-256 of the submitted content in canonical JSON (evidence bytes excluded: they are hashed on their own). */
export function contentHash(input: ReportInput): string {
  return crypto.hash('sha256', canonicalize(withoutEvidenceBytes(input)), 'hex');
}

export interface IntakeOptions {
  policy: PositionPolicy;
  /** The service's clock (ms), read once per chunk: it judges "in the future" and stamps the reports. */
  now: number;
  evidenceMaxBytes: number;
  /** Time zone for reports that name none (the agreement's, normally). */
  defaultTimeZone: string;
}

/** An item that passed the checks needing no agreement, waiting for its version in force. */
interface Staged {
  /** The item's position in its chunk. */
  index: number;
  item: IntakeItem;
  input: ReportInput;
  observed: ObservedTime;
}

/**
 * Validates, normalises and classifies a chunk of submitted reports without writing anything.
 * Every item gets either a prepared report or all of its problems, each naming the field.
 */
export function prepareReports(
  items: readonly IntakeItem[],
  submitter: Submitter,
  timeline: AgreementTimeline,
  options: IntakeOptions,
): PrepareOutcome[] {
  const out: PrepareOutcome[] = new Array<PrepareOutcome>(items.length);
  const staged: Staged[] = [];
  items.forEach((item, index) => {
    const checked = checkItem(item, index, submitter, options);
    if (Array.isArray(checked)) out[index] = rejected(checked, item.line);
    else staged.push(checked);
  });
  const { versions, mids } = versionsInForce(staged, timeline);
  const policyOf = positionPolicies(options.policy);
  const created: Created = { ms: options.now, at: new Date(options.now).toISOString() };
  staged.forEach((s, k) => {
    const ctx = versions[k];
    out[s.index] =
      ctx === undefined || endsBeforeEntryIntoForce(s, ctx)
        ? rejected([beforeEntryIntoForce(s, ctx)], s.item.line)
        : classifyOne(s, ctx, evaluatedAt(mids[k] ?? 0, ctx), policyOf(ctx), submitter, created);
  });
  return out;
}

/** Schema check, time window, and the checks that need no agreement: the staged item, or its problems. */
function checkItem(
  item: IntakeItem,
  index: number,
  submitter: Submitter,
  options: IntakeOptions,
): Staged | FieldProblem[] {
  if (item.problems !== undefined && item.problems.length > 0) return item.problems;
  const problems = item.schemaChecked === true ? [] : schemaProblems(item.input, item.path);
  if (problems.length > 0) return problems;
  const input = item.input as ReportInput;
  const observed = normaliseObserved(
    input.observed,
    `${item.path}/observed`,
    { now: options.now, defaultTimeZone: options.defaultTimeZone },
    problems,
  );
  checkRest(input, item.path, submitter, options, problems);
  if (problems.length > 0 || observed === undefined) {
    // Position problems are worth reporting too, even when the time already failed.
    if (observed === undefined)
      normaliseLocation(input.location, `${item.path}/location`, options.policy, problems, []);
    return problems;
  }
  return { index, item, input, observed };
}

/**
 * Each report is judged by the agreement version in force at its observed time (the middle of its
 * window); when none is in force then, or only provisionally, the version in force at the window's
 * end, if there is one.
 */
function versionsInForce(
  staged: readonly Staged[],
  timeline: AgreementTimeline,
): { versions: (VersionContext | undefined)[]; mids: number[] } {
  const mids = staged.map((s) => evaluationInstant(s.observed));
  const versions = timeline.resolve(mids);
  const retry = staged.flatMap((_, k) => {
    const v = versions[k];
    return v === undefined || v.provisional ? [k] : [];
  });
  const atEnd = timeline.resolve(retry.map((k) => Date.parse(staged[k]?.observed.to ?? '')));
  retry.forEach((k, j) => {
    const v = atEnd[j];
    if (v !== undefined && !v.provisional) versions[k] = v;
  });
  return { versions, mids };
}

/** A provisional version whose entry into force comes after the whole window cannot judge it. */
function endsBeforeEntryIntoForce(s: Staged, ctx: VersionContext): boolean {
  const eif = ctx.entryIntoForce;
  return ctx.provisional && eif !== undefined && Date.parse(s.observed.to) < eif;
}

function beforeEntryIntoForce(s: Staged, ctx: VersionContext | undefined): FieldProblem {
  const eif = ctx?.entryIntoForce;
  const when = eif !== undefined ? ` (${new Date(eif).toISOString()})` : '';
  return {
    path: `${s.item.path}/observed/from`,
    reason: `${s.input.observed.from} is before the agreement entered into force${when}`,
  };
}

/** The instant the report is classified at: the middle of its window, or the entry into force when the window starts earlier. */
function evaluatedAt(mid: number, ctx: VersionContext): number {
  const eif = ctx.entryIntoForce;
  return eif !== undefined && !ctx.provisional ? Math.max(mid, eif) : mid;
}

/** The position policy with each version's region, made once per version rather than per report. */
function positionPolicies(base: PositionPolicy): (ctx: VersionContext) => PositionPolicy {
  const byVersion = new Map<VersionContext, PositionPolicy>();
  return (ctx) => {
    let policy = byVersion.get(ctx);
    if (policy === undefined) {
      const region = ctx.agreement.region?.bbox as [number, number, number, number] | undefined;
      policy = region !== undefined ? { ...base, region } : base;
      byVersion.set(ctx, policy);
    }
    return policy;
  };
}

function rejected(problems: FieldProblem[], line: number | undefined): PrepareOutcome {
  return { ok: false, problems: withLine(problems, line) };
}

function withLine(problems: FieldProblem[], line: number | undefined): FieldProblem[] {
  return line === undefined ? problems : problems.map((p) => ({ ...p, line }));
}

/** Links, addressees and declared evidence: the checks beyond the schema that need no agreement. */
function checkRest(
  input: ReportInput,
  path: string,
  submitter: Submitter,
  options: IntakeOptions,
  problems: FieldProblem[],
): void {
  (input.links ?? []).forEach((link, i) => {
    if (!/^(https?|ipfs|urn):/i.test(link))
      problems.push({
        path: `${path}/links/${i}`,
        reason: `"${link.slice(0, 80)}" is not an http(s), ipfs or urn link`,
      });
  });
  (input.addressees?.organisations ?? []).forEach((org, i) => {
    if (!submitter.knownOrganisations.has(org))
      problems.push({
        path: `${path}/addressees/organisations/${i}`,
        reason: `unknown organisation "${org}"`,
      });
  });
  (input.evidence ?? []).forEach((e, i) => checkEvidence(e, `${path}/evidence/${i}`, options, problems));
}

/** Evidence declared with a report: captured in the past, within the size limit, and matching its hash when the bytes came along. */
function checkEvidence(e: EvidenceInput, at: string, options: IntakeOptions, problems: FieldProblem[]): void {
  if (Date.parse(e.capturedAt) > options.now + 10 * 60_000)
    problems.push({ path: `${at}/capturedAt`, reason: 'is in the future' });
  if (e.sizeBytes !== undefined && e.sizeBytes > options.evidenceMaxBytes)
    problems.push({
      path: `${at}/sizeBytes`,
      reason: `${e.sizeBytes} bytes is over the limit of ${options.evidenceMaxBytes}`,
    });
  if (e.contentBase64 === undefined) return;
  const bytes = Buffer.from(e.contentBase64, 'base64');
  if (bytes.length > options.evidenceMaxBytes) {
    problems.push({
      path: `${at}/contentBase64`,
      reason: `the file is ${bytes.length} bytes, over the limit of ${options.evidenceMaxBytes}`,
    });
    return;
  }
  const sha = crypto.createHash('sha256').update(bytes).digest('hex');
  if (sha !== e.sha256.toLowerCase())
    problems.push({
      path: `${at}/sha256`,
      reason: `does not match the content: declared ${e.sha256.toLowerCase()}, content hashes to ${sha}`,
    });
  if (e.sizeBytes !== undefined && e.sizeBytes !== bytes.length)
    problems.push({
      path: `${at}/sizeBytes`,
      reason: `declared ${e.sizeBytes} bytes, the content has ${bytes.length}`,
    });
}

/** When the reports of a chunk are taken in, by the service's clock: their `createdAt` and the time in their ids. */
interface Created {
  ms: number;
  at: string;
}

/** What intake derives for a report against its version: position, category, equipment, classification. */
interface Derived {
  location: ReportLocation;
  category: string;
  equipment: Equipment | undefined;
  classification: Classification;
  warnings: string[];
  contentSha256: string;
}

/** Position, category and equipment resolved against the version, then classified; or every problem found. */
function classifyOne(
  s: Staged,
  ctx: VersionContext,
  at: number,
  policy: PositionPolicy,
  submitter: Submitter,
  created: Created,
): PrepareOutcome {
  const { input, item } = s;
  const problems: FieldProblem[] = [];
  const warnings: string[] = ctx.provisional
    ? [`classified against ${ctx.versionId}, which is not in force yet (provisional)`]
    : [];
  const location = normaliseLocation(input.location, `${item.path}/location`, policy, problems, warnings);
  const hints = submitter.readableVersions.has(ctx.versionId);
  const category = resolveCategory(s, ctx, problems, hints);
  const equipment = resolveEquipment(s, ctx, problems, warnings, hints);
  if (problems.length > 0 || category === undefined || location === undefined)
    return rejected(problems, item.line);
  const contentSha256 = hashContent(s, problems);
  if (contentSha256 === undefined) return rejected(problems, item.line);
  const classification = ctx.classify({
    lon: location.lon,
    lat: location.lat,
    uncertaintyM: location.uncertaintyM,
    at,
    from: s.observed.from,
    to: s.observed.to,
    category,
    ...(equipment !== undefined ? { equipment } : {}),
    ...(input.counts !== undefined ? { counts: input.counts } : {}),
  });
  const derived = { location, category, equipment, classification, warnings, contentSha256 };
  return { ok: true, prepared: preparedOf(s, reportOf(s, derived, submitter, created)) };
}

/** The agreement's category id: given, or mapped from ACLED or SMM codes; a problem on the field used otherwise. */
function resolveCategory(
  s: Staged,
  ctx: VersionContext,
  problems: FieldProblem[],
  hints: boolean,
): string | undefined {
  const { input } = s;
  const category = ctx.resolveCategory(input, { hints });
  if (typeof category !== 'string') return category.id;
  const field =
    input.category !== undefined
      ? 'category'
      : input.acled !== undefined
        ? 'acled'
        : input.smm !== undefined
          ? 'smm'
          : 'category';
  problems.push({ path: `${s.item.path}/${field}`, reason: category });
  return undefined;
}

/** The equipment with the agreement's category: given, or matched from system or calibre. */
function resolveEquipment(
  s: Staged,
  ctx: VersionContext,
  problems: FieldProblem[],
  warnings: string[],
  hints: boolean,
): Equipment | undefined {
  if (s.input.equipment === undefined) return undefined;
  const resolved = ctx.resolveEquipment(s.input.equipment, { hints });
  if (resolved.problem !== undefined)
    problems.push({ path: `${s.item.path}/equipment/category`, reason: resolved.problem });
  if (resolved.warning !== undefined) warnings.push(resolved.warning);
  return resolved.equipment;
}

/** The content hash that makes intake idempotent; text that is not valid Unicode cannot be hashed and is a problem. */
function hashContent(s: Staged, problems: FieldProblem[]): string | undefined {
  try {
    return contentHash(s.input);
  } catch (err) {
    if (!(err instanceof CanonicalJsonError)) throw err;
    problems.push({ path: `${s.item.path}${err.pointer}`, reason: `${err.reason} (not valid Unicode text)` });
    return undefined;
  }
}

/** The report as it will be stored, before its source is resolved and its grade capped (the write step). */
function reportOf(s: Staged, d: Derived, submitter: Submitter, created: Created): PreparedReport['report'] {
  const { input } = s;
  return {
    id: uuidv7(created.ms),
    revision: 1,
    ...(input.externalId !== undefined
      ? { externalSystem: input.externalSystem ?? submitter.externalSystem, externalId: input.externalId }
      : {}),
    ...(input.reporter !== undefined ? { reporter: input.reporter } : {}),
    observed: s.observed,
    location: d.location,
    category: d.category,
    ...(input.acled !== undefined ? { acled: input.acled } : {}),
    ...(input.smm !== undefined ? { smm: input.smm } : {}),
    ...(d.equipment !== undefined ? { equipment: d.equipment } : {}),
    ...(input.counts !== undefined ? { counts: input.counts } : {}),
    ...(input.casualties !== undefined ? { casualties: input.casualties } : {}),
    ...(input.narrative !== undefined ? { narrative: input.narrative } : {}),
    links: linksOf(input),
    ...(input.language !== undefined ? { language: input.language } : {}),
    ...(input.attributes !== undefined ? { attributes: input.attributes } : {}),
    marking: input.marking ?? submitter.defaultMarking,
    addressees: addresseesOf(input),
    ownerOrganisationId: submitter.organisationId,
    authorUserId: submitter.userId,
    classification: d.classification,
    warnings: d.warnings,
    contentSha256: d.contentSha256,
    createdAt: created.at,
    submitted: withoutEvidenceBytes(input),
  };
}

/** The prepared report with what the write step still needs: the source asked for, the grade claimed, the evidence. */
function preparedOf(s: Staged, report: PreparedReport['report']): PreparedReport {
  const { input } = s;
  return {
    index: s.index,
    report,
    ...(input.source !== undefined ? { sourceRequest: input.source } : {}),
    claimed: {
      ...(input.source?.reliability !== undefined ? { reliability: input.source.reliability } : {}),
      ...(input.credibility !== undefined ? { credibility: input.credibility } : {}),
    },
    evidence: (input.evidence ?? []).map((e) => ({
      ...e,
      sha256: e.sha256.toLowerCase(),
      ...(e.contentBase64 !== undefined ? { bytes: Buffer.from(e.contentBase64, 'base64') } : {}),
    })),
  };
}
