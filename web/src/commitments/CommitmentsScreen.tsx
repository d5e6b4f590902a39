import { useEffect, useMemo, useState } from 'react';
import { getNegotiation } from '../api/agreement.js';
import {
  getCommitmentSummary,
  type CommitmentSummary,
  type SummaryRow,
  type TimelinePoint,
} from '../api/commitments.js';
import { useAgreement } from '../agreement/useAgreement.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { useResponseNames } from '../response/labels.js';
import { useLiveEvents } from '../response/useLiveEvents.js';
import { CumulativeChart } from './CumulativeChart.js';
import { PledgeBars } from './PledgeBars.js';
import { RatificationPanel } from './RatificationPanel.js';
import '../response/response.css';

function byUnit<T extends { unit: string }>(rows: readonly T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(r.unit, [...(m.get(r.unit) ?? []), r]);
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Pledged vs delivered per guarantor and category, cumulative by month, and the guarantee's ratification. */
export default function CommitmentsScreen() {
  const names = useResponseNames();
  const agreement = useAgreement();
  const loaded = useAsync(() => getCommitmentSummary(), []);
  useLiveEvents('commitment.', loaded.reload);
  // A refresh keeps the charts on screen until the new figures arrive.
  const [summary, setSummary] = useState<CommitmentSummary | undefined>(undefined);
  useEffect(() => {
    if (loaded.data) setSummary(loaded.data);
  }, [loaded.data]);
  const negotiation = useAsync(() => getNegotiation().catch(() => null), []);
  const bars = useMemo(() => byUnit<SummaryRow>(summary?.byGuarantorAndCategory ?? []), [summary]);
  const timeline = useMemo(() => byUnit<TimelinePoint>(summary?.timeline ?? []), [summary]);
  const guarantees = agreement.data?.agreement.guarantees ?? [];
  return (
    <section className="page commitments">
      <div className="page-head">
        <h1>{t('commitments.title')}</h1>
      </div>
      <p className="lede">{t('commitments.lede')}</p>
      {summary === undefined && loaded.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {loaded.status === 'failed' && <Problem error={loaded.error} />}
      {summary !== undefined && (
        <>
          <p className="muted">{t('commitments.asOf', { at: formatDateTime(summary.asOf) })}</p>
          {bars.length === 0 ? (
            <div className="empty-state" data-testid="no-pledges">
              <p className="empty-title">{t('commitments.none')}</p>
            </div>
          ) : (
            <>
              <section aria-labelledby="by-guarantor-heading">
                <h2 id="by-guarantor-heading">{t('commitments.byGuarantor')}</h2>
                {bars.map(([unit, rows]) => (
                  <PledgeBars key={unit} unit={unit} rows={rows} actor={names.actor} />
                ))}
              </section>
              <section aria-labelledby="timeline-heading">
                <h2 id="timeline-heading">{t('commitments.timeline')}</h2>
                {timeline.map(([unit, points]) => (
                  <CumulativeChart key={unit} unit={unit} points={points} />
                ))}
              </section>
            </>
          )}
        </>
      )}
      {guarantees.length > 0 && (
        <section aria-labelledby="ratification-heading">
          <h2 id="ratification-heading">{t('commitments.ratification')}</h2>
          {guarantees.map((g) => (
            <RatificationPanel
              key={g.id}
              guaranteeId={g.id}
              negotiation={negotiation.data ?? null}
              actor={names.actor}
            />
          ))}
        </section>
      )}
    </section>
  );
}
