import { useId, useState, type FormEvent } from 'react';
import {
  ATTRIBUTION_CONFIDENCES,
  attributeIncident,
  type AttributionConfidence,
  type IncidentDetail,
} from '../api/verification.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';
import type { AgreementNames } from './labels.js';

/** Attributes the incident: the party (or unknown), how sure, the method, the reports it rests on. */
export function AttributionForm({
  detail,
  names,
  onChange,
}: {
  detail: IncidentDetail;
  names: AgreementNames;
  onChange: (d: IncidentDetail) => void;
}) {
  const uid = useId();
  const current = detail.incident.attribution;
  const [party, setParty] = useState(current?.party ?? '');
  const [confidence, setConfidence] = useState<AttributionConfidence>(current?.confidence ?? 'unknown');
  const [method, setMethod] = useState(current?.method ?? '');
  const [evidence, setEvidence] = useState<ReadonlySet<string>>(new Set(current?.evidence ?? []));
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (method.trim() === '') {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onChange(
        await attributeIncident(detail.incident.id, {
          ...(party !== '' ? { party } : {}),
          confidence,
          method: method.trim(),
          ...(evidence.size > 0 ? { evidence: [...evidence] } : {}),
        }),
      );
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="step-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${uid}-title`}>
      <h3 id={`${uid}-title`}>{t('incident.attribute')}</h3>
      <p className="hint">{t('incident.attributeHint')}</p>
      {error !== null && <Problem error={error} />}
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${uid}-party`}>{t('incident.party')}</label>
          <select id={`${uid}-party`} value={party} onChange={(e) => setParty(e.target.value)}>
            <option value="">{t('incident.partyUnknown')}</option>
            {names.parties.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-confidence`}>{t('incident.confidence')}</label>
          <select
            id={`${uid}-confidence`}
            value={confidence}
            onChange={(e) => setConfidence(e.target.value as AttributionConfidence)}
          >
            {ATTRIBUTION_CONFIDENCES.map((c) => (
              <option key={c} value={c}>
                {t(`confidence.${c}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className={missing ? 'field field-invalid' : 'field'}>
        <label htmlFor={`${uid}-method`}>{t('incident.method')}</label>
        <textarea
          id={`${uid}-method`}
          rows={2}
          value={method}
          aria-invalid={missing}
          aria-describedby={missing ? `${uid}-method-error` : undefined}
          onChange={(e) => {
            setMethod(e.target.value);
            setMissing(false);
          }}
        />
        {missing && (
          <p className="field-error" id={`${uid}-method-error`}>
            {t('incident.methodMissing')}
          </p>
        )}
      </div>
      {detail.reports.length > 0 && (
        <fieldset>
          <legend>{t('incident.evidence')}</legend>
          <ul className="plain-list">
            {detail.reports.map((r) => (
              <li key={r.id}>
                <label className="toggle">
                  <input
                    type="checkbox"
                    checked={evidence.has(r.id)}
                    onChange={() =>
                      setEvidence((s) => {
                        const next = new Set(s);
                        if (next.has(r.id)) next.delete(r.id);
                        else next.add(r.id);
                        return next;
                      })
                    }
                  />
                  <span className="mono">{r.id}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {t('incident.saveAttribution')}
        </button>
        {saved && (
          <span className="muted" role="status">
            {t('incident.saved')}
          </span>
        )}
      </div>
    </form>
  );
}
