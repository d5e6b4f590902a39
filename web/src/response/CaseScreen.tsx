import { useCallback, useEffect, useState } from 'react';
import { actsFor } from '../../../src/wire.js';
import { ApiError } from '../api/client.js';
import { getCase, type CaseDetail } from '../api/response.js';
import { useAgreement } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, humanise, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { DecisionForm } from './DecisionForm.js';
import { EvidencePackage } from './EvidencePackage.js';
import {
  awaiting,
  CaseStatusBadge,
  Countdown,
  optionLabel,
  RungPosition,
  useNow,
  useResponseNames,
} from './labels.js';
import { useLiveEvents } from './useLiveEvents.js';
import './response.css';

/** One case: where it stands, whose move it is, what was decided and missed, and its evidence. */
export default function CaseScreen({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const session = useSession();
  const agreement = useAgreement();
  const names = useResponseNames();
  const now = useNow();
  const loaded = useAsync(() => getCase(id), [id]);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [recorded, setRecorded] = useState(false);
  useEffect(() => setDetail(loaded.data ?? null), [loaded.data]);
  // Another actor's decision or a timeout moves the case: take the server's fresh copy.
  const refresh = useCallback(() => {
    getCase(id).then(setDetail, () => undefined);
  }, [id]);
  useLiveEvents('case.', refresh);

  if (loaded.status === 'loading' || (loaded.status === 'done' && detail === null))
    return <p role="status">{t('common.loading')}</p>;
  if (loaded.status === 'failed' || detail === null) {
    return (
      <section className="page">
        <h1>{t('case.title')}</h1>
        {loaded.error instanceof ApiError && loaded.error.notFound ? (
          <p className="empty-state">{t('case.notFound', { id })}</p>
        ) : (
          <Problem error={loaded.error} />
        )}
        <Link to="/cases">{t('case.back')}</Link>
      </section>
    );
  }
  const c = detail.case;
  const org = session.me?.organisation;
  const doc = agreement.data?.agreement;
  const waiting = awaiting(c, detail.decisions);
  const mine =
    org && doc && session.can('cases:decide')
      ? waiting.filter((a) => actsFor(doc, { id: org.id, kind: org.kind }, a))
      : [];
  const ladder = names.ladder(c.ladderId);
  return (
    <section className="page case-detail">
      <p>
        <Link to="/cases">{t('case.back')}</Link>
      </p>
      <div className="page-head">
        <h1>{c.party ? t('cases.against', { party: names.actor(c.party) }) : t('cases.unattributed')}</h1>
        <span className={`marking marking-${c.marking.toLowerCase().replace('+', '-')}`}>
          TLP:{c.marking}
        </span>
      </div>
      <dl className="facts facts-2col case-facts">
        <dt>{t('cases.position')}</dt>
        <dd>
          <RungPosition c={c} names={names} />
        </dd>
        <dt>{t('cases.status')}</dt>
        <dd>
          <CaseStatusBadge status={c.status} />
          {c.status === 'closed' && c.outcome && <span className="muted"> {humanise(c.outcome)}</span>}
        </dd>
        <dt>{t('cases.deadline')}</dt>
        <dd>
          <Countdown deadline={c.deadline} status={c.status} now={now} />
          {c.deadline && <span className="muted"> ({formatDateTime(c.deadline)})</span>}
        </dd>
        <dt>{t('case.actors')}</dt>
        <dd>
          {c.actors.map(names.actor).join(', ')} <span className="muted">({humanise(c.decisionRule)})</span>
        </dd>
        <dt>{t('cases.mustAct')}</dt>
        <dd data-testid="must-act">{waiting.map(names.actor).join(', ') || '—'}</dd>
        <dt>{t('case.opened')}</dt>
        <dd>{formatDateTime(c.openedAt)}</dd>
      </dl>

      {ladder && (
        <ol className="ladder-track" aria-label={t('case.ladder', { name: ladder.name })}>
          {ladder.rungs.map((r, i) => (
            <li
              key={r.id}
              className={i < c.rungIndex ? 'passed' : i === c.rungIndex ? 'current' : 'ahead'}
              aria-current={i === c.rungIndex ? 'step' : undefined}
            >
              <span className="rung-step">{i + 1}</span>
              <span className="ladder-track-name">{r.name}</span>
            </li>
          ))}
        </ol>
      )}

      {recorded && (
        <p className="notice notice-ok" role="status" data-testid="decision-recorded">
          {t('decision.recorded')}
        </p>
      )}
      {mine.length > 0 && (
        <DecisionForm
          key={c.rungId}
          detail={detail}
          actors={mine}
          names={names}
          onDecided={(d) => {
            setDetail(d);
            setRecorded(true);
          }}
        />
      )}

      <div className="detail-grid">
        <section aria-labelledby="decisions-heading">
          <h2 id="decisions-heading">{t('cases.decisions')}</h2>
          {detail.decisions.length === 0 ? (
            <p className="muted">{t('case.noDecisions')}</p>
          ) : (
            <ul className="plain-list decisions" data-testid="decisions">
              {detail.decisions.map((d) => (
                <li key={d.id} data-actor={d.actor}>
                  <strong>{names.actor(d.actor)}</strong> — {optionLabel(d.option, names)}{' '}
                  <span className="muted">
                    {t('case.decidedAt', {
                      rung: names.rung(c.ladderId, d.rungId),
                      at: formatDateTime(d.at),
                    })}
                  </span>
                  <div className="reason">{d.reason}</div>
                </li>
              ))}
            </ul>
          )}
          <h2>{t('cases.inaction')}</h2>
          {detail.inactions.length === 0 ? (
            <p className="muted">{t('case.noInaction')}</p>
          ) : (
            <ul className="plain-list" data-testid="inactions">
              {detail.inactions.map((i) => (
                <li key={i.id} className="inaction">
                  {t('case.inactionText', {
                    actor: names.actor(i.actor),
                    rung: names.rung(c.ladderId, i.rungId),
                    deadline: formatDateTime(i.deadline),
                  })}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="steps-heading">
          <h2 id="steps-heading">{t('case.steps')}</h2>
          <ol className="timeline" data-testid="case-steps">
            {c.steps.map((s, n) => (
              <li key={n} data-kind={s.kind} data-rung={s.rungId}>
                <span className="nowrap muted">{formatDateTime(s.at)}</span>{' '}
                <strong>{t(`caseStep.${stepKey(s.kind)}`)}</strong> {names.rung(c.ladderId, s.rungId)}
                {s.reason && <div className="muted">{s.reason}</div>}
              </li>
            ))}
          </ol>
        </section>
      </div>

      <section aria-labelledby="evidence-heading">
        <h2 id="evidence-heading">{t('case.evidence')}</h2>
        <EvidencePackage c={c} />
      </section>
    </section>
  );
}

const STEP_KEYS = ['opened', 'escalated', 'evidence-added', 'held', 'closed'] as const;
function stepKey(kind: string): (typeof STEP_KEYS)[number] | 'other' {
  const k = kind.replace(/^case\./, '');
  return (STEP_KEYS as readonly string[]).includes(k) ? (k as (typeof STEP_KEYS)[number]) : 'other';
}
