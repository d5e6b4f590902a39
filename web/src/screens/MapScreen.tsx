import { useEffect, useMemo, useRef, useState } from 'react';
import {
  getReport,
  listMapReports,
  REPORT_PAGE,
  type MapReportList,
  type ReportDensity,
  type ReportFilter,
  reportDensity,
} from '../api/reports.js';
import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, t } from '../i18n/index.js';
import { formatLonLat, type LonLat } from '../lib/position.js';
import { useAsync } from '../lib/useAsync.js';
import { useLiveAsync } from '../reports/useLiveAsync.js';
import { incidentFeatures } from '../api/verification.js';
import { IncidentLegend } from '../map/IncidentLegend.js';
import { Legend } from '../map/Legend.js';
import { MapView, type MapSelection } from '../map/MapView.js';
import { boundsOf, densityCellFor, densityPoints, reportPoints, styleZones } from '../map/overlays.js';
import { ReportFiltersPanel } from '../reports/ReportFiltersPanel.js';
import { filterReports, NO_FILTERS, roundOut, serverWindow, type ReportFilters } from '../reports/filter.js';
import { ReportSummary } from '../reports/ReportSummary.js';
import { SeverityBadge, StatusBadge } from '../verification/labels.js';

/** One answer for the map: the reports to draw, or (too many in view) the counts per grid cell. */
type MapAnswer = MapReportList & { density: ReportDensity | null; windowKey: string; box: string };

