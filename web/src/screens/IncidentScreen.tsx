import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client.js';
import {
  CONCLUSIONS,
  getFinding,
  getIncident,
  type FindingDetail,
  type IncidentDetail,
  type IncidentStatus,
} from '../api/verification.js';
import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { formatLonLat } from '../lib/position.js';
import { useAsync } from '../lib/useAsync.js';
import { MapView } from '../map/MapView.js';
import { reportPoints, styleZones } from '../map/overlays.js';
import { AttributionForm } from '../verification/AttributionForm.js';
import { FindingPanel } from '../verification/FindingPanel.js';
import {
  OverdueFlag,
  SeverityBadge,
  StatusBadge,
  useAgreementNames,
  zonesOf,
  type AgreementNames,
} from '../verification/labels.js';
import { ProposeForm } from '../verification/ProposeForm.js';
import { Timeline } from '../verification/Timeline.js';
import { TransitionButtons } from '../verification/TransitionButtons.js';

/**
 * One incident: what it is and how well it is corroborated, its reports on a map and as a list, its
 * timeline, and the steps the signed-in user may take now (the server's `allowed` decides which).
 */
export default function IncidentScreen({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const loaded = useAsync(() => getIncident(id), [id]);
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  useEffect(() => setDetail(loaded.data ?? null), [loaded.data]);

  if (loaded.status === 'loading' || (loaded.status === 'done' && detail === null))
    return <p role="status">{t('common.loading')}</p>;
  if (loaded.status === 'failed' || detail === null) {
    return (
      <section className="page">
        <h1>{t('incident.title')}</h1>
        {loaded.error instanceof ApiError && loaded.error.notFound ? (
          <p className="empty-state">{t('incident.notFound', { id })}</p>
        ) : (
          <Problem error={loaded.error} />
        )}
        <Link to="/incidents">{t('incident.back')}</Link>
      </section>
    );
  }
  return <IncidentPage detail={detail} onChange={setDetail} />;
}

function IncidentPage({
  detail,
  onChange,
}: {
  detail: IncidentDetail;
  onChange: (d: IncidentDetail) => void;
}) {
  const session = useSession();
  const names = useAgreementNames();
  const i = detail.incident;
  const findings = useAsync(
    () => Promise.all(detail.findings.map((f) => getFinding(f.id))),
    // A finding's votes change under it: reload them whenever the incident answer changes.
    [detail],
  );
  const [findingDetails, setFindingDetails] = useState<FindingDetail[]>([]);
  useEffect(() => setFindingDetails(findings.data ?? []), [findings.data]);

  const concluded = (CONCLUSIONS as readonly string[]).includes(i.status);
  const live = detail.findings.some((f) => f.state === 'voting' || f.state === 'adopted');
  const canPropose = session.can('findings:propose') && concluded && !live;
  const canVerify = session.can('incidents:verify');

  return (
    <section className="page incident-detail" data-testid="incident" data-status={i.status}>
      <p>
        <Link to="/incidents">{t('incident.back')}</Link>
      </p>
      <div className="page-head">
        <h1>{names.category(i.category)}</h1>
        <div className="badges">
          <StatusBadge status={i.status} />
          <SeverityBadge severity={i.severity} />
          {i.overdue && <OverdueFlag />}
          <span className={`marking marking-${i.marking.toLowerCase().replace('+', '-')}`}>
            TLP:{i.marking}
          </span>
        </div>
      </div>
      {i.overdue && (
        <p className="notice notice-warn" data-testid="incident-overdue">
          {t('incident.overdue', { at: formatDateTime(i.dueAt) })}
        </p>
      )}
      {i.pending && (
        <p className="notice" data-testid="incident-pending">
          {t('incident.pending', {
            organisation: i.pending.organisationId,
            status: t(`status.${i.pending.status as IncidentStatus}`),
            at: formatDateTime(i.pending.at),
            reason: i.pending.reason,
          })}
        </p>
      )}
      <div className="detail-grid">
        <IncidentFacts detail={detail} names={names} />
        <IncidentMap detail={detail} />
      </div>

      {(canVerify || detail.allowed.length > 0) && (
        <section aria-labelledby="actions-heading" className="card">
          <h2 id="actions-heading" className="card-title">
            {t('incident.actions')}
          </h2>
          <TransitionButtons detail={detail} onChange={onChange} />
          {canVerify && i.status !== 'duplicate' && !live && (
            <AttributionForm detail={detail} names={names} onChange={onChange} />
          )}
          {canPropose && (
            <ProposeForm
              incidentId={i.id}
              onDone={(f) => onChange({ ...detail, findings: [...detail.findings, f.finding] })}
            />
          )}
        </section>
      )}

      {detail.findings.length > 0 && (
        <section aria-labelledby="findings-heading">
          <h2 id="findings-heading">{t('incident.findings')}</h2>
          {findings.status === 'failed' && <Problem error={findings.error} />}
          {findingDetails.map((f) => (
            <FindingPanel
              key={f.finding.id}
              level={3}
              detail={f}
              onChange={(next) =>
                setFindingDetails((all) => all.map((x) => (x.finding.id === next.finding.id ? next : x)))
              }
            />
          ))}
        </section>
      )}

      <section aria-labelledby="reports-heading">
        <h2 id="reports-heading">
          {t('incident.reports')} ({formatNumber(detail.reports.length + detail.hiddenReports)})
        </h2>
        {detail.hiddenReports > 0 && (
          <p className="notice" data-testid="hidden-reports">
            {t('incident.hiddenReports', { count: detail.hiddenReports })}
          </p>
        )}
        {detail.reports.length === 0 ? (
          <p className="muted">{t('incident.noVisibleReports')}</p>
        ) : (
          <>
            <ul className="incident-reports" data-testid="incident-reports">
              {detail.reports.map((r) => (
                <li key={r.id}>
                  <Link to={`/reports/${encodeURIComponent(r.id)}`}>{formatDateTime(r.observed.from)}</Link> ·{' '}
                  {names.category(r.category ?? '')} · {r.source?.name ?? '—'}{' '}
                  <span className="muted">
                    {r.grade.reliability}
                    {r.grade.credibility} · {formatLonLat(r.location)} ±
                    {t('conflicts.metres', { m: r.location.uncertaintyM })}
                  </span>
                </li>
              ))}
            </ul>
            <p className="hint">{t('incident.evidenceHint')}</p>
          </>
        )}
      </section>

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('incident.timeline')}</h2>
        <Timeline transitions={detail.transitions} findings={findingDetails} />
      </section>
    </section>
  );
}

