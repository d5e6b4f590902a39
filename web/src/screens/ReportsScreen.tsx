import { useId, useMemo, useState } from 'react';
import { casualtyTotals, listReportPage, type ReportSort } from '../api/reports.js';
import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNearestPlace, formatNumber, t } from '../i18n/index.js';
import { formatLonLat } from '../lib/position.js';
import { styleZones } from '../map/overlays.js';
import { DateRangeFields } from '../reports/DateRangeFields.js';
import { serverWindow } from '../reports/filter.js';
import { useLiveAsync } from '../reports/useLiveAsync.js';

/** Rows on one page of the list. */
export const LIST_PAGE = 100;

/** What the list asks the server for: it filters and sorts, so any week of any number of reports lists. */
interface ListFilters {
  /** Inclusive calendar dates (YYYY-MM-DD, UTC); '' for open. */
  from: string;
  to: string;
  category: string;
  zone: string;
  flagged: boolean;
  sort: ReportSort;
}

const NO_LIST_FILTERS: ListFilters = {
  from: '',
  to: '',
  category: '',
  zone: '',
  flagged: false,
  sort: '-observed',
};

/**
 * Reports the principal may see, a page at a time, filtered and sorted by the server. The cursors of
 * the pages seen so far are kept, so Newer goes back without asking for a page number.
 */
export default function ReportsScreen() {
  const session = useSession();
  const agreement = useAgreement();
  const zones = useZones();
  const id = useId();
  const [filters, setFilters] = useState<ListFilters>(NO_LIST_FILTERS);
  // Open where there is room beside the list's width; folded on a phone, where they would push the list down.
  const [filtersOpen, setFiltersOpen] = useState(() => window.matchMedia('(min-width: 720px)').matches);
  /** Cursors of the pages after the first that were reached with Older; the last is the page shown. */
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const set = (change: Partial<ListFilters>) => {
    setFilters((f) => ({ ...f, ...change }));
    setCursors([]);
  };
  // New reports the viewer may see refresh the page shown without a reload.
  const reports = useLiveAsync(
    () =>
      listReportPage(
        {
          ...serverWindow(filters.from, filters.to),
          ...(filters.category ? { category: filters.category } : {}),
          ...(filters.zone ? { zone: filters.zone } : {}),
          ...(filters.flagged ? { flagged: true } : {}),
        },
        filters.sort,
        LIST_PAGE,
        cursor,
      ),
    [filters, cursor],
    ['report.'],
  );
  const taxonomy = useMemo(() => agreement.data?.agreement.report_taxonomy ?? [], [agreement.data]);
  const names = useMemo(() => new Map(taxonomy.map((c) => [c.id, c.name])), [taxonomy]);
  const zoneChoices = useMemo(
    () => styleZones(zones.data ?? null).legend.filter((l) => l.kind === 'zone'),
    [zones.data],
  );
  const rows = reports.data?.reports ?? [];
  const first = cursors.length * LIST_PAGE + 1;
  const active = [filters.from || filters.to, filters.category, filters.zone, filters.flagged].filter(
    Boolean,
  ).length;
  const filtered = active > 0;

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('reports.title')}</h1>
        {session.can('reports:create') && (
          <Link to="/reports/new" className="button button-primary">
            {t('nav.newReport')}
          </Link>
        )}
      </div>
      <details className="filters" open={filtersOpen} onToggle={(e) => setFiltersOpen(e.currentTarget.open)}>
        <summary>
          {t('filters.title')}
          {active > 0 && <span className="badge">{t('filters.active', { count: active })}</span>}
        </summary>
        <form
          className="list-filters"
          aria-label={t('filters.title')}
          data-testid="report-list-filters"
          onSubmit={(e) => e.preventDefault()}
        >
          <DateRangeFields id={id} from={filters.from} to={filters.to} onChange={set} />
          <div className="field">
            <label htmlFor={`${id}-category`}>{t('filters.category')}</label>
            <select
              id={`${id}-category`}
              value={filters.category}
              onChange={(e) => set({ category: e.target.value })}
            >
              <option value="">{t('reports.anyCategory')}</option>
              {taxonomy.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-zone`}>{t('filters.zone')}</label>
            <select id={`${id}-zone`} value={filters.zone} onChange={(e) => set({ zone: e.target.value })}>
              <option value="">{t('filters.anyZone')}</option>
              {zoneChoices.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-sort`}>{t('reports.sort')}</label>
            <select
              id={`${id}-sort`}
              value={filters.sort}
              onChange={(e) => set({ sort: e.target.value as ReportSort })}
            >
              <option value="-observed">{t('reports.sortNewest')}</option>
              <option value="observed">{t('reports.sortOldest')}</option>
              <option value="grade">{t('reports.sortGrade')}</option>
            </select>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={filters.flagged}
              onChange={(e) => set({ flagged: e.target.checked })}
            />{' '}
            {t('filters.flagged')}
          </label>
          {filtered && (
            <button type="button" className="button button-small" onClick={() => set(NO_LIST_FILTERS)}>
              {t('filters.clear')}
            </button>
          )}
        </form>
      </details>
      {reports.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {reports.status === 'failed' && <Problem error={reports.error} />}
      {reports.status === 'done' && rows.length === 0 && (
        <div className="empty-state" data-testid="no-reports">
          {filtered || cursors.length > 0 ? (
            <p className="empty-title">{t('reports.noneMatch')}</p>
          ) : (
            <>
              <p className="empty-title">{t('reports.none')}</p>
              <p className="muted">{t('reports.noneVisible')}</p>
            </>
          )}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data-table" data-testid="reports-table">
            <caption className="visually-hidden">{t('reports.caption', { count: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('report.observed')}</th>
                <th scope="col">{t('report.category')}</th>
                <th scope="col">{t('reports.place')}</th>
                <th scope="col">{t('report.casualties')}</th>
                <th scope="col">{t('report.grade')}</th>
                <th scope="col">{t('report.marking')}</th>
                <th scope="col">{t('report.possibleViolations')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">
                    <Link to={`/reports/${encodeURIComponent(r.id)}`}>{formatDateTime(r.observed.from)}</Link>
                  </td>
                  <td>{names.get(r.category ?? '') ?? r.category}</td>
                  <td>
                    {(r.classification.nearestPlace && formatNearestPlace(r.classification.nearestPlace)) ??
                      r.location.placeName ??
                      formatLonLat(r.location)}
                  </td>
                  <td>
                    {formatNumber(casualtyTotals(r).killed)} / {formatNumber(casualtyTotals(r).injured)}
                  </td>
                  <td>
                    {r.grade.reliability}
                    {r.grade.credibility}
                  </td>
                  <td>
                    <span className={`marking marking-${r.marking.toLowerCase().replace('+', '-')}`}>
                      TLP:{r.marking}
                    </span>
                  </td>
                  <td>
                    {r.classification.possibleViolations.length > 0 ? (
                      <span className="flag">
                        ⚠ {formatNumber(r.classification.possibleViolations.length)}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 0 || reports.data?.next !== undefined) && (
        <nav className="pager" aria-label={t('reports.pages')} data-testid="reports-pager">
          <button
            type="button"
            className="button button-small"
            disabled={cursors.length === 0}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            {t('reports.previous')}
          </button>
          <span className="muted" data-testid="reports-range">
            {t('reports.range', { first: formatNumber(first), last: formatNumber(first + rows.length - 1) })}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={reports.data?.next === undefined}
            onClick={() => {
              const next = reports.data?.next;
              if (next !== undefined) setCursors((c) => [...c, next]);
            }}
          >
            {t('reports.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
