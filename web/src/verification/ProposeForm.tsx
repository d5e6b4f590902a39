import { useId, useState, type FormEvent } from 'react';
import { proposeFinding, type FindingDetail } from '../api/verification.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';

/** Puts a concluded incident to the verification body's vote as a finding. */
export function ProposeForm({
  incidentId,
  onDone,
}: {
  incidentId: string;
  onDone: (f: FindingDetail) => void;
}) {
  const uid = useId();
  const [summary, setSummary] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (summary.trim() === '') {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await proposeFinding(incidentId, { summary: summary.trim(), public: isPublic }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="step-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${uid}-title`}
      data-testid="propose-form"
    >
      <h3 id={`${uid}-title`}>{t('incident.propose')}</h3>
      <p className="hint">{t('incident.proposeHint')}</p>
      {error !== null && <Problem error={error} />}
      <div className={missing ? 'field field-invalid' : 'field'}>
        <label htmlFor={`${uid}-summary`}>{t('incident.summary')}</label>
        <textarea
          id={`${uid}-summary`}
          rows={3}
          value={summary}
          aria-invalid={missing}
          aria-describedby={missing ? `${uid}-summary-error` : undefined}
          onChange={(e) => {
            setSummary(e.target.value);
            setMissing(false);
          }}
        />
        {missing && (
          <p className="field-error" id={`${uid}-summary-error`}>
            {t('incident.summaryMissing')}
          </p>
        )}
      </div>
      <label className="toggle">
        <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} />
        {t('incident.public')}
      </label>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('incident.proposeAction')}
        </button>
      </div>
    </form>
  );
}
