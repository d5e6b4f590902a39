import { useMemo, useState } from 'react';
import {
  barChart,
  mapFigure,
  type ChartLabels,
  type CountRow,
  type ListedReport,
} from '../../../src/wire.js';
import { Problem } from '../components/Problem.js';
import { useWidth } from '../charts/chart.js';
import { formatNearestPlace, formatNumber, t } from '../i18n/index.js';
import { useLocale } from '../i18n/useLocale.js';
import { useAsync } from '../lib/useAsync.js';
import { FigureSvg } from './FigureSvg.js';
import { dailyUrl, getDailyReport, yesterdayUtc } from './dailyApi.js';
import './daily.css';

/** A count or mean as shown: to one decimal, in the reader's locale (5.6, 5,6). */
const fmt = (n: number) => formatNumber(Math.round(n * 10) / 10);
const time = (instant: string) => `${instant.slice(0, 10)} ${instant.slice(11, 16)} UTC`;

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** Where a listed item lies, in the dashboard's language when the report gives its nearest settlement. */
function placeOf(item: Pick<ListedReport, 'place' | 'nearest'>): string {
  const near = item.nearest;
  if (near === undefined) return item.place;
  const direction = COMPASS[Math.round((((near.bearingDeg % 360) + 360) % 360) / 45) % 8] ?? 'N';
  return formatNearestPlace({ name: near.name, distanceKm: near.distanceKm, direction });
}

/** The charts' words in the dashboard's language. */
const chartLabels = (): ChartLabels => ({
  day: t('daily.legend.day'),
  previousDay: t('daily.legend.previousDay'),
  mean: t('daily.legend.mean'),
  noReports: t('daily.noReports'),
  report: t('daily.legend.report'),
  incident: t('daily.legend.incident'),
});

