import { useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import { ApiError } from '../../api/client.js';
import { fileReport, type EvidenceDeclaration, type FiledReport } from '../../api/reports.js';
import { useSession } from '../../app/session.js';
import { t } from '../../i18n/index.js';
import { parseMgrs, toMgrs, type LonLat } from '../../lib/position.js';
import { sha256Hex } from '../../lib/sha256.js';
import {
  checkDraft,
  emptyDraft,
  fieldOfPointer,
  type Draft,
  type DraftField,
  type DraftProblem,
} from '../draft.js';

/** A file the monitor added, with its SHA-256 once this device has computed it. */
export interface EvidenceItem {
  key: string;
  file: File;
  sha256: string | null;
  error?: string;
}

export type Outcome = ({ kind: 'filed' } & FiledReport) | { kind: 'failed'; error: unknown };

export interface ReportForm {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  /** The typed position, when both coordinates are numbers. */
  position: LonLat | null;
  /** Where the map should move: typed positions move it, a click on the map does not. */
  focus: LonLat | null;
  /** A position picked on the map. */
  pick: (p: LonLat) => void;
  /** An MGRS reference typed; a valid one fills latitude, longitude and a radius covering its cell. */
  typeMgrs: (text: string) => void;
  /** Moves the map to the typed position (when the monitor leaves a coordinate field). */
  showTypedPosition: () => void;
  evidence: EvidenceItem[];
  addFiles: (files: FileList | null) => void;
  removeEvidence: (key: string) => void;
  /** The problems found on the last submit, in the summary. */
  problems: DraftProblem[];
  /** What is wrong with one field: this device's checks, then the server's. */
  errorsFor: (field: DraftField) => string[];
  busy: boolean;
  outcome: Outcome | null;
  submit: (e: FormEvent) => Promise<void>;
  /** After filing: an empty form for the next report. */
  startAnother: () => void;
  /** The problem summary or the filed notice, focused after each submit. */
  summary: RefObject<HTMLDivElement | null>;
}

/** The report form's state, its checks and its submission; the screen and fieldsets only show it. */
export function useReportForm(): ReportForm {
  const session = useSession();
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(Date.now()));
  const [evidence, setEvidence] = useState<EvidenceItem[]>([]);
  const [problems, setProblems] = useState<DraftProblem[]>([]);
  const [serverProblems, setServerProblems] = useState<{ field: DraftField | null; reason: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [focus, setFocus] = useState<LonLat | null>(null);
  const summary = useRef<HTMLDivElement>(null);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const position: LonLat | null = useMemo(() => {
    const lat = Number(draft.lat);
    const lon = Number(draft.lon);
    return draft.lat !== '' && draft.lon !== '' && Number.isFinite(lat) && Number.isFinite(lon)
      ? { lat, lon }
      : null;
  }, [draft.lat, draft.lon]);

  const pick = (p: LonLat) =>
    set({ lat: p.lat.toFixed(6), lon: p.lon.toFixed(6), mgrs: toMgrs(p), positionFrom: 'wgs84' });

  const typeMgrs = (text: string) => {
    const parsed = parseMgrs(text);
    if (!parsed) {
      set({ mgrs: text, positionFrom: 'mgrs' });
      return;
    }
    // A coarse reference is a cell, not a point: the radius must cover it.
    setDraft((d) => ({
      ...d,
      mgrs: text,
      positionFrom: 'mgrs',
      lat: parsed.lat.toFixed(6),
      lon: parsed.lon.toFixed(6),
      radiusM: Number(d.radiusM) < parsed.cellRadiusM ? String(parsed.cellRadiusM) : d.radiusM,
    }));
    setFocus({ lon: parsed.lon, lat: parsed.lat });
  };

  const showTypedPosition = () => {
    if (position) setFocus(position);
  };

  const addFiles = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}:${file.size}:${file.lastModified}:${Math.random()}`;
      setEvidence((items) => [...items, { key, file, sha256: null }]);
      file
        .arrayBuffer()
        .then(sha256Hex)
        .then(
          (sha256) => setEvidence((items) => items.map((i) => (i.key === key ? { ...i, sha256 } : i))),
          (err: unknown) =>
            setEvidence((items) =>
              items.map((i) => (i.key === key ? { ...i, error: (err as Error).message } : i)),
            ),
        );
    }
  };

  const removeEvidence = (key: string) => setEvidence((items) => items.filter((i) => i.key !== key));

  const errorsFor = (field: DraftField): string[] => [
    ...problems.filter((p) => p.field === field).map((p) => t(p.message, p.values)),
    ...serverProblems.filter((p) => p.field === field).map((p) => p.reason),
  ];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setServerProblems([]);
    setOutcome(null);
    // Declared with the report (Berkeley Protocol): the hash computed here, who collected it, when.
    const collector = session.me?.user?.displayName || session.me?.user?.username || 'unknown';
    const refs: EvidenceDeclaration[] = evidence
      .filter((i) => i.sha256 !== null)
      .map((i) => ({
        sha256: i.sha256!,
        filename: i.file.name,
        mediaType: i.file.type || 'application/octet-stream',
        sizeBytes: i.file.size,
        capturedAt: new Date(i.file.lastModified || Date.now()).toISOString(),
        collector,
      }));
    const pending = evidence.some((i) => i.sha256 === null && !i.error);
    const checked = checkDraft(draft, refs, Date.now());
    const found = [...checked.problems];
    if (pending) found.push({ field: 'evidence', message: 'draft.evidencePending' });
    setProblems(found);
    if (checked.report === null || found.length > 0) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setBusy(true);
    try {
      const result = await fileReport(
        checked.report,
        evidence.filter((i) => i.sha256 !== null).map((i) => ({ sha256: i.sha256!, file: i.file })),
      );
      setOutcome({ kind: 'filed', ...result });
    } catch (err) {
      if (err instanceof ApiError)
        setServerProblems(err.errors.map((p) => ({ field: fieldOfPointer(p.path), reason: p.reason })));
      setOutcome({ kind: 'failed', error: err });
    } finally {
      setBusy(false);
      requestAnimationFrame(() => summary.current?.focus());
    }
  };

  const startAnother = () => {
    setOutcome(null);
    setDraft(emptyDraft(Date.now()));
    setEvidence([]);
  };

  return {
    draft,
    set,
    position,
    focus,
    pick,
    typeMgrs,
    showTypedPosition,
    evidence,
    addFiles,
    removeEvidence,
    problems,
    errorsFor,
    busy,
    outcome,
    submit,
    startAnother,
    summary,
  };
}
