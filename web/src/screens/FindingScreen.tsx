import { useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';
import { getFinding, type FindingDetail } from '../api/verification.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { FindingPanel } from '../verification/FindingPanel.js';
import { useAgreementNames } from '../verification/labels.js';

/** One finding in full, with its separate opinions, the votes (for insiders) and its actions. */
export default function FindingScreen({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const session = useSession();
  const names = useAgreementNames();
  const loaded = useAsync(() => getFinding(id), [id]);
  const [detail, setDetail] = useState<FindingDetail | null>(null);
  useEffect(() => setDetail(loaded.data ?? null), [loaded.data]);

  if (loaded.status === 'loading' || (loaded.status === 'done' && detail === null))
    return <p role="status">{t('common.loading')}</p>;
  if (loaded.status === 'failed' || detail === null) {
    return (
      <section className="page">
        <h1>{t('finding.title')}</h1>
        {loaded.error instanceof ApiError && loaded.error.notFound ? (
          <p className="empty-state">{t('finding.notFound', { id })}</p>
        ) : (
          <Problem error={loaded.error} />
        )}
        <Link to="/findings">{t('finding.back')}</Link>
      </section>
    );
  }
  const f = detail.finding;
  return (
    <section className="page finding-detail">
      <p>
        <Link to="/findings">{t('finding.back')}</Link>
      </p>
      <div className="page-head">
        <h1>{names.category(f.category)}</h1>
        <span className={`marking marking-${f.marking.toLowerCase().replace('+', '-')}`}>
          TLP:{f.marking}
        </span>
      </div>
      {session.can('incidents:read') && (
        <p>
          <Link to={`/incidents/${encodeURIComponent(f.incidentId)}`}>{t('finding.openIncident')}</Link>
        </p>
      )}
      <FindingPanel detail={detail} onChange={setDetail} />
    </section>
  );
}
