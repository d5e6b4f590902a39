import { useId, useState, type FormEvent } from 'react';
import {
  isIncidentStatus,
  transitionIncident,
  type IncidentDetail,
  type IncidentStatus,
} from '../api/verification.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';

/** What the button for a move says: a review starts, concludes, is confirmed or is reopened. */
function labelOf(detail: IncidentDetail, to: IncidentStatus): string {
  const i = detail.incident;
  if (i.pending?.status === to) return t('incident.confirm', { status: t(`status.${to}`) });
  if (to === 'under_review' && i.status !== 'reported') return t('incident.move.reopen');
  return t(`incident.move.${to}`);
}

/**
 * One button per transition the server says this user may make now (`allowed`); each asks for the
 * reason (and, for a duplicate, the incident it repeats) before anything is sent.
 */
export function TransitionButtons({
  detail,
  onChange,
}: {
  detail: IncidentDetail;
  onChange: (d: IncidentDetail) => void;
}) {
  const [open, setOpen] = useState<IncidentStatus | null>(null);
  const allowed = detail.allowed.filter(isIncidentStatus);
  if (allowed.length === 0) return <p className="muted">{t('incident.noActions')}</p>;
  return (
    <div className="transitions" data-testid="transitions">
      <div className="button-row">
        {allowed.map((to) => (
          <button
            key={to}
            type="button"
            className={open === to ? 'button button-primary' : 'button'}
            aria-expanded={open === to}
            data-to={to}
            onClick={() => setOpen(open === to ? null : to)}
          >
            {labelOf(detail, to)}
          </button>
        ))}
      </div>
      {open && (
        <TransitionForm
          key={open}
          id={detail.incident.id}
          to={open}
          onCancel={() => setOpen(null)}
          onDone={(d) => {
            setOpen(null);
            onChange(d);
          }}
        />
      )}
    </div>
  );
}

function TransitionForm(props: {
  id: string;
  to: IncidentStatus;
  onCancel: () => void;
  onDone: (d: IncidentDetail) => void;
}) {
  const uid = useId();
  const [reason, setReason] = useState('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      props.onDone(
        await transitionIncident(props.id, {
          to: props.to,
          reason: reason.trim(),
          ...(props.to === 'duplicate' && duplicateOf.trim() !== ''
            ? { duplicateOf: duplicateOf.trim() }
            : {}),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const status = t(`status.${props.to}`);
  return (
    <form
      className="step-form"
      onSubmit={(e) => void submit(e)}
      aria-label={t('incident.submitMove', { status })}
    >
      {error !== null && <Problem error={error} />}
      <div className={missing ? 'field field-invalid' : 'field'}>
        <label htmlFor={`${uid}-reason`}>{t('incident.reason')}</label>
        <textarea
          id={`${uid}-reason`}
          rows={3}
          value={reason}
          autoFocus
          aria-invalid={missing}
          aria-describedby={missing ? `${uid}-reason-error` : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            setMissing(false);
          }}
        />
        {missing && (
          <p className="field-error" id={`${uid}-reason-error`}>
            {t('incident.reasonMissing')}
          </p>
        )}
      </div>
      {props.to === 'duplicate' && (
        <div className="field">
          <label htmlFor={`${uid}-dup`}>{t('incident.duplicateOfId')}</label>
          <input id={`${uid}-dup`} value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} />
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('incident.submitMove', { status })}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {t('incident.cancel')}
        </button>
      </div>
    </form>
  );
}
