/**
 * How the breach response reads on screen: a case's place on its ladder, its status and its deadline
 * (colour is never the only signal), and the names behind the agreement's actor and ladder ids.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Case, CaseStatus, Decision } from '../api/response.js';
import type { EscalationLadder } from '../api/types.js';
import { useAgreement } from '../agreement/useAgreement.js';
import { humanise, t } from '../i18n/index.js';

export interface ResponseNames {
  actor: (id: string) => string;
  ladder: (id: string) => EscalationLadder | undefined;
  /** "Rung 3: Guarantor consultations" for a rung of a ladder (the id when unknown). */
  rung: (ladderId: string, rungId: string) => string;
  /** A response of the guarantees' menus in words: "Diplomatic (European coalition)". */
  response: (id: string) => string;
}

/** Actor names (parties, guarantors, bodies, organisations) and the ladders, from the agreement. */
export function useResponseNames(): ResponseNames {
  const current = useAgreement();
  return useMemo(() => {
    const a = current.data?.agreement;
    const actors = new Map(
      [
        ...(a?.parties ?? []),
        ...(a?.guarantors ?? []),
        ...(a?.verification_bodies ?? []),
        ...(a?.humanitarian_organisations ?? []),
        ...(a?.other_actors ?? []),
      ].map((x) => [x.id, x.name]),
    );
    const ladders = new Map((a?.escalation_ladders ?? []).map((l) => [l.id, l]));
    const responses = new Map((a?.guarantees ?? []).flatMap((g) => g.responses.map((r) => [r.id, r])));
    const actor = (id: string) => actors.get(id) ?? id;
    return {
      actor,
      ladder: (id) => ladders.get(id),
      rung: (ladderId, rungId) => {
        const rungs = ladders.get(ladderId)?.rungs ?? [];
        const i = rungs.findIndex((r) => r.id === rungId);
        return i < 0 ? rungId : t('cases.rungName', { n: i + 1, name: rungs[i]!.name });
      },
      response: (id) => {
        const r = responses.get(id);
        return r ? t('decision.responseName', { category: humanise(r.category), owner: actor(r.owner) }) : id;
      },
    };
  }, [current.data]);
}

/** "Rung 3 of 5 · Guarantor consultations": where the case stands on its ladder. */
export function RungPosition({ c, names }: { c: Case; names: ResponseNames }) {
  const ladder = names.ladder(c.ladderId);
  const rung = ladder?.rungs.find((r) => r.id === c.rungId);
  return (
    <span className="rung-position" data-testid="rung-position" data-rung={c.rungId}>
      <span className="rung-count">
        {t('cases.rungOf', { n: c.rungIndex + 1, total: ladder?.rungs.length ?? '?' })}
      </span>{' '}
      <span className="rung-name">{rung?.name ?? c.rungId}</span>
    </span>
  );
}

export function CaseStatusBadge({ status }: { status: CaseStatus }) {
  return (
    <span className={`vstatus cstatus-${status}`} data-testid="case-status" data-status={status}>
      {t(`caseStatus.${status}`)}
    </span>
  );
}

/** Re-renders every `ms` so countdowns stay true while the page is open. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** "2 d 4 h" for a positive span of milliseconds (minutes below an hour). */
export function span(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return t('cases.spanDays', { days, hours });
  if (hours > 0) return t('cases.spanHours', { hours, minutes: minutes % 60 });
  return t('cases.spanMinutes', { minutes });
}

/** Time left to the deadline, or how long it is overdue (in red, with a sign, not by colour alone). */
export function Countdown({
  deadline,
  status,
  now,
}: {
  deadline: string | null;
  status: CaseStatus;
  now: number;
}) {
  if (status === 'closed') return <span className="muted">—</span>;
  if (deadline === null) return <span className="muted">{t('cases.noDeadline')}</span>;
  const left = Date.parse(deadline) - now;
  return left >= 0 ? (
    <span className="countdown" data-testid="countdown" title={deadline}>
      {t('cases.left', { span: span(left) })}
    </span>
  ) : (
    <span
      className="countdown countdown-overdue"
      data-testid="countdown"
      data-overdue="true"
      title={deadline}
    >
      <span aria-hidden="true">⚠ </span>
      {t('cases.overdueBy', { span: span(-left) })}
    </span>
  );
}

/** The rung's actors that have not decided at the case's current rung. */
export function awaiting(c: Case, decisions: readonly Decision[]): string[] {
  const decided = new Set(decisions.filter((d) => d.rungId === c.rungId).map((d) => d.actor));
  return c.status === 'closed' ? [] : c.actors.filter((a) => !decided.has(a));
}

/** A decision option in words: escalate, hold, close, or a response of the guarantee's menu. */
export function optionLabel(option: string, names?: ResponseNames): string {
  if (option.startsWith('respond:')) {
    const id = option.slice('respond:'.length);
    return t('decision.respond', { response: names ? names.response(id) : id });
  }
  if (option === 'escalate' || option === 'hold' || option === 'close') return t(`decision.${option}`);
  return option;
}
