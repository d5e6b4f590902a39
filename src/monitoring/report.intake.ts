import crypto from 'node:crypto';
import Ajv from 'ajv';
import type { Marking } from '../access/marking.js';
import type { FieldProblem } from '../core/errors.js';
import { fieldProblems } from '../http/validation.js';
import type { VersionContext } from './classify.js';
import type { AgreementTimeline } from './timeline.js';
import { evaluationInstant, normaliseObserved } from './observed.js';
import { normaliseLocation, type PositionPolicy } from './position.js';
import { addresseesOf, linksOf, type Equipment, type ObservedTime, type Report } from './report.model.js';
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
}

/** Who submits, and under which defaults. */
export interface Submitter {
  organisationId: string;
  userId: string | null;
  defaultMarking: Marking;
  /** Namespace for external ids that come without a system (the organisation, or the import format). */
  externalSystem: string;
  knownOrganisations: ReadonlySet<string>;
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
const checkInput = ajv.compile<ReportInput>(ReportInputSchema);

/** Problems of a value against the report schema (JSON pointers under `path`). */
export function schemaProblems(value: unknown, path: string): FieldProblem[] {
  if (checkInput(value)) return [];
  return fieldProblems('', checkInput.errors ?? []).map((p) => ({
    ...p,
    path: `${path}${p.path.replace(/^\//, '')}`,
  }));
}

/** A time-ordered UUID (version 7): ids sort by creation, which keeps index inserts local. */
let pool = Buffer.alloc(0);
let poolAt = 0;
export function uuidv7(ms: number): string {
  if (poolAt + 10 > pool.length) {
    pool = crypto.randomBytes(10 * 4096);
    poolAt = 0;
  }
  const b = Buffer.alloc(16);
  b.writeUIntBE(ms, 0, 6);
  pool.copy(b, 6, poolAt, poolAt + 10);
  poolAt += 10;
  b[6] = 0x70 | ((b[6] ?? 0) & 0x0f);
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
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
  now: number;
  evidenceMaxBytes: number;
  /** Time zone for reports that name none (the agreement's, normally). */
  defaultTimeZone: string;
}

interface Stage1 {
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
  const staged: { index: number; s: Stage1 }[] = [];
  items.forEach((item, index) => {
    if (item.problems !== undefined && item.problems.length > 0) {
      out[index] = { ok: false, problems: withLine(item.problems, item.line) };
      return;
    }
    const problems = schemaProblems(item.input, item.path);
    if (problems.length > 0) {
      out[index] = { ok: false, problems: withLine(problems, item.line) };
      return;
    }
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
      out[index] = { ok: false, problems: withLine(problems, item.line) };
      return;
    }
    staged.push({ index, s: { item, input, observed } });
  });
  // Each report is judged by the agreement version in force at its observed time (the middle of
  // its window; the entry into force when the window starts earlier and ends after it).
  const mids = staged.map(({ s }) => evaluationInstant(s.observed));
  const versions = timeline.resolve(mids);
  const retry = staged.flatMap((st, k) => {
    const v = versions[k];
    return v === undefined || v.provisional ? [k] : [];
  });
  const atEnd = timeline.resolve(retry.map((k) => Date.parse(staged[k]?.s.observed.to ?? '')));
  retry.forEach((k, j) => {
    const v = atEnd[j];
    if (v !== undefined && !v.provisional) versions[k] = v;
  });
  staged.forEach(({ index, s }, k) => {
    const ctx = versions[k];
    const end = Date.parse(s.observed.to);
    const eif = ctx?.entryIntoForce;
    if (ctx === undefined || (ctx.provisional && eif !== undefined && end < eif)) {
      const when = eif !== undefined ? ` (${new Date(eif).toISOString()})` : '';
      out[index] = {
        ok: false,
        problems: withLine(
          [
            {
              path: `${s.item.path}/observed/from`,
              reason: `${s.input.observed.from} is before the agreement entered into force${when}`,
            },
          ],
          s.item.line,
        ),
      };
      return;
    }
    const at = eif !== undefined && !ctx.provisional ? Math.max(mids[k] ?? 0, eif) : (mids[k] ?? 0);
    out[index] = classifyOne(index, s, ctx, at, submitter, options);
  });
  return out;
}

function withLine(problems: FieldProblem[], line: number | undefined): FieldProblem[] {
  return line === undefined ? problems : problems.map((p) => ({ ...p, line }));
}

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
  (input.evidence ?? []).forEach((e, i) => {
    const at = `${path}/evidence/${i}`;
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
  });
}

function classifyOne(
  index: number,
  s: Stage1,
  ctx: VersionContext,
  at: number,
  submitter: Submitter,
  options: IntakeOptions,
): PrepareOutcome {
  const { input, item } = s;
  const problems: FieldProblem[] = [];
  const warnings: string[] = ctx.provisional
    ? [`classified against ${ctx.versionId}, which is not in force yet (provisional)`]
    : [];
  const region = ctx.agreement.region?.bbox as [number, number, number, number] | undefined;
  const location = normaliseLocation(
    input.location,
    `${item.path}/location`,
    { ...options.policy, ...(region !== undefined ? { region } : {}) },
    problems,
    warnings,
  );
  const category = ctx.resolveCategory(input);
  if (typeof category === 'string') {
    const field =
      input.category !== undefined
        ? 'category'
        : input.acled !== undefined
          ? 'acled'
          : input.smm !== undefined
            ? 'smm'
            : 'category';
    problems.push({ path: `${item.path}/${field}`, reason: category });
  }
  let equipment: Equipment | undefined;
  if (input.equipment !== undefined) {
    const resolved = ctx.resolveEquipment(input.equipment);
    if (resolved.problem !== undefined)
      problems.push({ path: `${item.path}/equipment/category`, reason: resolved.problem });
    if (resolved.warning !== undefined) warnings.push(resolved.warning);
    equipment = resolved.equipment;
  }
  if (problems.length > 0 || typeof category === 'string' || location === undefined)
    return { ok: false, problems: withLine(problems, item.line) };
  const classification = ctx.classify({
    lon: location.lon,
    lat: location.lat,
    uncertaintyM: location.uncertaintyM,
    at,
    from: s.observed.from,
    to: s.observed.to,
    category: category.id,
    ...(equipment !== undefined ? { equipment } : {}),
    ...(input.counts !== undefined ? { counts: input.counts } : {}),
  });
  let contentSha256: string;
  try {
    contentSha256 = contentHash(input);
  } catch (err) {
    if (!(err instanceof CanonicalJsonError)) throw err;
    return {
      ok: false,
      problems: withLine(
        [{ path: `${item.path}${err.pointer}`, reason: `${err.reason} (not valid Unicode text)` }],
        item.line,
      ),
    };
  }
  const createdAt = new Date().toISOString();
  const report: PreparedReport['report'] = {
    id: uuidv7(Date.now()),
    revision: 1,
    ...(input.externalId !== undefined
      ? { externalSystem: input.externalSystem ?? submitter.externalSystem, externalId: input.externalId }
      : {}),
    ...(input.reporter !== undefined ? { reporter: input.reporter } : {}),
    observed: s.observed,
    location,
    category: category.id,
    ...(input.acled !== undefined ? { acled: input.acled } : {}),
    ...(input.smm !== undefined ? { smm: input.smm } : {}),
    ...(equipment !== undefined ? { equipment } : {}),
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
    classification,
    warnings,
    contentSha256,
    createdAt,
    submitted: withoutEvidenceBytes(input),
  };
  return {
    ok: true,
    prepared: {
      index,
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
    },
  };
}
