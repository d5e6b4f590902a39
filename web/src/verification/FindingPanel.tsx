import { useState } from 'react';
import {
  closeFinding,
  publishFinding,
  voteOnFinding,
  VOTES,
  type FindingDetail,
  type VoteChoice,
} from '../api/verification.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, t } from '../i18n/index.js';
import { FindingStateBadge, SeverityBadge, useAgreementNames, zonesOf } from './labels.js';

interface Props {
  detail: FindingDetail;
  /** Called with the finding as the server answers after a vote, a close or a publication. */
  onChange: (detail: FindingDetail) => void;
  /** Heading level: 2 on the finding's own page, 3 inside an incident's page. */
  level?: 2 | 3;
}

/**
 * One finding: what the body decided, the tally, the separate opinions and (for the body and the
 * commission) every vote; with the vote buttons for commissioners while it is in vote and the
 * publish button for analysts once it is adopted. The server decides; refusals are shown as they come.
 */
export function FindingPanel({ detail, onChange, level = 2 }: Props) {
  const f = detail.finding;
  const names = useAgreementNames();
  const H = level === 2 ? 'h2' : 'h3';
  const tally = f.tally;
  return (
    <section className="card finding" data-testid="finding" data-finding-id={f.id} data-state={f.state}>
      <div className="section-head">
        <H className="card-title">{t('finding.headline', { outcome: t(`status.${f.outcome}`) })}</H>
        <FindingStateBadge state={f.state} />
      </div>
      <p className="narrative">{f.summary}</p>
      <dl className="facts">
        <dt>{t('incident.category')}</dt>
        <dd>{names.category(f.category)}</dd>
        <dt>{t('incident.severity')}</dt>
        <dd>
          <SeverityBadge severity={f.severity} />
        </dd>
        <dt>{t('incident.attribution')}</dt>
        <dd>
          {f.attribution ? (
            <>
              {f.attribution.party
                ? t('incident.attributionValue', {
                    party: names.party(f.attribution.party),
                    confidence: t(`confidence.${f.attribution.confidence}`),
                  })
                : t('incident.attributionUnknownParty', {
                    confidence: t(`confidence.${f.attribution.confidence}`),
                  })}
              <div className="muted">{t('incident.attributionMethod', { method: f.attribution.method })}</div>
            </>
          ) : (
            t('incident.notAttributed')
          )}
        </dd>
        <dt>{t('incident.zones')}</dt>
        <dd>{zonesOf(f, names, t('incident.noZones'))}</dd>
        {f.sector && (
          <>
            <dt>{t('incident.sector')}</dt>
            <dd>{names.sector(f.sector)}</dd>
          </>
        )}
        <dt>{t('incident.observed')}</dt>
        <dd>
          {formatDateTime(f.observedFrom)} – {formatDateTime(f.observedTo)}
        </dd>
        <dt>{t('finding.rule')}</dt>
        <dd>{f.decisionRule}</dd>
        <dt>{t('finding.tally')}</dt>
        <dd data-testid="finding-tally">
          {t('finding.tallyValue', {
            for: tally.for,
            against: tally.against,
            abstain: tally.abstain,
            count: tally.seatsVoting,
            quorum: tally.quorum,
          })}
        </dd>
        <dt>{t('finding.proposed')}</dt>
        <dd>{formatDateTime(f.proposedAt)}</dd>
        {f.decidedAt && (
          <>
            <dt>{t('finding.decided')}</dt>
            <dd>{formatDateTime(f.decidedAt)}</dd>
          </>
        )}
        <dt>{t('finding.published')}</dt>
        <dd data-testid="finding-published">
          {f.publishedAt
            ? `${formatDateTime(f.publishedAt)} · ${f.public ? t('finding.public') : t('finding.toParties')}`
            : t('findings.notPublished')}
        </dd>
      </dl>
      <Opinions detail={detail} />
      {detail.votes !== undefined && (
        <details className="votes">
          <summary>
            {t('finding.votes')} ({detail.votes.length})
          </summary>
          {detail.votes.length === 0 ? (
            <p className="muted">{t('finding.noVotes')}</p>
          ) : (
            <ul data-testid="finding-votes">
              {detail.votes.map((v) => (
                <li key={v.id}>
                  {v.organisationId} · {v.username} · <strong>{t(`vote.${v.choice}`)}</strong>{' '}
                  <span className="muted">{formatDateTime(v.at)}</span>
                  {v.opinion && <div className="muted">{v.opinion}</div>}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
      <FindingActions detail={detail} onChange={onChange} />
    </section>
  );
}

function Opinions({ detail }: { detail: FindingDetail }) {
  const heading = <p className="notice-title">{t('finding.opinions')}</p>;
  if (detail.opinions.length === 0)
    return (
      <div className="opinions">
        {heading}
        <p className="muted">{t('finding.noOpinions')}</p>
      </div>
    );
  return (
    <div className="opinions" data-testid="finding-opinions">
      {heading}
      <ul>
        {detail.opinions.map((o, i) => (
          <li key={i}>
            <strong>{o.organisationId}</strong> ({t(`vote.${o.choice}`)}): {o.opinion}
          </li>
        ))}
      </ul>
    </div>
  );
}

function FindingActions({ detail, onChange }: Omit<Props, 'level'>) {
  const session = useSession();
  const f = detail.finding;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [opinion, setOpinion] = useState('');
  const me = session.me?.user?.username;
  const mine = detail.votes?.find((v) => v.username === me);
  const canVote = session.can('findings:vote') && f.state === 'voting';
  const canClose = session.can('findings:propose') && f.state === 'voting';
  const canPublish = session.can('findings:publish') && f.state === 'adopted' && !f.publishedAt;
  if (!canVote && !canClose && !canPublish) return null;

  const run = async (action: () => Promise<FindingDetail>) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await action());
      setOpinion('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const opinionId = `opinion-${f.id}`;
  return (
    <div className="finding-actions">
      {error !== null && <Problem error={error} />}
      {canVote &&
        (mine ? (
          <p className="notice notice-ok" data-testid="my-vote">
            {t('finding.voted', { choice: t(`vote.${mine.choice}`) })}
          </p>
        ) : (
          <fieldset className="vote-form">
            <legend>{t('finding.yourVote')}</legend>
            <div className="field">
              <label htmlFor={opinionId}>{t('finding.opinion')}</label>
              <textarea
                id={opinionId}
                rows={2}
                value={opinion}
                onChange={(e) => setOpinion(e.target.value)}
              />
            </div>
            <div className="button-row">
              {VOTES.map((choice: VoteChoice) => (
                <button
                  key={choice}
                  type="button"
                  className={choice === 'for' ? 'button button-primary' : 'button'}
                  disabled={busy}
                  onClick={() =>
                    void run(() =>
                      voteOnFinding(f.id, {
                        choice,
                        ...(opinion.trim() !== '' ? { opinion: opinion.trim() } : {}),
                      }),
                    )
                  }
                >
                  {t('finding.voteAs', { choice: t(`vote.${choice}`) })}
                </button>
              ))}
            </div>
          </fieldset>
        ))}
      {(canClose || canPublish) && (
        <div className="button-row">
          {canClose && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void run(() => closeFinding(f.id))}
            >
              {t('finding.close')}
            </button>
          )}
          {canPublish && (
            <>
              <p className="hint">
                {t('finding.publishHint', { public: f.public ? t('finding.publishPublic') : '' })}
              </p>
              <button
                type="button"
                className="button button-primary"
                disabled={busy}
                onClick={() => void run(() => publishFinding(f.id))}
              >
                {t('finding.publish')}
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