/** The situation map: the agreement's lines and zones, settlements, and the reports the user may see. */
export default function MapScreen() {
  const session = useSession();
  const canReadReports = session.can('reports:read');
  const agreement = useAgreement();
  const zones = useZones();
  const [filters, setFilters] = useState<ReportFilters>(NO_FILTERS);
  // The date range is asked of the server, so any week can be shown however many newer reports there
  // are. When one page does not hold the window's reports, the map asks for those in view as well,
  // again on every move, so zooming in shows them all.
  const windowKey = `${filters.from}/${filters.to}`;
  /** The window whose whole answer did not fit one page: for it, the map asks by view. */
  const [truncatedWindow, setTruncatedWindow] = useState<string | null>(null);
  const [view, setView] = useState<[number, number, number, number] | null>(null);
  /** The box asked for, as text (a stable dependency): '' while the whole window fits one page. */
  const box = truncatedWindow === windowKey && view ? roundOut(view).join(',') : '';
  const query = useMemo<ReportFilter>(() => {
    const span = serverWindow(filters.from, filters.to);
    return box ? { ...span, bbox: box.split(',').map(Number) as ReportFilter['bbox'] } : span;
  }, [filters.from, filters.to, box]);
  // New reports and incidents the viewer may see appear without a reload (the event stream). Each
  // answer says which window and box it is for, so a late one cannot mislead what follows. The map
  // asks only for what it draws and filters on (`view=map`); a selected report is fetched in full.
  // Dates chosen and, in view, more than one page: the server's counts per grid cell instead, clicked
  // to zoom in. (Without dates, counting every report ever filed in view would read them all; the
  // newest are shown instead.)
  const reports = useLiveAsync(
    async (): Promise<MapAnswer> => {
      if (!canReadReports) return { reports: [], more: false, density: null, windowKey, box };
      if (query.bbox && query.from !== undefined && query.to !== undefined) {
        const density = await reportDensity(query, densityCellFor(query.bbox));
        if (density.total > REPORT_PAGE) return { reports: [], more: true, density, windowKey, box };
      }
      return { ...(await listMapReports(query)), density: null, windowKey, box };
    },
    [canReadReports, query, windowKey, box],
    ['report.'],
  );
  // A new window is first asked for whole; whether it needs the view is known from that answer.
  useEffect(() => {
    const answer = reports.data;
    if (reports.status === 'done' && answer !== undefined && answer.box === '' && answer.more)
      setTruncatedWindow(answer.windowKey);
  }, [reports]);
  // While the next box or window loads, the last answer stays on the map (no flash of an empty map).
  const [shownList, setShownList] = useState<MapAnswer | undefined>(undefined);
  useEffect(() => {
    if (reports.status === 'done') setShownList(reports.data);
  }, [reports]);

  const canReadIncidents = session.can('incidents:read');
  const incidents = useLiveAsync(
    () => (canReadIncidents ? incidentFeatures({ limit: 1000 }) : Promise.resolve(null)),
    [canReadIncidents],
    ['incident.'],
  );
  const [showIncidents, setShowIncidents] = useState(true);

  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [selection, setSelection] = useState<MapSelection | null>(null);
  const [focus, setFocus] = useState<(LonLat & { bounds?: [number, number, number, number] }) | null>(null);
  const panel = useRef<HTMLElement>(null);
  const selectionHeading = useRef<HTMLHeadingElement>(null);

  // A new selection is shown at the top of the panel; bring it into view and announce it.
  useEffect(() => {
    if (!selection) return;
    panel.current?.scrollTo({ top: 0 });
    selectionHeading.current?.focus({ preventScroll: true });
  }, [selection]);

  const styled = useMemo(() => styleZones(zones.data ?? null), [zones.data]);
  const taxonomy = useMemo(() => agreement.data?.agreement.report_taxonomy ?? [], [agreement.data]);
  const all = useMemo(() => shownList?.reports ?? [], [shownList]);
  const shown = useMemo(
    () =>
      filterReports(all, filters).sort((a, b) => Date.parse(b.observed.from) - Date.parse(a.observed.from)),
    [all, filters],
  );
  const points = useMemo(() => reportPoints(shown, taxonomy), [shown, taxonomy]);
  const density = shownList?.density ?? null;
  const densityCells = useMemo(() => (density ? densityPoints(density) : null), [density]);
  const fitTo = useMemo(() => {
    const region = agreement.data?.agreement.region?.bbox;
    if (region && region.length === 4) return region as [number, number, number, number];
    return boundsOf(styled.collection);
  }, [agreement.data, styled.collection]);

  const selectedReportId = selection?.type === 'report' ? selection.id : null;
  const selectedReport = useAsync(
    () => (selectedReportId !== null ? getReport(selectedReportId) : Promise.resolve(null)),
    [selectedReportId],
  );
  const selectedIncident =
    selection?.type === 'incident'
      ? incidents.data?.features.find((f) => f.properties.id === selection.id)
      : undefined;
  const selectedZone =
    selection?.type === 'zone' ? styled.legend.find((l) => l.id === selection.id) : undefined;

  return (
    <div className="map-layout">
      <h1 className="visually-hidden">{t('map.title')}</h1>
      <MapView
        label={t('map.label')}
        className="map-main"
        zones={styled.collection}
        hidden={hidden}
        reports={canReadReports ? points : null}
        density={canReadReports ? densityCells : null}
        incidents={showIncidents ? (incidents.data ?? null) : null}
        fitTo={fitTo}
        focus={focus}
        selectedId={selection?.type === 'report' || selection?.type === 'incident' ? selection.id : null}
        onSelect={setSelection}
        onView={setView}
      />
      <aside className="map-panel" aria-label={t('map.panel')} ref={panel}>
        {(selectedReportId !== null || selectedZone || selectedIncident) && (
          <section className="panel-section selection" aria-live="polite" data-testid="map-selection">
            <div className="section-head">
              <h2 ref={selectionHeading} tabIndex={-1}>
                {t('map.selected')}
              </h2>
              <button type="button" className="button button-small" onClick={() => setSelection(null)}>
                {t('common.close')}
              </button>
            </div>
            {selectedReportId !== null &&
              (selectedReport.status === 'failed' ? (
                <Problem error={selectedReport.error} />
              ) : selectedReport.data?.id === selectedReportId ? (
                <ReportSummary report={selectedReport.data} taxonomy={taxonomy} />
              ) : (
                <p role="status">{t('common.loading')}</p>
              ))}
            {selectedIncident && (
              <dl className="facts" data-testid="selected-incident">
                <dt>{t('incident.category')}</dt>
                <dd>
                  {taxonomy.find((c) => c.id === selectedIncident.properties.category)?.name ??
                    selectedIncident.properties.category}
                </dd>
                <dt>{t('incident.status')}</dt>
                <dd>
                  <StatusBadge status={selectedIncident.properties.status} />
                </dd>
                <dt>{t('incident.severity')}</dt>
                <dd>
                  <SeverityBadge severity={selectedIncident.properties.severity} />
                </dd>
                <dt>{t('incident.observed')}</dt>
                <dd>{formatDateTime(selectedIncident.properties.observedFrom)}</dd>
                <dd>
                  <Link to={`/incidents/${encodeURIComponent(selectedIncident.properties.id)}`}>
                    {t('map.openIncident')}
                  </Link>
                </dd>
              </dl>
            )}
            {selectedZone && (
              <dl className="facts">
                <dt>{t('map.zoneName')}</dt>
                <dd>{selectedZone.name}</dd>
                <dt>{t('map.zoneKind')}</dt>
                <dd>
                  {t(`legend.${selectedZone.kind}`)}
                  {selectedZone.derived ? ` · ${t('legend.derived')}` : ''}
                  {selectedZone.type ? ` · ${selectedZone.type.replace(/_/g, ' ')}` : ''}
                </dd>
                {selectedZone.description && (
                  <>
                    <dt>{t('map.zoneDescription')}</dt>
                    <dd>{selectedZone.description}</dd>
                  </>
                )}
              </dl>
            )}
          </section>
        )}

        {canReadReports ? (
          <section className="panel-section" aria-labelledby="reports-heading">
            <div className="section-head">
              <h2 id="reports-heading">{t('map.reports')}</h2>
              <span
                className="count"
                data-testid="reports-shown"
                data-shown={shown.length}
                data-total={all.length}
              >
                {t('map.reportsShown', { shown: shown.length, total: all.length })}
              </span>
            </div>
            {reports.status === 'failed' && <Problem error={reports.error} />}
            {shownList?.more && !density && (
              <p className="hint" data-testid="reports-truncated">
                {t(box ? 'map.moreInView' : 'reports.more', { count: REPORT_PAGE })}
              </p>
            )}
            {density && densityCells && (
              <div data-testid="reports-density" data-total={density.total}>
                <p className="hint">{t('map.density', { total: density.total, count: REPORT_PAGE })}</p>
                <ol className="report-list-compact" aria-label={t('map.densityCells')}>
                  {[...densityCells.features]
                    .sort((a, b) => b.properties.count - a.properties.count)
                    .slice(0, 10)
                    .map((f) => {
                      const [lon = 0, lat = 0] = f.geometry.coordinates;
                      return (
                        <li key={f.properties.bounds.join(',')}>
                          <button
                            type="button"
                            className="linkish"
                            onClick={() => setFocus({ lon, lat, bounds: f.properties.bounds })}
                          >
                            {t('map.densityCell', {
                              count: f.properties.count,
                              place: formatLonLat({ lon, lat }),
                            })}
                          </button>
                        </li>
                      );
                    })}
                </ol>
              </div>
            )}
            {shownList && !shownList.more && box && (
              <p className="hint" data-testid="reports-in-view">
                {t('map.allInView')}
              </p>
            )}
            <ReportFiltersPanel
              filters={filters}
              onChange={setFilters}
              taxonomy={taxonomy}
              zones={styled.legend.filter((l) => l.kind === 'zone')}
              reports={all}
            />
            {shownList !== undefined && all.length === 0 && !density ? (
              <p className="empty" data-testid="no-reports">
                {t('reports.none')}
                {session.can('reports:create') && (
                  <>
                    {' '}
                    <Link to="/reports/new">{t('reports.fileFirst')}</Link>
                  </>
                )}
              </p>
            ) : (
              shown.length > 0 && (
                <ol className="report-list-compact" aria-label={t('map.reportsInView')}>
                  {shown.slice(0, 100).map((r) => (
                    <li key={r.id}>
                      <button
                        type="button"
                        className="linkish"
                        onClick={() => {
                          setSelection({ type: 'report', id: r.id });
                          setFocus({ lon: r.location.lon, lat: r.location.lat });
                        }}
                      >
                        {taxonomy.find((c) => c.id === r.category)?.name ?? r.category}
                      </button>{' '}
                      <span className="muted">{formatDateTime(r.observed.from)}</span>
                    </li>
                  ))}
                </ol>
              )
            )}
          </section>
        ) : (
          <section className="panel-section">
            <h2>{t('map.reports')}</h2>
            <p className="muted" data-testid="reports-not-in-view">
              {t('map.reportsNotInView')}
            </p>
          </section>
        )}

        {canReadIncidents && (
          <section className="panel-section" aria-labelledby="incidents-heading">
            <div className="section-head">
              <h2 id="incidents-heading">{t('map.incidents')}</h2>
              {incidents.data && (
                <span
                  className="count"
                  data-testid="incidents-shown"
                  data-total={incidents.data.features.length}
                >
                  {t('map.incidentsShown', { count: incidents.data.features.length })}
                </span>
              )}
            </div>
            {incidents.status === 'failed' && <Problem error={incidents.error} />}
            <label className="toggle">
              <input
                type="checkbox"
                checked={showIncidents}
                onChange={(e) => setShowIncidents(e.target.checked)}
              />
              {t('map.showIncidents')}
            </label>
            <IncidentLegend />
            {incidents.data && incidents.data.features.length > 0 && (
              <ol className="report-list-compact" aria-label={t('map.incidents')}>
                {incidents.data.features.slice(0, 50).map((f) => (
                  <li key={f.properties.id}>
                    <button
                      type="button"
                      className="linkish"
                      onClick={() => {
                        setSelection({ type: 'incident', id: f.properties.id });
                        const [lon, lat] = f.geometry.coordinates;
                        if (lon !== undefined && lat !== undefined) setFocus({ lon, lat });
                      }}
                    >
                      {taxonomy.find((c) => c.id === f.properties.category)?.name ?? f.properties.category}
                    </button>{' '}
                    <span className="muted">{t(`status.${f.properties.status}`)}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        )}

        <section className="panel-section" aria-labelledby="legend-heading">
          <h2 id="legend-heading">{t('legend.title')}</h2>
          {zones.status === 'failed' ? (
            <Problem error={zones.error} />
          ) : zones.status === 'loading' ? (
            <p role="status">{t('common.loading')}</p>
          ) : styled.legend.length === 0 ? (
            <p className="empty" data-testid="no-agreement-overlay">
              {t('legend.noAgreement')}
            </p>
          ) : (
            <Legend
              entries={styled.legend}
              hidden={hidden}
              onToggle={(id) =>
                setHidden((h) => {
                  const next = new Set(h);
                  if (next.has(id)) next.delete(id);
                  else next.add(id);
                  return next;
                })
              }
            />
          )}
        </section>
      </aside>
    </div>
  );
}
