import { useId, useState, type FormEvent } from 'react';
import { decideCase, type CaseDetail } from '../api/response.js';
import { Problem } from '../components/Problem.js';
import { humanise, t } from '../i18n/index.js';
import { optionLabel, type ResponseNames } from './labels.js';

/**
 * An actor's decision at the case's current rung: one of the options the server offers, with a reason
 * (required). The rung is sent along, so a case that moved on meanwhile is refused, not decided blind.
 */
export function DecisionForm({
  detail,
  actors,
  names,
  onDecided,
}: {
  detail: CaseDetail;
  /** The rung's actors the user's organisation acts for and that have not decided yet. */
  actors: string[];
  names: ResponseNames;
  onDecided: (detail: CaseDetail) => void;
}) {
  const c = detail.case;
  const [option, setOption] = useState('');
  const [reason, setReason] = useState('');
  const [actor, setActor] = useState(actors[0] ?? '');
  const [missing, setMissing] = useState<'option' | 'reason' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (option === '') return setMissing('option');
    if (reason.trim() === '') return setMissing('reason');
    setMissing(null);
    setBusy(true);
    setError(null);
    try {
      const answer = await decideCase(c.id, {
        option,
        reason: reason.trim(),
        rung: c.rungId,
        ...(actors.length > 1 ? { actor } : {}),
      });
      setOption('');
      setReason('');
      onDecided(answer);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card decision-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="decision-form"
    >
      <h3>{t('decision.title', { rung: names.rung(c.ladderId, c.rungId) })}</h3>
      <p className="muted">
        {t('decision.rule', { rule: humanise(c.decisionRule), actors: c.actors.map(names.actor).join(', ') })}
      </p>
      {actors.length > 1 && (
        <div className="field">
          <label htmlFor={`${id}-actor`}>{t('decision.actor')}</label>
          <select id={`${id}-actor`} value={actor} onChange={(e) => setActor(e.target.value)}>
            {actors.map((a) => (
              <option key={a} value={a}>
                {names.actor(a)}
              </option>
            ))}
          </select>
        </div>
      )}
      <fieldset aria-describedby={missing === 'option' ? `${id}-option-error` : undefined}>
        <legend>{t('decision.option')}</legend>
        {detail.options.map((o) => (
          <label key={o} className="toggle">
            <input
              type="radio"
              name={`${id}-option`}
              value={o}
              checked={option === o}
              onChange={() => setOption(o)}
            />
            {optionLabel(o, names)}
          </label>
        ))}
        {missing === 'option' && (
          <p className="field-error" id={`${id}-option-error`}>
            {t('decision.chooseOption')}
          </p>
        )}
      </fieldset>
      <div className={`field${missing === 'reason' ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-reason`}>{t('decision.reason')}</label>
        <textarea
          id={`${id}-reason`}
          rows={3}
          maxLength={4000}
          value={reason}
          required
          aria-invalid={missing === 'reason'}
          aria-describedby={missing === 'reason' ? `${id}-reason-error` : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {missing === 'reason' && (
          <p className="field-error" id={`${id}-reason-error`}>
            {t('decision.reasonRequired')}
          </p>
        )}
      </div>
      {error !== null && <Problem error={error} title={t('decision.refused')} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('decision.recording') : t('decision.record')}
        </button>
      </div>
    </form>
  );
}
