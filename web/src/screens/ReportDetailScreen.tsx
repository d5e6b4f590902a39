import { useMemo } from 'react';
import { ApiError } from '../api/client.js';
import { getLogEntry, getReceipt } from '../api/log.js';
import {
  casualtyTotals,
  getCustody,
  getReport,
  listEvidence,
  type Evidence,
  type Report,
} from '../api/reports.js';
import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNearestPlace, formatNumber, humanise, t } from '../i18n/index.js';
import { formatLonLat, toMgrs } from '../lib/position.js';
import { useAsync } from '../lib/useAsync.js';
import { parseReceipt } from '../log/formats.js';
import { verifyReceipt } from '../log/verify.js';
import { MapView } from '../map/MapView.js';
import { reportPoints, styleZones } from '../map/overlays.js';

/** One report in full: where, when, what, what Truceline derived, the grade, and the evidence hashes. */
export default function ReportDetailScreen({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const report = useAsync(() => getReport(id), [id]);
  const agreement = useAgreement();
  const zones = useZones();
  const taxonomy = useMemo(() => agreement.data?.agreement.report_taxonomy ?? [], [agreement.data]);
  const styled = useMemo(() => styleZones(zones.data ?? null), [zones.data]);
  const points = useMemo(
    () => (report.data ? reportPoints([report.data], taxonomy) : null),
    [report.data, taxonomy],
  );
  const lon = report.data?.location.lon;
  const lat = report.data?.location.lat;
  const at = useMemo(() => (lon !== undefined && lat !== undefined ? { lon, lat } : null), [lon, lat]);
  const fitTo = useMemo<[number, number, number, number] | null>(
    () => (at ? [at.lon - 0.2, at.lat - 0.15, at.lon + 0.2, at.lat + 0.15] : null),
    [at],
  );

  if (report.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (report.status === 'failed') {
    return (
      <section className="page">
        <h1>{t('report.title')}</h1>
        {report.error instanceof ApiError && report.error.notFound ? (
          <p className="empty-state">{t('report.notFound', { id })}</p>
        ) : (
          <Problem error={report.error} />
        )}
        <Link to="/reports">{t('report.back')}</Link>
      </section>
    );
  }
  const r = report.data;
  const category = taxonomy.find((c) => c.id === r.category);
  const c = r.classification;
  return (
    <section className="page report-detail">
      <p>
        <Link to="/reports">{t('report.back')}</Link>
      </p>
      <div className="page-head">
        <h1>{category?.name ?? r.category}</h1>
        <span className={`marking marking-${r.marking.toLowerCase().replace('+', '-')}`}>
          TLP:{r.marking}
        </span>
      </div>
      {c.possibleViolations.length > 0 && (
        <div className="notice notice-warn" data-testid="possible-violations">
          <p className="notice-title">{t('report.possibleViolations')}</p>
          <ul>
            {c.possibleViolations.map((v, i) => (
              <li key={i}>
                {v.reason}
                {v.provision && <span className="tag">{v.provision}</span>}
              </li>
            ))}
          </ul>
          <p className="note">{t('report.notAttributed')}</p>
        </div>
      )}
      <div className="detail-grid">
        <dl className="facts">
          <dt>{t('report.observed')}</dt>
          <dd>
            {formatDateTime(r.observed.from)} – {formatDateTime(r.observed.to)}
            <div className="muted">{humanise(r.observed.precision)}</div>
          </dd>
          <dt>{t('report.position')}</dt>
          <dd>
            {formatLonLat(r.location)} ± {t('conflicts.metres', { m: r.location.uncertaintyM })}
            <div className="mono">{r.location.mgrs ?? toMgrs(r.location)}</div>
          </dd>
          {c.nearestPlace && (
            <>
              <dt>{t('report.nearest')}</dt>
              <dd>{formatNearestPlace(c.nearestPlace)}</dd>
            </>
          )}
          {c.zones.length > 0 && (
            <>
              <dt>{t('report.zones')}</dt>
              <dd>{c.zones.map((z) => z.name).join(', ')}</dd>
            </>
          )}
          {c.lines.map((l) => (
            <LineFact key={l.id} line={l} />
          ))}
          {r.counts?.events !== undefined && (
            <>
              <dt>{t('report.counts')}</dt>
              <dd>{formatNumber(r.counts.events)}</dd>
            </>
          )}
          {r.casualties && <Casualties report={r} />}
          {r.equipment?.category && (
            <>
              <dt>{t('report.equipment')}</dt>
              <dd>
                {agreement.data?.agreement.equipment_categories?.find((e) => e.id === r.equipment?.category)
                  ?.name ?? r.equipment.category}
              </dd>
            </>
          )}
          {r.reporter?.kind && (
            <>
              <dt>{t('reportForm.reporterKind')}</dt>
              <dd>{humanise(r.reporter.kind)}</dd>
            </>
          )}
          <dt>{t('report.grade')}</dt>
          <dd>
            {r.grade.reliability}
            {r.grade.credibility} — {t(`grade.reliability.${r.grade.reliability}`)};{' '}
            {t(`grade.credibility.${r.grade.credibility}`)}
            {r.grade.capped && r.grade.claimed && (
              <div className="muted">{t('report.gradeCapped', { claimed: r.grade.claimed })}</div>
            )}
            {r.source?.name && <div className="muted">{t('report.source', { name: r.source.name })}</div>}
          </dd>
          <dt>{t('report.filed')}</dt>
          <dd>
            {formatDateTime(r.createdAt)}
            {r.revision > 1 && (
              <span className="muted"> · {t('report.revision', { revision: r.revision })}</span>
            )}
          </dd>
          <dt>{t('report.agreementVersion')}</dt>
          <dd className="mono">{c.agreementVersionId}</dd>
          <dt>{t('report.logEntry')}</dt>
          <dd data-testid="report-log">
            <LogInclusion index={r.log?.index ?? null} />
          </dd>
        </dl>
        <MapView
          label={t('report.mapLabel')}
          className="map-small"
          zones={styled.collection}
          reports={points}
          marker={at}
          fitTo={fitTo}
        />
      </div>
      {r.warnings.length > 0 && (
        <div className="notice notice-warn">
          <p className="notice-title">{t('report.warnings')}</p>
          <ul>
            {r.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <h2>{t('report.narrative')}</h2>
      <p className="narrative">{r.narrative || t('report.noNarrative')}</p>
      <EvidenceList reportId={r.id} />
    </section>
  );
}

/** Where the log records this report, and whether its inclusion proof leads to the signed checkpoint. */
function LogInclusion({ index }: { index: number | null }) {
  const check = useAsync(async () => {
    if (index === null) return null;
    const [entry, receipt] = await Promise.all([getLogEntry(index), getReceipt(index).then(parseReceipt)]);
    return { ok: await verifyReceipt(receipt, entry.leafHash), size: receipt.checkpoint.size };
  }, [index]);
  if (index === null) return <span className="muted">{t('report.logPending')}</span>;
  return (
    <>
      <Link to={`/transparency-log?entry=${index}`}>#{formatNumber(index)}</Link>
      <div className="muted">
        {check.status === 'loading' && t('report.logChecking')}
        {check.status === 'failed' && <Problem error={check.error} />}
        {check.status === 'done' &&
          check.data !== null &&
          (check.data.ok ? (
            <span data-testid="log-included">{t('report.logIncluded', { size: check.data.size })}</span>
          ) : (
            <strong className="flag">{t('report.logNotIncluded')}</strong>
          ))}
      </div>
    </>
  );
}

function LineFact({ line }: { line: Report['classification']['lines'][number] }) {
  return (
    <>
      <dt>{line.name}</dt>
      <dd>
        {t('report.lineDistance', { distance: line.distanceKm.toFixed(1) })}
        {line.party && ` · ${t('report.lineSide', { party: line.party })}`}
      </dd>
    </>
  );
}

function Casualties({ report }: { report: Report }) {
  const c = report.casualties ?? {};
  const total = casualtyTotals(report);
  const rows = (['civilian', 'military', 'unknown'] as const).filter((k) => c[k]);
  return (
    <>
      <dt>{t('report.casualties')}</dt>
      <dd>
        {t('report.casualtiesValue', { killed: total.killed, injured: total.injured })}
        {rows.map((k) => (
          <div key={k} className="muted">
            {t(`report.casualtyRow.${k}`, { killed: c[k]?.killed ?? '—', injured: c[k]?.injured ?? '—' })}
          </div>
        ))}
      </dd>
    </>
  );
}

function EvidenceList({ reportId }: { reportId: string }) {
  const evidence = useAsync(() => listEvidence(reportId), [reportId]);
  return (
    <>
      <h2>{t('report.evidence')}</h2>
      {evidence.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {evidence.status === 'failed' && <Problem error={evidence.error} />}
      {evidence.status === 'done' && evidence.data.length === 0 && (
        <p className="muted">{t('report.noEvidence')}</p>
      )}
      {evidence.status === 'done' && evidence.data.length > 0 && (
        <ul className="evidence-list" data-testid="report-evidence">
          {evidence.data.map((e) => (
            <EvidenceItem key={e.id} evidence={e} />
          ))}
        </ul>
      )}
    </>
  );
}

function EvidenceItem({ evidence: e }: { evidence: Evidence }) {
  const custody = useAsync(() => getCustody(e.id), [e.id]);
  return (
    <li>
      <div>
        <strong>{e.originalFilename}</strong>{' '}
        <span className="muted">
          {e.sizeBytes !== null ? `${formatNumber(e.sizeBytes)} B · ` : ''}
          {e.mediaType}
        </span>
      </div>
      <div className="mono hash">SHA-256 {e.sha256}</div>
      <div className="muted">
        {t('report.evidenceCaptured', { at: formatDateTime(e.capturedAt), collector: e.collector })}
        {e.storedAt === null && ` · ${t('report.evidenceNotUploaded')}`}
        {' · '}
        {t('report.custodian', { custodian: e.custodian })}
      </div>
      <details className="custody">
        <summary>{t('report.custody')}</summary>
        {custody.status === 'loading' && <p role="status">{t('common.loading')}</p>}
        {custody.status === 'failed' && <Problem error={custody.error} />}
        {custody.status === 'done' && (
          <ol data-testid="custody-trail">
            {custody.data.map((ev, i) => (
              <li key={ev.id ?? i}>
                <span className="nowrap">{formatDateTime(ev.at)}</span> ·{' '}
                {t(`report.custodyEvent.${ev.action}`)}
                {(ev.actorOrganisationId ?? ev.actorUserId) !== null &&
                  ` ${t('report.custodyBy', { who: ev.actorOrganisationId ?? ev.actorUserId ?? '' })}`}
                {ev.fromCustodian !== null &&
                  ev.toCustodian !== null &&
                  ` · ${t('report.custodyTransfer', { from: ev.fromCustodian, to: ev.toCustodian })}`}
                {ev.note !== null && <span className="muted"> · {ev.note}</span>}
              </li>
            ))}
          </ol>
        )}
      </details>
    </li>
  );
}
