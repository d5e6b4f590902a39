import { getRatification } from '../api/commitments.js';
import type { NegotiationSummary } from '../api/types.js';
import { Problem } from '../components/Problem.js';
import { formatDate, formatPercent, humanise, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';

const day = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? formatDate(s) : s);

/**
 * A guarantee's legal form and ratification steps (each step's current status and its recorded
 * history: scheduled, held with the votes, passed), beside where the negotiation stands.
 */
export function RatificationPanel({
  guaranteeId,
  negotiation,
  actor,
}: {
  guaranteeId: string;
  negotiation: NegotiationSummary | null;
  actor: (id: string) => string;
}) {
  const r = useAsync(() => getRatification(guaranteeId), [guaranteeId]);
  if (r.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (r.status === 'failed') return <Problem error={r.error} />;
  const g = r.data;
  return (
    <div className="detail-grid ratification" data-testid="ratification">
      <section className="card" aria-labelledby={`rat-${g.guaranteeId}`}>
        <h3 id={`rat-${g.guaranteeId}`}>{g.name}</h3>
        <dl className="facts">
          <dt>{t('guarantee.legalForm')}</dt>
          <dd>{humanise(g.legalForm)}</dd>
          {g.obligationStrength && (
            <>
              <dt>{t('guarantee.strength')}</dt>
              <dd>{g.obligationStrength}</dd>
            </>
          )}
          <dt>{t('guarantee.ratification')}</dt>
          <dd>
            <span className={`status status-${g.ratificationStatus}`}>{humanise(g.ratificationStatus)}</span>
          </dd>
        </dl>
        <ol className="plain-list ratification-steps">
          {g.steps.map((s) => (
            <li key={s.id} data-step={s.id}>
              <strong>{s.body}</strong> <span className="muted">({actor(s.actor)})</span> — {humanise(s.kind)}{' '}
              <span className={`status status-${s.current}`} data-testid="step-status">
                {humanise(s.current)}
              </span>
              {s.due && (
                <span className="muted">
                  {' '}
                  {t('guarantee.due')}: {day(s.due)}
                </span>
              )}
              <ul className="step-history">
                {s.history.length === 0 ? (
                  <li className="muted">{t('commitments.noHistory')}</li>
                ) : (
                  s.history.map((h) => (
                    <li key={h.id}>
                      {day(h.on)}: {humanise(h.status)}
                      {h.votesFor !== undefined && h.votesAgainst !== undefined && (
                        <> ({t('commitments.votes', { for: h.votesFor, against: h.votesAgainst })})</>
                      )}
                      {h.note && <span className="muted"> — {h.note}</span>}
                    </li>
                  ))
                )}
              </ul>
            </li>
          ))}
        </ol>
      </section>
      {negotiation && (
        <section className="card" aria-labelledby={`neg-${g.guaranteeId}`}>
          <h3 id={`neg-${g.guaranteeId}`}>{t('commitments.negotiation')}</h3>
          <p>
            {t('commitments.consensus', {
              agreed: negotiation.agreed,
              total: negotiation.total,
              share: formatPercent(negotiation.consensusShare),
            })}
          </p>
          <div
            className="meter"
            role="meter"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(negotiation.consensusShare * 100)}
            aria-label={t('commitments.negotiation')}
          >
            <span style={{ width: `${negotiation.consensusShare * 100}%` }} />
          </div>
          <p className="muted">{t('commitments.hurdles', { count: negotiation.openHurdles.length })}</p>
          <ul className="plain-list">
            {negotiation.openHurdles.map((h) => (
              <li key={h.provisionId}>
                <span className="provision-id">{h.provisionId}</span> {h.title}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
