import { useEffect, useState } from 'react';
import { getCase, listCases, type CaseDetail } from '../api/response.js';
import { Link } from '../app/router.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, humanise, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { GuaranteeStatusPanel } from './GuaranteeStatusPanel.js';
import {
  awaiting,
  CaseStatusBadge,
  Countdown,
  optionLabel,
  RungPosition,
  useNow,
  useResponseNames,
} from './labels.js';
import { useLiveEvents } from './useLiveEvents.js';
import './response.css';

/**
 * The cases on the escalation ladders the user may see: where each stands, whose move it is and by
 * when, what was decided and who let a deadline pass. Refreshes when the server announces a case event.
 */
export default function CasesScreen() {
  const names = useResponseNames();
  const now = useNow();
  // The list carries no decisions; each case's own answer does (the commission keeps few live cases).
  const cases = useAsync(async () => {
    const list = await listCases();
    const details = await Promise.all(list.cases.slice(0, 100).map((c) => getCase(c.id)));
    return { total: list.total, details };
  }, []);
  // A refresh keeps the rows on screen until the new ones arrive (no flash of "loading").
  const [shown, setShown] = useState<CaseDetail[] | null>(null);
  useEffect(() => {
    if (cases.data) setShown(cases.data.details);
  }, [cases.data]);
  const [tick, setTick] = useState(0);
  const { reload } = cases;
  useLiveEvents('case.', () => {
    reload();
    setTick((n) => n + 1);
  });
  const rows: CaseDetail[] = shown ?? [];
  return (
    <section className="page cases">
      <div className="page-head">
        <h1>{t('cases.title')}</h1>
      </div>
      <p className="lede">{t('cases.lede')}</p>
      {cases.status === 'failed' && <Problem error={cases.error} />}
      {cases.status === 'loading' && rows.length === 0 && <p role="status">{t('common.loading')}</p>}
      {cases.status === 'done' && cases.data.details.length === 0 && (
        <div className="empty-state" data-testid="no-cases">
          <p className="empty-title">{t('cases.none')}</p>
          <p>{t('cases.noneHint')}</p>
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-on-phone" data-testid="cases-table">
            <caption className="visually-hidden">{t('cases.caption', { count: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.case')}</th>
                <th scope="col">{t('cases.position')}</th>
                <th scope="col">{t('cases.status')}</th>
                <th scope="col">{t('cases.deadline')}</th>
                <th scope="col">{t('cases.mustAct')}</th>
                <th scope="col">{t('cases.decisions')}</th>
                <th scope="col">{t('cases.inaction')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ case: c, decisions, inactions }) => {
                const overdue = c.status !== 'closed' && c.deadline !== null && Date.parse(c.deadline) < now;
                return (
                  <tr key={c.id} data-case-id={c.id} className={overdue ? 'row-overdue' : undefined}>
                    <td data-label={t('cases.case')}>
                      <Link to={`/cases/${encodeURIComponent(c.id)}`}>
                        {c.party
                          ? t('cases.against', { party: names.actor(c.party) })
                          : t('cases.unattributed')}
                      </Link>
                      <div className="muted">{t('cases.openedAt', { at: formatDateTime(c.openedAt) })}</div>
                    </td>
                    <td data-label={t('cases.position')}>
                      <RungPosition c={c} names={names} />
                    </td>
                    <td data-label={t('cases.status')}>
                      <CaseStatusBadge status={c.status} />
                      {c.status === 'closed' && c.outcome && (
                        <div className="muted">{humanise(c.outcome)}</div>
                      )}
                    </td>
                    <td data-label={t('cases.deadline')}>
                      <Countdown deadline={c.deadline} status={c.status} now={now} />
                    </td>
                    <td data-label={t('cases.mustAct')} data-testid="must-act">
                      {awaiting(c, decisions).map(names.actor).join(', ') || '—'}
                    </td>
                    <td data-label={t('cases.decisions')}>
                      {decisions.length === 0
                        ? '—'
                        : decisions.map((d) => (
                            <div key={d.id}>
                              <strong>{names.actor(d.actor)}</strong>: {optionLabel(d.option, names)}{' '}
                              <span className="muted">({names.rung(c.ladderId, d.rungId)})</span>
                            </div>
                          ))}
                    </td>
                    <td data-label={t('cases.inaction')}>
                      {inactions.length === 0
                        ? '—'
                        : inactions.map((i) => (
                            <div key={i.id} className="inaction">
                              {t('cases.inactionAt', {
                                actor: names.actor(i.actor),
                                rung: names.rung(c.ladderId, i.rungId),
                              })}
                            </div>
                          ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="guarantees-status-heading">
        <h2 id="guarantees-status-heading">{t('guaranteeStatus.title')}</h2>
        <GuaranteeStatusPanel names={names} refreshKey={tick} />
      </section>
    </section>
  );
}
