import { useId, useState } from 'react';
import {
  INCIDENT_STATUSES,
  listIncidents,
  nextIncident,
  SEVERITIES,
  type IncidentQuery,
  type IncidentStatus,
  type Severity,
} from '../api/verification.js';
import { Link, useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { useLiveAsync } from '../reports/useLiveAsync.js';
import {
  OverdueFlag,
  placeOf,
  SeverityBadge,
  StatusBadge,
  useAgreementNames,
  type AgreementNames,
} from '../verification/labels.js';

const PAGE = 200;
/** What the queue shows first: the incidents still waiting for a conclusion. */
const OPEN: IncidentStatus[] = ['reported', 'under_review'];

/** The verification queue: incidents the user may see, due first, with filters and "next item". */
export default function IncidentsScreen() {
  const session = useSession();
  const names = useAgreementNames();
  const { navigate } = useRouter();
  const [query, setQuery] = useState<IncidentQuery>({ status: OPEN });
  // Incidents opened or changed meanwhile appear without a reload.
  const incidents = useLiveAsync(() => listIncidents({ ...query, limit: PAGE }), [query], ['incident.']);
  const [next, setNext] = useState<{ busy: boolean; none: boolean; error: unknown }>({
    busy: false,
    none: false,
    error: null,
  });

  const openNext = async () => {
    setNext({ busy: true, none: false, error: null });
    try {
      const incident = await nextIncident();
      if (incident) navigate(`/incidents/${encodeURIComponent(incident.id)}`);
      else setNext({ busy: false, none: true, error: null });
    } catch (error) {
      setNext({ busy: false, none: false, error });
    }
  };

  const rows = incidents.data?.incidents ?? [];
  const total = incidents.data?.total ?? 0;
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('incidents.title')}</h1>
        {session.can('incidents:verify') && (
          <button
            type="button"
            className="button button-primary"
            disabled={next.busy}
            onClick={() => void openNext()}
          >
            {t('incidents.next')}
          </button>
        )}
      </div>
      <p className="lede">{t('incidents.lede')}</p>
      {next.none && (
        <p className="notice" role="status" data-testid="next-none">
          {t('incidents.nextNone')}
        </p>
      )}
      {next.error !== null && <Problem error={next.error} />}
      <QueueFilters query={query} onChange={setQuery} names={names} />
      <p className="count" data-testid="incident-count" data-total={total} data-shown={rows.length}>
        {t('incidents.count', { count: total })}
        {rows.length < total && ` · ${t('incidents.shownOf', { shown: rows.length, total })}`}
      </p>
      {incidents.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {incidents.status === 'failed' && <Problem error={incidents.error} />}
      {incidents.status === 'done' && rows.length === 0 && (
        <div className="empty-state" data-testid="no-incidents">
          <p className="empty-title">{t('incidents.none')}</p>
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-on-phone" data-testid="incidents-table">
            <caption className="visually-hidden">{t('incidents.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('incidents.due')}</th>
                <th scope="col">{t('incident.category')}</th>
                <th scope="col">{t('incidents.status')}</th>
                <th scope="col">{t('incidents.severity')}</th>
                <th scope="col">{t('incidents.corroboration')}</th>
                <th scope="col">{t('incidents.reports')}</th>
                <th scope="col">{t('incidents.where')}</th>
                <th scope="col">{t('incident.observed')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i.id} data-incident-id={i.id} className={i.overdue ? 'row-overdue' : undefined}>
                  <td data-label={t('incidents.due')} className="nowrap">
                    {formatDateTime(i.dueAt)}
                    {i.overdue && (
                      <div>
                        <OverdueFlag />
                      </div>
                    )}
                  </td>
                  <td data-label={t('incident.category')}>
                    <Link to={`/incidents/${encodeURIComponent(i.id)}`}>{names.category(i.category)}</Link>
                  </td>
                  <td data-label={t('incidents.status')}>
                    <StatusBadge status={i.status} />
                    {i.pending && (
                      <div className="muted">
                        {t('incidents.pendingShort', {
                          status: t(`status.${i.pending.status as IncidentStatus}`),
                        })}
                      </div>
                    )}
                  </td>
                  <td data-label={t('incidents.severity')}>
                    <SeverityBadge severity={i.severity} />
                  </td>
                  <td data-label={t('incidents.corroboration')}>
                    {t(`corroboration.${i.corroboration.level}`)}
                  </td>
                  <td data-label={t('incidents.reports')}>{formatNumber(i.reportIds.length)}</td>
                  <td data-label={t('incidents.where')}>{placeOf(i, names)}</td>
                  <td data-label={t('incident.observed')} className="nowrap">
                    {formatDateTime(i.observedFrom)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function QueueFilters({
  query,
  onChange,
  names,
}: {
  query: IncidentQuery;
  onChange: (q: IncidentQuery) => void;
  names: AgreementNames;
}) {
  const uid = useId();
  const statuses = new Set(query.status ?? []);
  // On a phone the filters start folded, so the queue itself is on the first screen.
  const [openAtStart] = useState(() => window.matchMedia('(min-width: 600px)').matches);
  const active = Object.keys(query).filter((k) => k !== 'status').length;
  const set = (patch: Partial<IncidentQuery>) => {
    const next: IncidentQuery = { ...query, ...patch };
    for (const k of Object.keys(next) as (keyof IncidentQuery)[]) if (next[k] === undefined) delete next[k];
    onChange(next);
  };
  return (
    <details className="queue-filters" open={openAtStart}>
      <summary>
        {t('incidents.filters')}
        {active > 0 && <span className="badge">{t('filters.active', { count: active })}</span>}
      </summary>
      <form
        className="queue-filters-form"
        aria-label={t('incidents.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <fieldset className="status-filter">
          <legend>{t('incidents.status')}</legend>
          {INCIDENT_STATUSES.map((s) => (
            <label key={s} className="toggle">
              <input
                type="checkbox"
                name="status"
                value={s}
                checked={statuses.has(s)}
                onChange={() => {
                  const next = new Set(statuses);
                  if (next.has(s)) next.delete(s);
                  else next.add(s);
                  set({ status: INCIDENT_STATUSES.filter((x) => next.has(x)) });
                }}
              />
              {t(`status.${s}`)}
            </label>
          ))}
        </fieldset>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${uid}-category`}>{t('incident.category')}</label>
            <select
              id={`${uid}-category`}
              value={query.category ?? ''}
              onChange={(e) => set({ category: e.target.value || undefined })}
            >
              <option value="">{t('incidents.anyCategory')}</option>
              {names.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-severity`}>{t('incidents.severity')}</label>
            <select
              id={`${uid}-severity`}
              value={query.severity ?? ''}
              onChange={(e) => set({ severity: (e.target.value || undefined) as Severity | undefined })}
            >
              <option value="">{t('incidents.anySeverity')}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`severity.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-sector`}>{t('incidents.sector')}</label>
            <select
              id={`${uid}-sector`}
              value={query.sector ?? ''}
              onChange={(e) => set({ sector: e.target.value || undefined })}
            >
              <option value="">{t('incidents.anySector')}</option>
              {names.sectors.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-age`}>{t('incidents.olderThan')}</label>
            <input
              id={`${uid}-age`}
              type="number"
              min={0}
              step={1}
              inputMode="numeric"
              value={query.olderThanHours ?? ''}
              onChange={(e) =>
                set({
                  olderThanHours: e.target.value === '' ? undefined : Math.max(0, Number(e.target.value)),
                })
              }
            />
          </div>
        </div>
        <div className="button-row">
          <label className="toggle">
            <input
              type="checkbox"
              checked={query.overdue === true}
              onChange={(e) => set({ overdue: e.target.checked || undefined })}
            />
            {t('incidents.overdueOnly')}
          </label>
          <button type="button" className="button button-small" onClick={() => onChange({ status: OPEN })}>
            {t('incidents.clear')}
          </button>
        </div>
      </form>
    </details>
  );
}
