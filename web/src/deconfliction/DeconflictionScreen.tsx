import { useMemo } from 'react';
import {
  isAwaitingResponse,
  listConflicts,
  listNotices,
  noticeFeatures,
  type AddressedCopy,
  type Conflict,
  type MyNotice,
} from '../api/notices.js';
import { useZones } from '../agreement/useAgreement.js';
import { Link, useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNumber, humanise, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { MapView } from '../map/MapView.js';
import { boundsOf, styleZones } from '../map/overlays.js';
import { styleNotices } from '../map/noticeLayers.js';
import { AnswerForm } from './AnswerForm.js';
import {
  DeliveryChip,
  DeliveryStateBadge,
  NoticeFlags,
  NoticeStateBadge,
  noticeTitle,
  periodOf,
} from './labels.js';

const noticeLink = (id: string) => `/deconfliction/notices/${encodeURIComponent(id)}`;

/**
 * The deconfliction board: copies addressed to my organisation (awaiting an answer first), my
 * organisation's notices with each addressee's copy, the conflicts, and the notices on the map.
 */
export default function DeconflictionScreen() {
  const session = useSession();
  const { navigate } = useRouter();
  const list = useAsync(() => listNotices(), []);
  const conflicts = useAsync(() => listConflicts(), []);
  // After the list (which delivers my copies) so the map shows them as delivered too.
  const features = useAsync(() => (list.data ? noticeFeatures() : Promise.resolve(null)), [list.data]);
  const zones = useZones();
  const styledZones = useMemo(() => styleZones(zones.data ?? null), [zones.data]);
  const styledNotices = useMemo(() => styleNotices(features.data), [features.data]);
  const fitTo = useMemo(
    () => boundsOf(styledNotices) ?? boundsOf(styledZones.collection),
    [styledNotices, styledZones.collection],
  );
  const addressed = useMemo(() => {
    const copies = [...(list.data?.addressed ?? [])];
    // Awaiting an answer first, soonest due first; then the rest, newest first.
    return copies.sort((a, b) => {
      const wa = isAwaitingResponse(a.state) && a.noticeState === 'active';
      const wb = isAwaitingResponse(b.state) && b.noticeState === 'active';
      if (wa !== wb) return wa ? -1 : 1;
      if (wa) return Date.parse(a.dueAt ?? '9999') - Date.parse(b.dueAt ?? '9999');
      return Date.parse(b.forwardedAt) - Date.parse(a.forwardedAt);
    });
  }, [list.data]);

  return (
    <section className="page deconfliction">
      <div className="page-head">
        <h1>{t('deconfliction.title')}</h1>
        {session.can('notices:submit') && (
          <Link to="/deconfliction/new" className="button button-primary" data-testid="new-notice">
            {t('deconfliction.newNotice')}
          </Link>
        )}
      </div>
      <p className="lede">{t('deconfliction.lede')}</p>
      {list.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {list.status === 'failed' && <Problem error={list.error} />}

      <MapView
        label={t('deconfliction.mapLabel')}
        className="map-small"
        zones={styledZones.collection}
        notices={styledNotices}
        fitTo={fitTo}
        onSelect={(s) => {
          if (s.type === 'notice') navigate(noticeLink(s.id));
        }}
      />
      <p className="hint">{t('deconfliction.mapHint')}</p>

      {list.data && (
        <>
          <section className="panel-section" aria-labelledby="addressed-head">
            <h2 id="addressed-head">{t('deconfliction.addressed')}</h2>
            <p className="notice notice-warn" data-testid="ack-label">
              {t('notices.ackMeaning')}
            </p>
            {addressed.length === 0 ? (
              <p className="muted">{t('deconfliction.noneAddressed')}</p>
            ) : (
              <ul className="plain-list" data-testid="addressed-list">
                {addressed.map((d) => (
                  <AddressedCard key={d.id} copy={d} onAnswered={list.reload} />
                ))}
              </ul>
            )}
          </section>

          <section className="panel-section" aria-labelledby="mine-head">
            <h2 id="mine-head">{t('deconfliction.mine')}</h2>
            {list.data.notices.length === 0 ? (
              <p className="muted">{t('deconfliction.noneMine')}</p>
            ) : (
              <MyNoticesTable notices={list.data.notices} />
            )}
          </section>
        </>
      )}

      <section className="panel-section" aria-labelledby="conflicts-head">
        <h2 id="conflicts-head">{t('deconfliction.conflicts')}</h2>
        {conflicts.status === 'failed' && <Problem error={conflicts.error} />}
        {conflicts.data &&
          (conflicts.data.conflicts.length === 0 ? (
            <p className="muted">{t('deconfliction.noConflicts')}</p>
          ) : (
            <ConflictsTable conflicts={conflicts.data.conflicts} />
          ))}
      </section>
    </section>
  );
}

function AddressedCard({ copy, onAnswered }: { copy: AddressedCopy; onAnswered: () => void }) {
  const v = copy.view;
  const awaiting = isAwaitingResponse(copy.state) && copy.noticeState === 'active';
  return (
    <li
      className="card"
      data-notice-id={copy.noticeId}
      data-testid="addressed-notice"
      data-state={copy.state}
    >
      <p className="card-title">
        <Link to={noticeLink(copy.noticeId)}>{v ? noticeTitle(v) : t('notices.withdrawnCopy')}</Link>{' '}
        <DeliveryStateBadge state={copy.state} />
        {v && <NoticeFlags late={v.late} emergency={v.emergency} />}
      </p>
      <p className="facts-inline">
        {v && <span>{t('notices.from', { org: v.notifier })}</span>}
        {v && <span> · {periodOf(v)}</span>}
        {copy.dueAt && awaiting && (
          <span className="tag tag-deadline">{t('notices.dueBy', { at: formatDateTime(copy.dueAt) })}</span>
        )}
        {copy.noticeState !== 'active' && <NoticeStateBadge state={copy.noticeState} />}
      </p>
      {copy.reason && <p className="muted">{copy.reason}</p>}
      {awaiting && <AnswerForm delivery={copy} onAnswered={onAnswered} explained />}
    </li>
  );
}

function MyNoticesTable({ notices }: { notices: MyNotice[] }) {
  return (
    <div className="table-wrap">
      <table className="data-table stack-on-phone" data-testid="my-notices">
        <caption className="visually-hidden">{t('deconfliction.mine')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('notices.notice')}</th>
            <th scope="col">{t('notices.when')}</th>
            <th scope="col">{t('notices.state')}</th>
            <th scope="col">{t('notices.deliveries')}</th>
          </tr>
        </thead>
        <tbody>
          {notices.map((n) => (
            <tr key={n.id} data-notice-id={n.id}>
              <td data-label={t('notices.notice')}>
                <Link to={noticeLink(n.id)}>{noticeTitle(n)}</Link>
                <div className="muted">
                  {n.obligationId}
                  {n.version > 1 ? ` · v${n.version}` : ''}
                </div>
                <NoticeFlags late={n.late} emergency={n.emergency} stale={n.stale} />
              </td>
              <td data-label={t('notices.when')}>{periodOf(n)}</td>
              <td data-label={t('notices.state')}>
                <NoticeStateBadge state={n.state} />
              </td>
              <td data-label={t('notices.deliveries')}>
                <div className="chips">
                  {n.deliveries.map((d) => (
                    <DeliveryChip key={d.id} delivery={d} />
                  ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConflictsTable({ conflicts }: { conflicts: Conflict[] }) {
  return (
    <div className="table-wrap">
      <table className="data-table stack-on-phone" data-testid="conflicts">
        <caption className="visually-hidden">{t('deconfliction.conflicts')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('conflicts.kind')}</th>
            <th scope="col">{t('notices.notice')}</th>
            <th scope="col">{t('conflicts.reason')}</th>
            <th scope="col">{t('conflicts.distance')}</th>
            <th scope="col">{t('notices.state')}</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c) => (
            <tr key={c.id} data-conflict-id={c.id}>
              <td data-label={t('conflicts.kind')}>{humanise(c.kind)}</td>
              <td data-label={t('notices.notice')}>
                <Link to={noticeLink(c.noticeId)}>{c.noticeId}</Link>
              </td>
              <td data-label={t('conflicts.reason')}>{c.reason}</td>
              <td data-label={t('conflicts.distance')}>
                {t('conflicts.metres', { m: formatNumber(Math.round(c.distanceM)) })}
              </td>
              <td data-label={t('notices.state')}>{t(`conflicts.state.${c.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
