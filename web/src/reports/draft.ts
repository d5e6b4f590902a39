/**
 * The report form's state and its checks: what the monitor typed, turned into the intake's
 * `ReportInput` or a list of problems naming the field. Pure, so the rules are tested without a browser.
 */
import type {
  Credibility,
  EvidenceDeclaration,
  Marking,
  NewReport,
  Reliability,
  ReporterKind,
  TimePrecision,
} from '../api/reports.js';
import type { MessageKey } from '../i18n/index.js';
import { isLatitude, isLongitude, parseMgrs } from '../lib/position.js';

export const CASUALTY_FIELDS = [
  'civilianKilled',
  'civilianInjured',
  'militaryKilled',
  'militaryInjured',
  'unknownKilled',
  'unknownInjured',
] as const;
export type CasualtyField = (typeof CASUALTY_FIELDS)[number];

export interface Draft extends Record<CasualtyField, string> {
  lat: string;
  lon: string;
  mgrs: string;
  /** Which the monitor gave: the MGRS reference is sent as typed; otherwise latitude and longitude. */
  positionFrom: 'wgs84' | 'mgrs';
  radiusM: string;
  geoPrecision: string;
  /** `YYYY-MM-DDTHH:MM`, read as UTC. */
  observedFrom: string;
  observedTo: string;
  timePrecision: TimePrecision;
  category: string;
  equipmentCategory: string;
  reporterKind: ReporterKind | '';
  events: string;
  narrative: string;
  /** Who or what the information came from; reliability grades that source. */
  sourceName: string;
  reliability: Reliability;
  credibility: Credibility;
  marking: Marking;
}

export type DraftField = keyof Draft | 'position' | 'evidence';

export interface DraftProblem {
  field: DraftField;
  message: MessageKey;
  values?: Record<string, string | number>;
}

/** `YYYY-MM-DDTHH:MM` of an instant, in UTC (what the datetime inputs show). */
export function utcInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

export function emptyDraft(now: number): Draft {
  return {
    lat: '',
    lon: '',
    mgrs: '',
    positionFrom: 'wgs84',
    radiusM: '500',
    geoPrecision: '1',
    observedFrom: utcInputValue(now - 3_600_000),
    observedTo: utcInputValue(now),
    timePrecision: 'exact',
    category: '',
    equipmentCategory: '',
    reporterKind: '',
    events: '',
    civilianKilled: '',
    civilianInjured: '',
    militaryKilled: '',
    militaryInjured: '',
    unknownKilled: '',
    unknownInjured: '',
    narrative: '',
    sourceName: '',
    reliability: 'F',
    credibility: 6,
    marking: 'AMBER',
  };
}

const WHOLE = /^\d{1,7}$/;

/** An optional whole number: '' is "not reported", which is not the same as 0. */
function count(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value);
}

