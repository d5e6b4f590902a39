import { useMemo } from 'react';
import { getNegotiation } from '../api/agreement.js';
import { useAgreement } from '../agreement/useAgreement.js';
import { GuaranteeView, LadderView } from '../agreement/Ladder.js';
import { negotiationView } from '../agreement/negotiation.js';
import { Hurdles, ProvisionsTable } from '../agreement/Provisions.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDate, formatDateTime, formatPercent, humanise, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';

/** The agreement as data: provisions and positions, consensus, open hurdles, the ladder and the guarantees. */
export default function AgreementScreen() {
  const session = useSession();
  const current = useAgreement();
  const negotiation = useAsync(() => getNegotiation().catch(() => null), []);

  const names = useMemo(() => {
    const a = current.data?.agreement;
    const all = [
      ...(a?.parties ?? []),
      ...(a?.guarantors ?? []),
      ...(a?.verification_bodies ?? []),
      ...(a?.humanitarian_organisations ?? []),
      ...(a?.other_actors ?? []),
    ];
    return new Map(all.map((x) => [x.id, x.name]));
  }, [current.data]);

  if (current.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (current.status === 'failed') return <Problem error={current.error} />;
  if (current.data === null) {
    return (
      <section className="page">
        <h1>{t('agreement.title')}</h1>
        <div className="empty-state" data-testid="no-agreement">
          <p className="empty-title">{t('agreement.none')}</p>
          <p className="muted">
            {session.signedIn ? t('agreement.noneSignedIn') : t('agreement.noneAnonymous')}
          </p>
        </div>
      </section>
    );
  }

  const { version, agreement } = current.data;
  const view = negotiationView(agreement, negotiation.data ?? null);

  return (
    <section className="page agreement">
      <div className="page-head">
        <h1>{agreement.title}</h1>
        <span className={`marking marking-${version.marking.toLowerCase().replace('+', '-')}`}>
          TLP:{version.marking}
        </span>
      </div>
      {agreement.illustrative && agreement.notice && (
        <p className="notice notice-warn" role="note">
          {agreement.notice}
        </p>
      )}
      <dl className="facts facts-inline agreement-meta">
        <dt>{t('agreement.version')}</dt>
        <dd>
          {version.version} <span className="muted">({version.id})</span>
        </dd>
        <dt>{t('agreement.status')}</dt>
        <dd>
          <span className={`status status-${version.status}`}>{humanise(version.status)}</span>
        </dd>
        <dt>{t('agreement.entryIntoForce')}</dt>
        <dd>
          {agreement.entry_into_force}
          <span className="muted">
            {' '}
            ({version.entryIntoForce ? formatDateTime(version.entryIntoForce) : t('agreement.notDated')})
          </span>
        </dd>
        <dt>{t('agreement.timeZone')}</dt>
        <dd>{agreement.time_zone}</dd>
        <dt>{t('agreement.loaded')}</dt>
        <dd>{formatDateTime(version.loadedAt)}</dd>
      </dl>

      <div className="cards summary-cards">
        <div className="card stat" data-testid="consensus">
          <p className="stat-label">{t('agreement.consensus')}</p>
          <p className="stat-value">{formatPercent(view.consensusShare)}</p>
          <p className="muted">
            {t('agreement.consensusDetail', { agreed: view.agreed, total: view.total })}
          </p>
          <div
            className="meter"
            role="meter"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(view.consensusShare * 100)}
            aria-label={t('agreement.consensus')}
          >
            <span style={{ width: `${view.consensusShare * 100}%` }} />
          </div>
        </div>
        <div className="card stat" data-testid="hurdle-count">
          <p className="stat-label">{t('agreement.openHurdles')}</p>
          <p className="stat-value">{view.hurdles.length}</p>
          <p className="muted">{view.hurdles.map((h) => h.title).join(' · ') || t('agreement.noHurdles')}</p>
        </div>
        {(agreement.guarantees ?? []).map((g) => (
          <div className="card stat" key={g.id}>
            <p className="stat-label">{t('agreement.guaranteeStatus')}</p>
            <p className="stat-value stat-value-text">{humanise(g.ratification.status)}</p>
            <p className="muted">{g.name}</p>
          </div>
        ))}
      </div>

      {view.deadlines.length > 0 && (
        <section aria-labelledby="deadlines-heading">
          <h2 id="deadlines-heading">{t('agreement.deadlines')}</h2>
          <ul className="deadlines">
            {view.deadlines.map((d) => (
              <li key={d.id} className={d.overdue ? 'overdue' : undefined}>
                <strong>{d.text}</strong> —{' '}
                {d.due && /^\d{4}-\d{2}-\d{2}/.test(d.due) ? formatDate(d.due) : d.due}
                {d.daysLeft !== undefined && (
                  <span className="muted">
                    {' '}
                    (
                    {d.overdue
                      ? t('agreement.overdue', { count: -d.daysLeft })
                      : t('agreement.daysLeft', { count: d.daysLeft })}
                    )
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="hurdles-heading">
        <h2 id="hurdles-heading">{t('agreement.openHurdles')}</h2>
        <Hurdles hurdles={view.hurdles} names={names} />
      </section>

      <section aria-labelledby="provisions-heading">
        <h2 id="provisions-heading">{t('agreement.provisions')}</h2>
        <ProvisionsTable agreement={agreement} parties={agreement.parties} />
      </section>

      <section aria-labelledby="ladder-heading">
        <h2 id="ladder-heading">{t('agreement.ladder')}</h2>
        {(agreement.escalation_ladders ?? []).length === 0 ? (
          <p className="muted">{t('agreement.noLadder')}</p>
        ) : (
          agreement.escalation_ladders!.map((l) => <LadderView key={l.id} ladder={l} names={names} />)
        )}
      </section>

      <section aria-labelledby="guarantees-heading">
        <h2 id="guarantees-heading">{t('agreement.guarantees')}</h2>
        {(agreement.guarantees ?? []).length === 0 ? (
          <p className="muted">{t('agreement.noGuarantees')}</p>
        ) : (
          agreement.guarantees!.map((g) => <GuaranteeView key={g.id} guarantee={g} names={names} />)
        )}
      </section>
    </section>
  );
}
