import { cloneElement, useMemo, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { ApiError } from '../api/client.js';
import {
  CREDIBILITY,
  fileReport,
  GEO_PRECISION,
  MARKINGS,
  RELIABILITY,
  REPORTER_KINDS,
  TIME_PRECISIONS,
  type Credibility,
  type EvidenceDeclaration,
  type FiledReport,
  type Marking,
  type Reliability,
  type ReporterKind,
  type TimePrecision,
} from '../api/reports.js';
import { useSession } from '../app/session.js';
import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { Problem } from '../components/Problem.js';
import { formatNumber, humanise, t } from '../i18n/index.js';
import { formatLonLat, parseMgrs, toMgrs, type LonLat } from '../lib/position.js';
import { sha256Hex } from '../lib/sha256.js';
import { MapView } from '../map/MapView.js';
import { boundsOf, styleZones } from '../map/overlays.js';
import {
  CASUALTY_FIELDS,
  checkDraft,
  emptyDraft,
  fieldOfPointer,
  type Draft,
  type DraftField,
  type DraftProblem,
} from '../reports/draft.js';
import { ReceiptView } from '../reports/ReceiptView.js';

interface EvidenceItem {
  key: string;
  file: File;
  sha256: string | null;
  error?: string;
}

type Outcome = ({ kind: 'filed' } & FiledReport) | { kind: 'failed'; error: unknown };

/** The monitor's report: where, when, what, how sure, and the evidence, hashed before it leaves the device. */
export default function ReportFormScreen() {
  const session = useSession();
  const agreement = useAgreement();
  const zones = useZones();
  const taxonomy = useMemo(() => agreement.data?.agreement.report_taxonomy ?? [], [agreement.data]);
  const equipment = agreement.data?.agreement.equipment_categories ?? [];
  const styled = useMemo(() => styleZones(zones.data ?? null), [zones.data]);
  // Closer than the main map: the lines and zones, where reports are filed.
  const fitTo = useMemo(() => {
    const region = agreement.data?.agreement.region?.bbox;
    return (
      boundsOf(styled.collection) ??
      (region?.length === 4 ? (region as [number, number, number, number]) : null)
    );
  }, [agreement.data, styled.collection]);

  const [draft, setDraft] = useState<Draft>(() => emptyDraft(Date.now()));
  const [evidence, setEvidence] = useState<EvidenceItem[]>([]);
  const [problems, setProblems] = useState<DraftProblem[]>([]);
  const [serverProblems, setServerProblems] = useState<{ field: DraftField | null; reason: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // Typed positions move the map there; a click on the map does not (the user is already looking).
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

  const setPosition = (p: LonLat) =>
    set({ lat: p.lat.toFixed(6), lon: p.lon.toFixed(6), mgrs: toMgrs(p), positionFrom: 'wgs84' });

  const onMgrs = (text: string) => {
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

  if (outcome?.kind === 'filed') {
    return (
      <section className="page">
        <h1>{t('reportForm.filed')}</h1>
        <div className="notice notice-ok" role="status" ref={summary} tabIndex={-1}>
          <p>
            {t('reportForm.filedBody')}{' '}
            <Link to={`/reports/${encodeURIComponent(outcome.report.id)}`}>{outcome.report.id}</Link>
          </p>
        </div>
        {outcome.warnings.length > 0 && (
          <div className="notice notice-warn" role="status">
            <p className="notice-title">{t('reportForm.warnings')}</p>
            <ul>
              {outcome.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
        )}
        {outcome.failedUploads.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="failed-uploads">
            <p className="notice-title">{t('reportForm.uploadsFailed')}</p>
            <ul>
              {outcome.failedUploads.map((f) => (
                <li key={f.filename}>
                  {f.filename}: {f.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
        <ReceiptView receipt={outcome.receipt} />
        <button
          type="button"
          className="button"
          onClick={() => {
            setOutcome(null);
            setDraft(emptyDraft(Date.now()));
            setEvidence([]);
          }}
        >
          {t('reportForm.another')}
        </button>
      </section>
    );
  }

  const noTaxonomy = agreement.status === 'done' && taxonomy.length === 0;

  return (
    <section className="page report-form">
      <h1>{t('reportForm.title')}</h1>
      <p className="lede">{t('reportForm.lede')}</p>

      <div ref={summary} tabIndex={-1} className="summary-anchor">
        {problems.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="form-problems">
            <p className="notice-title">{t('reportForm.problems', { count: problems.length })}</p>
            <ul>
              {problems.map((p) => (
                <li key={`${p.field}:${p.message}`}>
                  <a href={`#rf-${p.field}`}>{t(p.message, p.values)}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        {outcome?.kind === 'failed' && <Problem error={outcome.error} title={t('reportForm.rejected')} />}
      </div>
      {noTaxonomy && (
        <div className="notice notice-warn" role="status">
          {t('reportForm.noTaxonomy')}
        </div>
      )}

      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="form-section" id="rf-position" tabIndex={-1}>
          <legend>{t('reportForm.where')}</legend>
          <p className="hint">{t('reportForm.whereHint')}</p>
          <FieldErrors errors={errorsFor('position')} id="rf-position-errors" />
          <MapView
            label={t('reportForm.pickLabel')}
            className="map-pick"
            zones={styled.collection}
            fitTo={fitTo}
            marker={position}
            focus={focus}
            onPick={setPosition}
          />
          {position && (
            <p className="picked" data-testid="picked-position">
              {formatLonLat(position)}
            </p>
          )}
          <div className="field-row">
            <Field id="rf-lat" label={t('reportForm.latitude')} errors={errorsFor('lat')}>
              <input
                inputMode="decimal"
                value={draft.lat}
                onChange={(e) => set({ lat: e.target.value, mgrs: '', positionFrom: 'wgs84' })}
                onBlur={() => position && setFocus(position)}
              />
            </Field>
            <Field id="rf-lon" label={t('reportForm.longitude')} errors={errorsFor('lon')}>
              <input
                inputMode="decimal"
                value={draft.lon}
                onChange={(e) => set({ lon: e.target.value, mgrs: '', positionFrom: 'wgs84' })}
                onBlur={() => position && setFocus(position)}
              />
            </Field>
          </div>
          <Field
            id="rf-mgrs"
            label={t('reportForm.mgrs')}
            hint={t('reportForm.mgrsHint')}
            errors={errorsFor('mgrs')}
          >
            <input
              value={draft.mgrs}
              autoCapitalize="characters"
              spellCheck={false}
              onChange={(e) => onMgrs(e.target.value)}
              className="mono"
            />
          </Field>
          <div className="field-row">
            <Field
              id="rf-radiusM"
              label={t('reportForm.radius')}
              hint={t('reportForm.radiusHint')}
              errors={errorsFor('radiusM')}
            >
              <input
                inputMode="numeric"
                value={draft.radiusM}
                onChange={(e) => set({ radiusM: e.target.value })}
              />
            </Field>
            <Field
              id="rf-geoPrecision"
              label={t('reportForm.geoPrecision')}
              errors={errorsFor('geoPrecision')}
            >
              <select value={draft.geoPrecision} onChange={(e) => set({ geoPrecision: e.target.value })}>
                {GEO_PRECISION.map((p) => (
                  <option key={p} value={p}>
                    {t(`precision.geo.${p}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('reportForm.when')}</legend>
          <div className="field-row">
            <Field
              id="rf-observedFrom"
              label={t('reportForm.observedFrom')}
              errors={errorsFor('observedFrom')}
            >
              <input
                type="datetime-local"
                value={draft.observedFrom}
                onChange={(e) => set({ observedFrom: e.target.value })}
              />
            </Field>
            <Field id="rf-observedTo" label={t('reportForm.observedTo')} errors={errorsFor('observedTo')}>
              <input
                type="datetime-local"
                value={draft.observedTo}
                onChange={(e) => set({ observedTo: e.target.value })}
              />
            </Field>
            <Field
              id="rf-timePrecision"
              label={t('reportForm.timePrecision')}
              errors={errorsFor('timePrecision')}
            >
              <select
                value={draft.timePrecision}
                onChange={(e) => set({ timePrecision: e.target.value as TimePrecision })}
              >
                {TIME_PRECISIONS.map((p) => (
                  <option key={p} value={p}>
                    {t(`precision.time.${p}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('reportForm.what')}</legend>
          <Field
            id="rf-category"
            label={t('reportForm.category')}
            hint={t('reportForm.categoryHint')}
            errors={errorsFor('category')}
          >
            <select
              value={draft.category}
              onChange={(e) => set({ category: e.target.value })}
              disabled={noTaxonomy}
            >
              <option value="">{t('reportForm.choose')}</option>
              {groupsOf(taxonomy).map(([group, categories]) => (
                <optgroup key={group} label={humanise(group)}>
                  {categories.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          {equipment.length > 0 && (
            <Field
              id="rf-equipmentCategory"
              label={t('reportForm.equipment')}
              errors={errorsFor('equipmentCategory')}
            >
              <select
                value={draft.equipmentCategory}
                onChange={(e) => set({ equipmentCategory: e.target.value })}
              >
                <option value="">{t('reportForm.equipmentNone')}</option>
                {equipment.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field
            id="rf-events"
            label={t('reportForm.events')}
            hint={t('reportForm.countHint')}
            errors={errorsFor('events')}
          >
            <input
              inputMode="numeric"
              value={draft.events}
              onChange={(e) => set({ events: e.target.value })}
            />
          </Field>
          <fieldset className="casualties">
            <legend>{t('reportForm.casualties')}</legend>
            <p className="hint">{t('reportForm.countHint')}</p>
            <div className="casualty-grid">
              {CASUALTY_FIELDS.map((field) => (
                <Field
                  key={field}
                  id={`rf-${field}`}
                  label={t(`casualty.${field}`)}
                  errors={errorsFor(field)}
                >
                  <input
                    inputMode="numeric"
                    value={draft[field]}
                    onChange={(e) => set({ [field]: e.target.value })}
                  />
                </Field>
              ))}
            </div>
          </fieldset>
          <Field id="rf-reporterKind" label={t('reportForm.reporterKind')} errors={errorsFor('reporterKind')}>
            <select
              value={draft.reporterKind}
              onChange={(e) => set({ reporterKind: e.target.value as ReporterKind | '' })}
            >
              <option value="">{t('reportForm.reporterKindNone')}</option>
              {REPORTER_KINDS.map((k) => (
                <option key={k} value={k}>
                  {humanise(k)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id="rf-narrative"
            label={t('reportForm.narrative')}
            hint={t('reportForm.narrativeHint')}
            errors={errorsFor('narrative')}
          >
            <textarea rows={6} value={draft.narrative} onChange={(e) => set({ narrative: e.target.value })} />
          </Field>
        </fieldset>

        <fieldset className="form-section" id="rf-evidence" tabIndex={-1}>
          <legend>{t('reportForm.evidence')}</legend>
          <p className="hint" id="rf-evidence-hint">
            {t('reportForm.evidenceHint')}
          </p>
          <FieldErrors errors={errorsFor('evidence')} id="rf-evidence-errors" />
          <label className="file-picker">
            <span>{t('reportForm.addEvidence')}</span>
            <input
              type="file"
              multiple
              data-testid="evidence-input"
              aria-describedby="rf-evidence-hint"
              onChange={(e) => {
                addFiles(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
          {evidence.length > 0 && (
            <ul className="evidence-list" data-testid="evidence-list">
              {evidence.map((item) => (
                <li key={item.key} data-name={item.file.name}>
                  <div>
                    <strong>{item.file.name}</strong>{' '}
                    <span className="muted">
                      {formatNumber(item.file.size)} B{item.file.type ? ` · ${item.file.type}` : ''}
                    </span>
                  </div>
                  <div className="mono hash" data-testid="evidence-hash">
                    {item.error
                      ? t('reportForm.hashFailed', { reason: item.error })
                      : item.sha256
                        ? `SHA-256 ${item.sha256}`
                        : t('reportForm.hashing')}
                  </div>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setEvidence((items) => items.filter((i) => i.key !== item.key))}
                  >
                    {t('reportForm.removeEvidence', { name: item.file.name })}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('reportForm.sourceAndMarking')}</legend>
          <div className="field-row">
            <Field
              id="rf-sourceName"
              label={t('reportForm.sourceName')}
              hint={t('reportForm.sourceNameHint')}
              errors={errorsFor('sourceName')}
            >
              <input value={draft.sourceName} onChange={(e) => set({ sourceName: e.target.value })} />
            </Field>
            <Field
              id="rf-reliability"
              label={t('reportForm.reliability')}
              hint={t('reportForm.reliabilityHint')}
              errors={errorsFor('reliability')}
            >
              <select
                disabled={draft.sourceName.trim() === ''}
                value={draft.reliability}
                onChange={(e) => set({ reliability: e.target.value as Reliability })}
              >
                {RELIABILITY.map((r) => (
                  <option key={r} value={r}>
                    {r} — {t(`grade.reliability.${r}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="rf-credibility" label={t('reportForm.credibility')} errors={errorsFor('credibility')}>
              <select
                value={draft.credibility}
                onChange={(e) => set({ credibility: Number(e.target.value) as Credibility })}
              >
                {CREDIBILITY.map((c) => (
                  <option key={c} value={c}>
                    {c} — {t(`grade.credibility.${c}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="rf-marking"
              label={t('reportForm.marking')}
              hint={t('reportForm.markingHint')}
              errors={errorsFor('marking')}
            >
              <select value={draft.marking} onChange={(e) => set({ marking: e.target.value as Marking })}>
                {MARKINGS.map((m) => (
                  <option key={m} value={m}>
                    TLP:{m}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || noTaxonomy}>
            {busy ? t('reportForm.sending') : t('reportForm.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function groupsOf<T extends { group: string }>(items: T[]): [string, T[]][] {
  const byGroup = new Map<string, T[]>();
  for (const c of items) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
  return [...byGroup.entries()];
}

function FieldErrors({ errors, id }: { errors: string[]; id: string }) {
  if (errors.length === 0) return null;
  return (
    <p className="field-error" id={id}>
      {errors.join('; ')}
    </p>
  );
}

/** A labelled control with its hint and errors wired to aria-describedby / aria-invalid. */
function Field({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors: string[];
  children: ReactElement;
}) {
  const describedBy = [hint ? `${id}-hint` : '', errors.length ? `${id}-errors` : '']
    .filter(Boolean)
    .join(' ');
  const child = children as ReactElement<Record<string, unknown>>;
  return (
    <div className={`field${errors.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldErrors errors={errors} id={`${id}-errors`} />
      {cloneElement(child, {
        id,
        name: id.slice(3),
        'aria-invalid': errors.length > 0 || undefined,
        'aria-describedby': describedBy || undefined,
      })}
    </div>
  );
}
