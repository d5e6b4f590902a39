import { useState } from 'react';
import { respondToNotice, type Delivery, type NoticeResponse } from '../api/notices.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';

/**
 * An addressee's answer to its copy: acknowledge (received — never approval), object with a reason,
 * and approve or refuse only when the obligation is a permission request.
 */
export function AnswerForm({
  delivery,
  onAnswered,
  explained = false,
}: {
  delivery: Delivery;
  onAnswered: () => void;
  /** The screen already says what acknowledging means (the board's section label). */
  explained?: boolean;
}) {
  const [reasonFor, setReasonFor] = useState<'object' | 'refuse' | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const permission = delivery.view?.obligationKind === 'permission_request';
  const id = delivery.noticeId;

  const send = async (response: NoticeResponse, why?: string) => {
    setBusy(true);
    setError(null);
    try {
      await respondToNotice(id, response, why);
      onAnswered();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="answer-form" data-testid="answer-form">
      {(permission || !explained) && (
        <p className="hint" data-testid="ack-meaning">
          {permission ? t('notices.approvalMeaning') : t('notices.ackMeaning')}
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() => void send('acknowledge')}
        >
          {t('notices.acknowledge')}
        </button>
        {permission && (
          <button type="button" className="button" disabled={busy} onClick={() => void send('approve')}>
            {t('notices.approve')}
          </button>
        )}
        {permission && (
          <button type="button" className="button" disabled={busy} onClick={() => setReasonFor('refuse')}>
            {t('notices.refuse')}
          </button>
        )}
        <button type="button" className="button" disabled={busy} onClick={() => setReasonFor('object')}>
          {t('notices.object')}
        </button>
      </div>
      {reasonFor && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send(reasonFor, reason.trim());
          }}
        >
          <label htmlFor={`reason-${delivery.id}`}>
            {reasonFor === 'object' ? t('notices.objectReason') : t('notices.refuseReason')}
          </label>
          <textarea
            id={`reason-${delivery.id}`}
            required
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy || reason.trim() === ''}>
              {reasonFor === 'object' ? t('notices.sendObjection') : t('notices.sendRefusal')}
            </button>
            <button type="button" className="button" onClick={() => setReasonFor(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {error !== null && <Problem error={error} />}
    </div>
  );
}
