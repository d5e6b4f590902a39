import { lazy, Suspense, useState } from 'react';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDate, formatDateTime, formatNumber, humanise, t } from '../i18n/index.js';
import { useLiveAsync } from '../reports/useLiveAsync.js';
import { getOverview, type CountRow, type Overview } from './api.js';
import { ageText, bandText, cellText, deltaText, hasFigures } from './format.js';
import './overview.css';

const LIVE_KINDS = ['report.', 'incident.', 'case.'] as const;

// The chart and its d3 modules are a chunk of their own (about 14 kB gzipped), so that the landing
// screen's figures do not wait for them; its download starts with this screen, beside the API call.
const chartModule = import('./DailyChart.js');
const DailyChart = lazy(() => chartModule.then((m) => ({ default: m.DailyChart })));

/**
 * The landing screen: for the signed-in, what they may see; for the public, the public variant
 * (CLEAR reports exactly, the rest in bands). Every figure is also given as text or in a table.
 */
export default function OverviewScreen() {
  const session = useSession();
  const [days, setDays] = useState<30 | 90>(30);
  // New reports, incidents and cases the viewer may see refresh the figures without a reload.
  const overview = useLiveAsync(() => getOverview(days), [days], LIVE_KINDS);
  return (
    <section className="page overview" data-testid="overview">
      <div className="page-head">
        <h1>{t('overview.title')}</h1>
        <div className="overview-window" role="group" aria-label={t('overview.window')}>
          {([30, 90] as const).map((d) => (
            <button
              key={d}
              type="button"
              className={`button button-small${d === days ? ' button-primary' : ''}`}
              aria-pressed={d === days}
              onClick={() => setDays(d)}
            >
              {t('overview.days', { count: d })}
            </button>
          ))}
        </div>
      </div>
      {overview.status === 'failed' ? (
        <Problem error={overview.error} />
      ) : overview.status === 'loading' ? (
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <OverviewBody overview={overview.data} signedIn={session.signedIn} />
      )}
    </section>
  );
}

function OverviewBody({ overview: o, signedIn }: { overview: Overview; signedIn: boolean }) {
  const k = o.minCell;
  const last = o.series[o.series.length - 1];
  const open = o.openItems;
  const openCount =
    (open.unverified?.incidents ?? 0) +
    (open.overdueVerifications?.incidents ?? 0) +
    open.cases.total +
    (open.overdueAcknowledgements?.total ?? 0);
  return (
    <>
      <p className="lede">{signedIn ? t('overview.lede') : t('overview.publicLede', { k })}</p>
      <p className="muted">
        {t('overview.asOf', { at: formatDateTime(o.asOf), tz: o.timeZone })}
        {signedIn ? ` · ${t('overview.bandNote', { k })}` : ''}
      </p>

      <div className="cards overview-tiles" data-testid="overview-tiles">
        <Tile label={t('overview.reportsToday')} row={o.counts.total} k={k} testId="tile-reports" />
        <div className="card" data-testid="tile-flagged">
          <p className="stat-label">{t('overview.flaggedToday')}</p>
          <p className="stat-value">{formatNumber(last?.flagged.visible ?? 0)}</p>
          <p className="muted">
            {t('overview.restrictedBand', { band: bandText(last?.flagged.restricted ?? 0, k) })}
          </p>
        </div>
        <div className="card" data-testid="tile-violations">
          <p className="stat-label">{t('overview.violationsToday')}</p>
          <p className="stat-value">{formatNumber(last?.violations ?? 0)}</p>
          <p className="muted">{t(`overview.basis.${o.violationBasis}`)}</p>
        </div>
        <div className="card" data-testid="tile-open">
          <p className="stat-label">{t('overview.openItemsCount')}</p>
          <p className="stat-value">{formatNumber(openCount)}</p>
        </div>
      </div>

      <section className="card" aria-labelledby="overview-series">
        <h2 id="overview-series">
          {t('overview.series')} · {t('overview.days', { count: o.days })}
        </h2>
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <DailyChart overview={o} />
        </Suspense>
      </section>

      <div className="overview-columns">
        <CountTable
          caption={t('overview.byCategory')}
          head={t('overview.category')}
          rows={o.counts.categories}
          k={k}
        />
        <CountTable
          caption={t('overview.bySector')}
          head={t('overview.sector')}
          rows={o.counts.sectors}
          k={k}
        />
      </div>

      <div className="overview-columns">
        <OpenItems overview={o} />
        <LogHealth log={o.log} />
      </div>

      <QuietDays overview={o} />
    </>
  );
}

function Tile({ label, row, k, testId }: { label: string; row: CountRow; k: number; testId: string }) {
  return (
    <div className="card" data-testid={testId}>
      <p className="stat-label">{label}</p>
      <p className="stat-value">{formatNumber(row.today.visible)}</p>
      <p className="muted">{t('overview.restrictedBand', { band: bandText(row.today.restricted, k) })}</p>
      <p className="overview-delta">
        {t('overview.vsYesterday', { delta: deltaText(row.today.visible - row.yesterday.visible) })}
        <br />
        {t('overview.vsMean', { delta: deltaText(row.today.visible - row.mean7.visible) })}
      </p>
    </div>
  );
}

