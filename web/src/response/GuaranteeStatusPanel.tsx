import { useEffect } from 'react';
import { getGuaranteeStatus, type GuaranteeCondition } from '../api/response.js';
import { Link } from '../app/router.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import type { ResponseNames } from './labels.js';

function Conditions({ title, conditions }: { title: string; conditions: GuaranteeCondition[] }) {
  if (conditions.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul className="conditions">
        {conditions.map((c) => (
          <li key={c.id} data-condition={c.id} data-met={c.met}>
            <span className={`vstatus ${c.met ? 'condition-met' : 'condition-unmet'}`}>
              {c.met ? t('guaranteeStatus.met') : t('guaranteeStatus.notMet')}
            </span>{' '}
            {c.description}
            {c.findingIds.length > 0 && (
              <span className="condition-findings">
                {' '}
                {t('guaranteeStatus.findings', { count: c.findingIds.length })}:{' '}
                {c.findingIds.map((id, n) => (
                  <span key={id}>
                    {n > 0 && ', '}
                    <Link to={`/findings/${encodeURIComponent(id)}`} className="mono">
                      {id.slice(0, 8)}
                    </Link>
                  </span>
                ))}
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Each guarantee's state (dormant, activated, void) with its conditions and the findings behind them. */
export function GuaranteeStatusPanel({ names, refreshKey }: { names: ResponseNames; refreshKey: number }) {
  const status = useAsync(() => getGuaranteeStatus(), []);
  const { reload } = status;
  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey, reload]);
  if (status.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (status.status === 'failed') return <Problem error={status.error} />;
  if (status.data.guarantees.length === 0) return <p className="muted">{t('guaranteeStatus.none')}</p>;
  return (
    <div className="cards">
      {status.data.guarantees.map((g) => (
        <section key={g.id} className="card" data-testid="guarantee-status" aria-labelledby={`gs-${g.id}`}>
          <div className="rung-head">
            <h3 id={`gs-${g.id}`}>{g.name}</h3>
            <span className={`vstatus gstate-${g.state}`} data-state={g.state}>
              {t(`guaranteeState.${g.state}`)}
            </span>
          </div>
          <p className="muted">
            {t('guaranteeStatus.who', {
              guarantors: g.guarantors.map(names.actor).join(', '),
              beneficiary: names.actor(g.beneficiary),
            })}
          </p>
          <Conditions title={t('guarantee.activation')} conditions={g.activation} />
          <Conditions title={t('guarantee.void')} conditions={g.void} />
        </section>
      ))}
    </div>
  );
}