function Counts({ caption, rows }: { caption: string; rows: readonly CountRow[] }) {
  if (rows.length === 0) return <p className="muted">{t('daily.noReports')}</p>;
  return (
    <div className="daily-table-wrap">
      <table className="daily-counts">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{t('daily.thisDay')}</th>
            <th scope="col">{t('daily.previousDay')}</th>
            <th scope="col">{t('daily.weekMean')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">{r.name}</th>
              <td>{r.day}</td>
              <td>{r.previousDay}</td>
              <td>{fmt(r.previousWeekMean)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Listing({ rows, empty }: { rows: readonly ListedReport[]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="daily-list">
      {rows.map((r) => (
        <li key={r.id}>
          <strong>{placeOf(r)}</strong>, {time(r.observedFrom)}: {r.categoryName}
          {r.what !== '' ? ` — ${r.what}` : ''}. <span className="muted">{r.why}</span>{' '}
          <a className="daily-id" href={`/reports/${encodeURIComponent(r.id)}`}>
            {r.id}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The daily report of one UTC day, as the signed-in reader (or the public) may see it. */
export default function DailyScreen() {
  const [date, setDate] = useState(yesterdayUtc());
  const locale = useLocale();
  const loaded = useAsync(() => getDailyReport(date), [date]);
  const r = loaded.data;
  // The figures are laid out at the width they are shown at (1 point = 1 CSS pixel), between a phone's
  // and the printed page's, so that their text stays at its size.
  const [ref, measured] = useWidth<HTMLElement>(500);
  const width = Math.max(300, Math.min(measured, 640));
  const figures = useMemo(
    () =>
      r === undefined
        ? undefined
        : {
            categories: barChart(t('daily.byCategory'), r.byCategory, {
              width,
              labels: chartLabels(),
              format: formatNumber,
            }),
            sectors: barChart(t('daily.bySector'), r.bySector, {
              width,
              labels: chartLabels(),
              format: formatNumber,
            }),
            map: mapFigure(`${t('daily.map')}: ${r.date}`, r.map, chartLabels(), width),
          },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the labels are read through t(), which follows the locale
    [r, width, locale],
  );
  return (
    <section className="page daily" ref={ref}>
      <div className="page-head">
        <h1>{t('daily.title')}</h1>
      </div>
      <p className="lede">{t('daily.lede')}</p>
      <div className="daily-controls">
        <label>
          {t('daily.date')}
          <input
            type="date"
            value={date}
            max={new Date().toISOString().slice(0, 10)}
            onChange={(e) => {
              if (/^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) setDate(e.target.value);
            }}
            data-testid="daily-date"
          />
        </label>
        <div className="daily-downloads" aria-label={t('daily.download')}>
          <a href={dailyUrl(date, 'html', locale)} target="_blank" rel="noreferrer" data-testid="daily-html">
            {t('daily.downloadHtml')}
          </a>
          <a href={dailyUrl(date, 'pdf', locale)} download data-testid="daily-pdf">
            {t('daily.downloadPdf')}
          </a>
        </div>
      </div>
      {loaded.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {loaded.status === 'failed' && <Problem error={loaded.error} />}
      {r !== undefined && figures !== undefined && (
        <>
          <p className="daily-edition" data-testid="daily-edition">
            {r.edition === 'public'
              ? t('daily.edition.public')
              : t('daily.edition.restricted', { audience: r.audience })}
          </p>
          <section aria-labelledby="daily-summary">
            <h2 id="daily-summary">{t('daily.summary')}</h2>
            <p data-testid="daily-summary-text">
              {t('daily.summaryText', {
                day: r.totals.day,
                previousDay: r.totals.previousDay,
                mean: fmt(r.totals.previousWeekMean),
              })}
            </p>
          </section>
          <section aria-labelledby="daily-categories">
            <h2 id="daily-categories">{t('daily.byCategory')}</h2>
            <FigureSvg figure={figures.categories} testId="daily-chart-categories" />
            <Counts caption={t('daily.byCategory')} rows={r.byCategory} />
          </section>
          <section aria-labelledby="daily-sectors">
            <h2 id="daily-sectors">{t('daily.bySector')}</h2>
            <FigureSvg figure={figures.sectors} testId="daily-chart-sectors" />
            <Counts caption={t('daily.bySector')} rows={r.bySector} />
          </section>
          <section aria-labelledby="daily-incidents">
            <h2 id="daily-incidents">{t('daily.incidents')}</h2>
            {r.incidents.length === 0 ? (
              <p className="muted">{t('daily.noIncidents')}</p>
            ) : (
              <ul className="daily-list">
                {r.incidents.map((i) => (
                  <li key={i.id}>
                    <strong>{placeOf(i)}</strong>, {time(i.observedFrom)}: {i.categoryName} ({i.severity})
                    {i.attributedTo !== undefined ? `, ${i.attributedTo}` : ''}.{' '}
                    <span className="muted">{i.note}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="daily-movement">
            <h2 id="daily-movement">{t('daily.movement')}</h2>
            <p>
              {t('daily.countLine', {
                count: r.freedomOfMovement.count,
                previousDay: r.freedomOfMovement.previousDay,
              })}
            </p>
            <p className="muted">{t('daily.movementBasis')}</p>
            <Listing rows={r.freedomOfMovement.reports} empty={t('daily.noMovement')} />
          </section>
          <section aria-labelledby="daily-weapons">
            <h2 id="daily-weapons">{t('daily.weapons')}</h2>
            <p>
              {t('daily.countLine', {
                count: r.weaponsInZones.count,
                previousDay: r.weaponsInZones.previousDay,
              })}
            </p>
            <p className="muted">{t('daily.weaponsBasis')}</p>
            <Listing rows={r.weaponsInZones.reports} empty={t('daily.noWeapons')} />
          </section>
          <section aria-labelledby="daily-map">
            <h2 id="daily-map">{t('daily.map')}</h2>
            <FigureSvg figure={figures.map} testId="daily-map-figure" />
          </section>
          <section aria-labelledby="daily-omitted">
            <h2 id="daily-omitted">{t('daily.omitted')}</h2>
            <p data-testid="daily-omitted-text">{t('daily.omittedText', { count: r.omitted.reports })}</p>
          </section>
        </>
      )}
    </section>
  );
}
