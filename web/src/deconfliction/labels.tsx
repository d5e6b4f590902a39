/**
 * How deconfliction's values read on screen: notice and delivery states as badges with text (colour
 * is never the only signal), the flags a notice carries, and a notice's one-line title.
 */
import type { Delivery, DeliveryState, NoticeKind, NoticeState, NoticeView } from '../api/notices.js';
import { formatDateTime, humanise, t } from '../i18n/index.js';

export function DeliveryStateBadge({ state }: { state: DeliveryState }) {
  return (
    <span className={`dstate dstate-${state}`} data-state={state}>
      {t(`deliveryState.${state}`)}
    </span>
  );
}

export function NoticeStateBadge({ state }: { state: NoticeState }) {
  return (
    <span className={`nstate nstate-${state}`} data-notice-state={state}>
      {t(`noticeState.${state}`)}
    </span>
  );
}

/** Late, emergency, stale: what a duty officer must see first. */
export function NoticeFlags({
  late,
  emergency,
  stale,
}: {
  late: boolean;
  emergency: boolean;
  stale?: boolean;
}) {
  return (
    <>
      {emergency && (
        <span className="tag tag-emergency" data-flag="emergency">
          {t('notices.emergency')}
        </span>
      )}
      {late && (
        <span className="tag tag-late" data-flag="late">
          {t('notices.late')}
        </span>
      )}
      {stale && (
        <span className="tag tag-late" data-flag="stale">
          {t('notices.stale')}
        </span>
      )}
    </>
  );
}

/** "Convoy · movement": the subject as the agreement writes it, and the kind. */
export function noticeTitle(n: { subject: string; kind: NoticeKind }): string {
  return `${humanise(n.subject)} · ${t(`noticeKind.${n.kind}`)}`;
}

/** When the notified activity runs (movement: departure to arrival; site: validity; flight: window). */
export function periodOf(n: Pick<NoticeView, 'startsAt' | 'endsAt'>): string {
  return t('notices.period', { from: formatDateTime(n.startsAt), to: formatDateTime(n.endsAt) });
}

/** A copy is overdue once Truceline escalated it, or its answer deadline passed while it is open. */
export function isOverdue(d: Delivery, now = Date.now()): boolean {
  if (d.overdueAt !== undefined) return true;
  const open = d.state === 'forwarded' || d.state === 'delivered';
  return open && d.dueAt !== undefined && Date.parse(d.dueAt) < now;
}

/** One addressee's copy in a line: who, where it stands, overdue when it is. */
export function DeliveryChip({ delivery }: { delivery: Delivery }) {
  const overdue = isOverdue(delivery);
  return (
    <span
      className={`chip delivery-chip${overdue ? ' delivery-overdue' : ''}`}
      data-addressee={delivery.addressee}
      data-state={delivery.state}
      data-overdue={overdue || undefined}
    >
      <strong>{delivery.addressee}</strong> <DeliveryStateBadge state={delivery.state} />
      {overdue && (
        <span className="overdue-flag">
          <span aria-hidden="true">⚠ </span>
          {t('notices.overdue')}
        </span>
      )}
    </span>
  );
}