function CountTable({
  caption,
  head,
  rows,
  k,
}: {
  caption: string;
  head: string;
  rows: CountRow[];
  k: number;
}) {
  // Rows with nothing to tell (none seen, fewer than k restricted, a zero mean) are summed up in a line.
  const shown = rows.filter((r) => hasFigures([r.today, r.yesterday], r.mean7.visible + r.mean7.restricted));
  const hidden = rows.length - shown.length;
  return (
    <div className="table-wrap">
      <table className="data-table overview-counts">
        <caption>
          {caption}
          <span className="muted overview-caption-hint">{t('overview.cellHint')}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col">{t('overview.today')}</th>
            <th scope="col">{t('overview.yesterday')}</th>
            <th scope="col">{t('overview.mean7')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.id}>
              <th scope="row">{r.name}</th>
              <td>{cellText(r.today, k)}</td>
              <td>{cellText(r.yesterday, k)}</td>
              <td>{formatNumber(r.mean7.visible)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {hidden > 0 && (
        <p className="muted overview-hidden-rows">{t('overview.hiddenRows', { count: hidden, k })}</p>
      )}
    </div>
  );
}

function OpenItems({ overview: o }: { overview: Overview }) {
  const { unverified, overdueVerifications, cases, overdueAcknowledgements } = o.openItems;
  const nothing =
    (unverified?.incidents ?? 0) === 0 &&
    (overdueVerifications?.incidents ?? 0) === 0 &&
    cases.total === 0 &&
    (overdueAcknowledgements?.total ?? 0) === 0;
  return (
    <section className="card" aria-labelledby="overview-open" data-testid="overview-open">
      <h2 id="overview-open">{t('overview.open')}</h2>
      {nothing && <p className="muted">{t('overview.nothingOpen')}</p>}
      {unverified !== null && unverified.incidents > 0 && (
        <>
          <h3>{t('overview.unverified', { count: unverified.incidents, reports: unverified.reports })}</h3>
          <ul className="overview-list">
            {unverified.items.map((i) => (
              <li key={i.id}>
                <Link to={`/incidents/${encodeURIComponent(i.id)}`}>{humanise(i.category)}</Link>{' '}
                <span className="muted">{t('overview.dueAt', { at: formatDateTime(i.dueAt) })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {overdueVerifications !== null && overdueVerifications.incidents > 0 && (
        <>
          <h3>{t('overview.overdue', { count: overdueVerifications.incidents })}</h3>
          <ul className="overview-list">
            {overdueVerifications.items.map((i) => (
              <li key={i.id}>
                <Link to={`/incidents/${encodeURIComponent(i.id)}`}>{humanise(i.category)}</Link>{' '}
                <span className="muted">{t('overview.dueAt', { at: formatDateTime(i.dueAt) })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {cases.total > 0 && (
        <>
          <h3>{t('overview.cases', { count: cases.total })}</h3>
          <ul className="overview-list">
            {cases.items.map((c) => (
              <li key={c.id}>
                <Link to={`/cases/${encodeURIComponent(c.id)}`}>
                  {humanise(c.ladderId)}
                  {c.party !== null ? ` · ${c.party}` : ''}
                </Link>{' '}
                <span className="muted">
                  {c.deadline !== null
                    ? t('overview.deadline', { at: formatDateTime(c.deadline) })
                    : t('overview.noDeadline')}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {overdueAcknowledgements !== null && overdueAcknowledgements.total > 0 && (
        <>
          <h3>{t('overview.acks', { count: overdueAcknowledgements.total })}</h3>
          <ul className="overview-list">
            {overdueAcknowledgements.items.map((a) => (
              <li key={`${a.noticeId}-${a.addressee}`}>
                <Link to={`/deconfliction/notices/${encodeURIComponent(a.noticeId)}`}>
                  {a.direction === 'to-us'
                    ? t('overview.ackToUs', { id: a.noticeId, at: formatDateTime(a.dueAt) })
                    : t('overview.ackFromUs', {
                        id: a.noticeId,
                        addressee: a.addressee,
                        at: formatDateTime(a.dueAt),
                      })}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function LogHealth({ log }: { log: Overview['log'] }) {
  return (
    <section className="card" aria-labelledby="overview-log" data-testid="overview-log">
      <h2 id="overview-log">{t('overview.logHealth')}</h2>
      <dl className="facts">
        <dt>{t('overview.logSize')}</dt>
        <dd>{formatNumber(log.size)}</dd>
        <dt>{t('overview.logCheckpoint')}</dt>
        <dd>
          {log.checkpointAt !== null && log.checkpointAgeSeconds !== null
            ? `${formatDateTime(log.checkpointAt)} (${t('overview.logAge', { age: ageText(log.checkpointAgeSeconds) })})`
            : t('overview.logNoCheckpoint')}
        </dd>
        <dt>{t('overview.logCosigners')}</dt>
        <dd>{t('overview.logCosignersValue', { count: log.cosigners, witnesses: log.witnesses })}</dd>
      </dl>
      <Link to="/transparency-log">{t('overview.logOpen')}</Link>
    </section>
  );
}

function QuietDays({ overview: o }: { overview: Overview }) {
  const quiet = o.quietDays;
  return (
    <section className="card" aria-labelledby="overview-quiet" data-testid="overview-quiet">
      <h2 id="overview-quiet">{t('overview.quiet')}</h2>
      {quiet === null ? (
        <p className="muted">{t('overview.quietNone')}</p>
      ) : (
        <>
          <p className="muted">{t('overview.quietLede')}</p>
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('overview.area')}</th>
                  <th scope="col">{t('overview.quietInRow')}</th>
                  <th scope="col">{t('overview.quietInWindow')}</th>
                  <th scope="col">{t('overview.lastViolation')}</th>
                </tr>
              </thead>
              <tbody>
                {quiet.areas.map((a) => (
                  <tr key={`${a.kind}-${a.id}`}>
                    <th scope="row">{a.name}</th>
                    <td>{formatNumber(a.quietDays)}</td>
                    <td>
                      {formatNumber(a.quietInWindow)} / {formatNumber(o.days)}
                    </td>
                    <td>{a.lastViolation !== undefined ? formatDate(a.lastViolation) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
