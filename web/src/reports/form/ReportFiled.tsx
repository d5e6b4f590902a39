import type { RefObject } from 'react';
import type { FiledReport } from '../../api/reports.js';
import { Link } from '../../app/router.js';
import { t } from '../../i18n/index.js';
import { ReceiptView } from '../ReceiptView.js';

/** After filing: the report's link, the intake's warnings, uploads that failed, and the log receipt. */
export function ReportFiled({
  filed,
  summary,
  startAnother,
}: {
  filed: FiledReport;
  /** Focused once filed, so a screen reader announces it. */
  summary: RefObject<HTMLDivElement | null>;
  startAnother: () => void;
}) {
  return (
    <section className="page">
      <h1>{t('reportForm.filed')}</h1>
      <div className="notice notice-ok" role="status" ref={summary} tabIndex={-1}>
        <p>
          {t('reportForm.filedBody')}{' '}
          <Link to={`/reports/${encodeURIComponent(filed.report.id)}`}>{filed.report.id}</Link>
        </p>
      </div>
      {filed.warnings.length > 0 && (
        <div className="notice notice-warn" role="status">
          <p className="notice-title">{t('reportForm.warnings')}</p>
          <ul>
            {filed.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {filed.failedUploads.length > 0 && (
        <div className="notice notice-error" role="alert" data-testid="failed-uploads">
          <p className="notice-title">{t('reportForm.uploadsFailed')}</p>
          <ul>
            {filed.failedUploads.map((f) => (
              <li key={f.filename}>
                {f.filename}: {f.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ReceiptView receipt={filed.receipt} />
      <button type="button" className="button" onClick={startAnother}>
        {t('reportForm.another')}
      </button>
    </section>
  );
}