/** Checks the draft; returns the report to send, or the problems (each naming its field). */
export function checkDraft(
  d: Draft,
  evidence: EvidenceDeclaration[],
  now: number,
): { report: NewReport; problems: [] } | { report: null; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const byMgrs = d.positionFrom === 'mgrs' && d.mgrs.trim() !== '';
  const mgrs = byMgrs ? parseMgrs(d.mgrs) : null;
  const lat = Number(d.lat);
  const lon = Number(d.lon);
  if (byMgrs && !mgrs) problems.push({ field: 'mgrs', message: 'draft.mgrs' });
  else if (!byMgrs) {
    if (d.lat.trim() === '' || d.lon.trim() === '')
      problems.push({ field: 'position', message: 'draft.positionMissing' });
    else {
      if (!isLatitude(lat)) problems.push({ field: 'lat', message: 'draft.latitude' });
      if (!isLongitude(lon)) problems.push({ field: 'lon', message: 'draft.longitude' });
    }
  }
  const radius = Number(d.radiusM);
  if (!WHOLE.test(d.radiusM) || radius < 1 || radius > 100_000)
    problems.push({ field: 'radiusM', message: 'draft.radius' });

  const from = Date.parse(`${d.observedFrom}:00Z`);
  const to = Date.parse(`${d.observedTo}:00Z`);
  if (Number.isNaN(from)) problems.push({ field: 'observedFrom', message: 'draft.timeMissing' });
  if (Number.isNaN(to)) problems.push({ field: 'observedTo', message: 'draft.timeMissing' });
  if (!Number.isNaN(from) && !Number.isNaN(to) && to < from)
    problems.push({ field: 'observedTo', message: 'draft.timeOrder' });
  // A minute of slack for clocks that disagree a little (the server allows ten).
  if (!Number.isNaN(to) && to > now + 60_000)
    problems.push({ field: 'observedTo', message: 'draft.timeFuture' });

  if (d.category === '') problems.push({ field: 'category', message: 'draft.category' });
  for (const field of ['events', ...CASUALTY_FIELDS] as const) {
    if (d[field].trim() !== '' && !WHOLE.test(d[field].trim()))
      problems.push({ field, message: 'draft.count' });
  }
  if (d.narrative.trim().length < 10) problems.push({ field: 'narrative', message: 'draft.narrative' });
  if (problems.length > 0) return { report: null, problems };

  const casualty = (killed: string, injured: string) => {
    const k = count(killed);
    const i = count(injured);
    return k === undefined && i === undefined
      ? undefined
      : { ...(k !== undefined ? { killed: k } : {}), ...(i !== undefined ? { injured: i } : {}) };
  };
  const civilian = casualty(d.civilianKilled, d.civilianInjured);
  const military = casualty(d.militaryKilled, d.militaryInjured);
  const unknown = casualty(d.unknownKilled, d.unknownInjured);
  const events = count(d.events);
  const location = {
    ...(mgrs ? { mgrs: mgrs.normalised } : { lon: round(lon), lat: round(lat) }),
    uncertaintyM: radius,
    precision: Number(d.geoPrecision),
  };

  return {
    problems: [],
    report: {
      observed: {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        precision: d.timePrecision,
      },
      location,
      category: d.category,
      ...(d.reporterKind ? { reporter: { kind: d.reporterKind } } : {}),
      ...(d.sourceName.trim() ? { source: { name: d.sourceName.trim(), reliability: d.reliability } } : {}),
      credibility: d.credibility,
      ...(d.equipmentCategory ? { equipment: { category: d.equipmentCategory } } : {}),
      ...(events !== undefined ? { counts: { events } } : {}),
      ...(civilian || military || unknown
        ? {
            casualties: {
              ...(civilian ? { civilian } : {}),
              ...(military ? { military } : {}),
              ...(unknown ? { unknown } : {}),
            },
          }
        : {}),
      narrative: d.narrative.trim(),
      marking: d.marking,
      ...(evidence.length > 0 ? { evidence } : {}),
    },
  };
}

/** Six decimals: about 0.1 m, more than any field position carries. */
function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Maps a server problem's JSON pointer (`/body/location/lon`) to the form field it concerns. */
export function fieldOfPointer(pointer: string): DraftField | null {
  const path = pointer.replace(/^\/body(\/reports\/\d+)?/, '');
  const table: [RegExp, DraftField][] = [
    [/^\/location\/mgrs/, 'mgrs'],
    [/^\/location\/lat/, 'lat'],
    [/^\/location\/lon/, 'lon'],
    [/^\/location\/uncertaintyM/, 'radiusM'],
    [/^\/location\/precision/, 'geoPrecision'],
    [/^\/location/, 'position'],
    [/^\/observed\/from/, 'observedFrom'],
    [/^\/observed\/to/, 'observedTo'],
    [/^\/observed\/precision/, 'timePrecision'],
    [/^\/observed/, 'observedFrom'],
    [/^\/category/, 'category'],
    [/^\/equipment/, 'equipmentCategory'],
    [/^\/reporter/, 'reporterKind'],
    [/^\/counts/, 'events'],
    [/^\/casualties\/civilian\/killed/, 'civilianKilled'],
    [/^\/casualties\/civilian\/injured/, 'civilianInjured'],
    [/^\/casualties\/military\/killed/, 'militaryKilled'],
    [/^\/casualties\/military\/injured/, 'militaryInjured'],
    [/^\/casualties\/unknown\/killed/, 'unknownKilled'],
    [/^\/casualties\/unknown\/injured/, 'unknownInjured'],
    [/^\/narrative/, 'narrative'],
    [/^\/evidence/, 'evidence'],
    [/^\/source\/reliability/, 'reliability'],
    [/^\/source/, 'sourceName'],
    [/^\/credibility/, 'credibility'],
    [/^\/marking/, 'marking'],
  ];
  return table.find(([re]) => re.test(path))?.[1] ?? null;
}
