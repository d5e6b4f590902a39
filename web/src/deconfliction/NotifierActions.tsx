import { useState } from 'react';
import { cancelNotice, reconfirmNotice, withdrawNotice, type Notice } from '../api/notices.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';

/**
 * What the notifier may do with a notice: while it is active, re-confirm it (when the agreement
 * asks) or cancel it (NOTAM C: the addressees keep what they received); until it is withdrawn,
 * withdraw it (its content is taken back from every addressee). Cancelling and withdrawing state a reason, which is logged.
 */
export function NotifierActions({ notice, onDone }: { notice: Notice; onDone: () => void }) {
  const [ending, setEnding] = useState<'cancel' | 'withdraw' | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A notice that ended another way can still be withdrawn (its content taken back); nothing else.
  if (notice.state === 'withdrawn') return null;
  const active = notice.state === 'active';

  const run = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      setEnding(null);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="notifier-actions" data-testid="notifier-actions">
      <div className="button-row">
        {active && notice.reconfirmDue !== undefined && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void run(() => reconfirmNotice(notice.id))}
          >
            {t('notices.reconfirm')}
          </button>
        )}
        {active && (
          <button type="button" className="button" disabled={busy} onClick={() => setEnding('cancel')}>
            {t('notices.cancel')}
          </button>
        )}
        <button type="button" className="button" disabled={busy} onClick={() => setEnding('withdraw')}>
          {t('notices.withdraw')}
        </button>
      </div>
      {ending && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const why = reason.trim();
            void run(() =>
              ending === 'cancel' ? cancelNotice(notice.id, why) : withdrawNotice(notice.id, why),
            );
          }}
        >
          <p className="hint">{ending === 'cancel' ? t('notices.cancelHint') : t('notices.withdrawHint')}</p>
          <label htmlFor="end-reason">{t('notices.endReasonLabel')}</label>
          <textarea
            id="end-reason"
            required
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy || reason.trim() === ''}>
              {ending === 'cancel' ? t('notices.confirmCancel') : t('notices.confirmWithdraw')}
            </button>
            <button type="button" className="button" onClick={() => setEnding(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {error !== null && <Problem error={error} />}
    </div>
  );
}