function IncidentFacts({ detail, names }: { detail: IncidentDetail; names: AgreementNames }) {
  const i = detail.incident;
  const c = i.corroboration;
  const a = i.attribution;
  return (
    <dl className="facts" data-testid="incident-facts">
      <dt>{t('incident.status')}</dt>
      <dd>
        <StatusBadge status={i.status} />
        {i.duplicateOf && (
          <div>
            {t('incident.duplicateOf')}{' '}
            <Link to={`/incidents/${encodeURIComponent(i.duplicateOf)}`} className="mono">
              {i.duplicateOf}
            </Link>
          </div>
        )}
      </dd>
      <dt>{t('incident.severity')}</dt>
      <dd>
        <SeverityBadge severity={i.severity} />
      </dd>
      <dt>{t('incident.corroboration')}</dt>
      <dd data-testid="corroboration">
        <strong>{t(`corroboration.${c.level}`)}</strong>{' '}
        <span className="muted">
          {t('incident.groups', { count: c.independentGroups })},{' '}
          {t('incident.reportCount', { count: c.reports })}
        </span>
        {c.reasons.length > 0 && (
          <ul className="reasons">
            {c.reasons.map((r, n) => (
              <li key={n}>{r}</li>
            ))}
          </ul>
        )}
      </dd>
      <dt>{t('incident.attribution')}</dt>
      <dd data-testid="attribution">
        {a ? (
          <>
            {a.party
              ? t('incident.attributionValue', {
                  party: names.party(a.party),
                  confidence: t(`confidence.${a.confidence}`),
                })
              : t('incident.attributionUnknownParty', { confidence: t(`confidence.${a.confidence}`) })}
            <div className="muted">{t('incident.attributionMethod', { method: a.method })}</div>
            {a.at && <div className="muted">{formatDateTime(a.at)}</div>}
          </>
        ) : (
          <span className="muted">{t('incident.notAttributed')}</span>
        )}
      </dd>
      <dt>{t('incident.zones')}</dt>
      <dd>{zonesOf(i, names, t('incident.noZones'))}</dd>
      {i.side && (
        <>
          <dt>{t('incident.side')}</dt>
          <dd>{names.party(i.side)}</dd>
        </>
      )}
      {i.sector && (
        <>
          <dt>{t('incident.sector')}</dt>
          <dd>{names.sector(i.sector)}</dd>
        </>
      )}
      <dt>{t('incident.observed')}</dt>
      <dd>
        {formatDateTime(i.observedFrom)} – {formatDateTime(i.observedTo)}
      </dd>
      <dt>{t('incident.opened')}</dt>
      <dd>{formatDateTime(i.openedAt)}</dd>
      <dt>{t('incident.due')}</dt>
      <dd data-testid="incident-due">
        {formatDateTime(i.dueAt)} {i.overdue && <OverdueFlag />}
      </dd>
      {i.provisions.length > 0 && (
        <>
          <dt>{t('incident.provisions')}</dt>
          <dd>
            {i.provisions.map((p) => (
              <span key={p} className="tag tag-first">
                {p}
              </span>
            ))}
          </dd>
        </>
      )}
      {i.concludedBy.length > 0 && (
        <>
          <dt>{t('incident.concludedBy')}</dt>
          <dd>{t('incident.analysts', { count: i.concludedBy.length })}</dd>
        </>
      )}
    </dl>
  );
}

function IncidentMap({ detail }: { detail: IncidentDetail }) {
  const agreement = useAgreement();
  const zones = useZones();
  const taxonomy = useMemo(() => agreement.data?.agreement.report_taxonomy ?? [], [agreement.data]);
  const styled = useMemo(() => styleZones(zones.data ?? null), [zones.data]);
  const points = useMemo(() => reportPoints(detail.reports, taxonomy), [detail.reports, taxonomy]);
  const { lon, lat } = detail.incident;
  const fitTo = useMemo<[number, number, number, number]>(() => {
    let [w, s, e, n] = [lon - 0.1, lat - 0.07, lon + 0.1, lat + 0.07];
    for (const r of detail.reports) {
      w = Math.min(w, r.location.lon);
      e = Math.max(e, r.location.lon);
      s = Math.min(s, r.location.lat);
      n = Math.max(n, r.location.lat);
    }
    return [w, s, e, n];
  }, [lon, lat, detail.reports]);
  const centre = useMemo(() => ({ lon, lat }), [lon, lat]);
  return (
    <MapView
      label={t('incident.mapLabel')}
      className="map-small"
      zones={styled.collection}
      reports={points}
      marker={centre}
      fitTo={fitTo}
    />
  );
}
