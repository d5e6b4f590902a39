import type { FindingDetail, Transition } from '../api/verification.js';
import { formatDateTime, t } from '../i18n/index.js';

interface Event {
  at: string;
  who: string;
  what: string;
  note?: string;
  kind: string;
}

function transitionText(s: Transition): string {
  const to = t(`status.${s.to}`);
  if (s.step === 'applied') return t('timeline.applied', { from: t(`status.${s.from}`), to });
  return t(`timeline.${s.step}`, { to });
}

/** Everything that happened to an incident, oldest first: its transitions, and its findings' votes. */
export function Timeline({
  transitions,
  findings,
}: {
  transitions: Transition[];
  findings: FindingDetail[];
}) {
  const events: Event[] = transitions.map((s) => ({
    at: s.at,
    who: s.organisationId,
    what: transitionText(s),
    note: s.reason,
    kind: `transition-${s.step}`,
  }));
  for (const { finding: f, votes } of findings) {
    events.push({
      at: f.proposedAt,
      who: '',
      what: t('timeline.findingProposed', { outcome: t(`status.${f.outcome}`) }),
      note: f.summary,
      kind: 'finding-proposed',
    });
    for (const v of votes ?? [])
      events.push({
        at: v.at,
        who: `${v.organisationId} · ${v.username}`,
        what: t('timeline.vote', { choice: t(`vote.${v.choice}`) }),
        ...(v.opinion ? { note: v.opinion } : {}),
        kind: 'vote',
      });
    if (f.decidedAt)
      events.push({
        at: f.decidedAt,
        who: '',
        what: t('timeline.decided', { state: t(`findingState.${f.state}`) }),
        kind: 'finding-decided',
      });
    if (f.publishedAt)
      events.push({ at: f.publishedAt, who: '', what: t('timeline.published'), kind: 'finding-published' });
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (events.length === 0) return <p className="muted">{t('incident.noTimeline')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e, i) => (
        <li key={i} data-kind={e.kind}>
          <span className="nowrap muted">{formatDateTime(e.at)}</span> {e.who && <strong>{e.who}: </strong>}
          {e.what}
          {e.note && <div className="muted">{e.note}</div>}
        </li>
      ))}
    </ol>
  );
}
