import type { Feature, FeatureCollection } from 'geojson';
import { useMemo } from 'react';
import {
  getNotice,
  isAwaitingResponse,
  type NoticeEvent,
  type NoticePage,
  type NoticeView,
} from '../api/notices.js';
import { useZones } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNumber, humanise, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { MapView } from '../map/MapView.js';
import { boundsOf, styleZones } from '../map/overlays.js';
import { NOTICE_COLORS, styleNotices } from '../map/noticeLayers.js';
import { AnswerForm } from './AnswerForm.js';
import { NotifierActions } from './NotifierActions.js';
import {
  DeliveryChip,
  DeliveryStateBadge,
  NoticeFlags,
  NoticeStateBadge,
  noticeTitle,
  periodOf,
} from './labels.js';

/**
 * One notice: for its notifier, the notice in full, each addressee's copy and the history of every
 * step per addressee; for an addressee, its own copy (as released to it) and that copy's history.
 */
export default function NoticeScreen({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const page = useAsync(() => getNotice(id), [id]);
  return (
    <section className="page notice-page">
      <p>
        <Link to="/deconfliction">← {t('deconfliction.title')}</Link>
      </p>
      {page.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {page.status === 'failed' && (
        <>
          {/* The screen keeps its heading when the notice is missing or not visible to this reader. */}
          <h1>{t('notice.title')}</h1>
          <Problem error={page.error} />
        </>
      )}
      {page.data && <NoticeBody page={page.data} reload={page.reload} />}
    </section>
  );
}

function NoticeBody({ page, reload }: { page: NoticePage; reload: () => void }) {
  if (page.role === 'notifier') {
    const n = page.notice;
    return (
      <>
        <div className="page-head">
          <h1>{noticeTitle(n)}</h1>
          <NoticeStateBadge state={n.state} />
          <NoticeFlags late={n.late} emergency={n.emergency} stale={n.stale} />
        </div>
        <p className="lede">{t('notices.notifierLede')}</p>
        <NotifierActions notice={n} onDone={reload} />
        <NoticeMap geometry={n.geometry} corridorM={n.corridorM} precisionM={n.precisionM} />
        <NoticeFacts
          facts={[
            [t('notices.obligation'), n.obligationId],
            [t('notices.notifier'), n.notifier + (n.via ? ` (${t('notices.via', { org: n.via })})` : '')],
            [t('notices.when'), periodOf(n)],
            ...windowFacts(n.windows),
            [t('notices.submitted'), formatDateTime(n.submittedAt)],
            ...(n.corridorM !== undefined
              ? ([[t('notices.corridor'), t('conflicts.metres', { m: formatNumber(n.corridorM) })]] as const)
              : []),
            ...(n.lateReason ? ([[t('notices.late'), n.lateReason]] as const) : []),
            ...(n.endReason ? ([[t('notices.endReason'), n.endReason]] as const) : []),
          ]}
          details={n.details}
        />
        <h2>{t('notices.deliveries')}</h2>
        <div className="chips" data-testid="deliveries">
          {page.deliveries.map((d) => (
            <DeliveryChip key={d.id} delivery={d} />
          ))}
        </div>
        <h2>{t('notices.history')}</h2>
        <History events={page.events} byAddressee />
        {page.conflicts.length > 0 && (
          <>
            <h2>{t('deconfliction.conflicts')}</h2>
            <ul data-testid="notice-conflicts">
              {page.conflicts.map((c) => (
                <li key={c.id}>
                  <strong>{humanise(c.kind)}</strong>: {c.reason}
                </li>
              ))}
            </ul>
          </>
        )}
      </>
    );
  }
  const d = page.delivery;
  const v = d.view;
  return (
    <>
      <div className="page-head">
        <h1>{v ? noticeTitle(v) : t('notices.withdrawnCopy')}</h1>
        <DeliveryStateBadge state={d.state} />
        {v && <NoticeFlags late={v.late} emergency={v.emergency} />}
      </div>
      <p className="lede">{t('notices.addresseeLede', { org: d.addressee })}</p>
      {page.notice.state !== 'active' && (
        <p className="notice notice-warn">
          <NoticeStateBadge state={page.notice.state} /> {page.notice.endReason}
        </p>
      )}
      {v && <NoticeMap geometry={v.geometry} corridorM={v.corridorM} precisionM={v.precisionM} addressee />}
      {v && <CopyFacts view={v} />}
      {isAwaitingResponse(d.state) && page.notice.state === 'active' && (
        <AnswerForm delivery={d} onAnswered={reload} />
      )}
      <h2>{t('notices.history')}</h2>
      <History events={page.events} />
    </>
  );
}

function CopyFacts({ view: v }: { view: NoticeView }) {
  return (
    <NoticeFacts
      facts={[
        [t('notices.obligation'), v.obligationId],
        [t('notices.notifier'), v.notifier],
        [t('notices.when'), periodOf(v)],
        ...windowFacts(v.windows),
        [t('notices.submitted'), formatDateTime(v.submittedAt)],
        [
          t('notices.location'),
          v.location === 'area' ? t('notices.locationArea') : t('notices.locationExact'),
        ],
        ...(v.corridorM !== undefined
          ? ([[t('notices.corridor'), t('conflicts.metres', { m: formatNumber(v.corridorM) })]] as const)
          : []),
      ]}
      details={v.details}
    />
  );
}

function NoticeFacts({
  facts,
  details,
}: {
  facts: readonly (readonly [string, string])[];
  details: Record<string, unknown>;
}) {
  return (
    <dl className="facts facts-2col" data-testid="notice-facts">
      {facts.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
      {Object.entries(details).map(([k, v]) => (
        <div key={`d-${k}`}>
          <dt>{humanise(k)}</dt>
          <dd>{Array.isArray(v) ? v.join(', ') : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A movement's departure and arrival windows, a flight's window, as facts. */
function windowFacts(w: NoticeView['windows']): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  const line = (x: { from: string; to: string }) =>
    t('notices.period', { from: formatDateTime(x.from), to: formatDateTime(x.to) });
  if (w.departure) out.push([t('noticeForm.departure'), line(w.departure)]);
  if (w.arrival) out.push([t('noticeForm.arrival'), line(w.arrival)]);
  if (w.window) out.push([t('noticeForm.window'), line(w.window)]);
  return out;
}

function NoticeMap({
  geometry,
  corridorM,
  precisionM,
  addressee = false,
}: {
  geometry: NoticeView['geometry'];
  corridorM: number | undefined;
  precisionM: number | undefined;
  /** An addressee's copy is drawn in the addressee colour, as on the board's map. */
  addressee?: boolean;
}) {
  const data = useMemo<FeatureCollection>(() => {
    const f: Feature = {
      type: 'Feature',
      geometry,
      properties: { corridorM, precisionM },
    };
    const color = addressee ? NOTICE_COLORS.addressee : NOTICE_COLORS.notifier;
    return styleNotices({ type: 'FeatureCollection', features: [f] }, () => color);
  }, [geometry, corridorM, precisionM, addressee]);
  const fitTo = useMemo(() => boundsOf(data), [data]);
  const zones = useZones();
  const styledZones = useMemo(() => styleZones(zones.data ?? null), [zones.data]);
  return (
    <MapView
      label={t('notices.mapLabel')}
      className="map-small"
      zones={styledZones.collection}
      notices={data}
      fitTo={fitTo}
    />
  );
}

/** Every step in order; the notifier's grouped by addressee (each copy's own timeline). */
function History({ events, byAddressee = false }: { events: NoticeEvent[]; byAddressee?: boolean }) {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  if (!byAddressee) return <Steps events={sorted} />;
  const groups = new Map<string, NoticeEvent[]>();
  for (const e of sorted) {
    const key = e.addressee ?? '';
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return (
    <div className="cards" data-testid="history">
      {[...groups.entries()].map(([addressee, steps]) => (
        <div className="card" key={addressee} data-history-of={addressee || 'notice'}>
          <h3>{addressee ? t('notices.copyOf', { org: addressee }) : t('notices.theNotice')}</h3>
          <Steps events={steps} />
        </div>
      ))}
    </div>
  );
}

function Steps({ events }: { events: NoticeEvent[] }) {
  if (events.length === 0) return <p className="muted">{t('notices.noHistory')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e) => (
        <li key={e.id} data-kind={e.kind}>
          <span className="nowrap muted">{formatDateTime(e.at)}</span>{' '}
          {e.organisationId && <strong>{e.organisationId}: </strong>}
          {humanise(e.kind)}
          {e.reason && <div className="muted">{e.reason}</div>}
        </li>
      ))}
    </ol>
  );
}
