import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { Problem } from '../components/Problem.js';
import { t } from '../i18n/index.js';
import { EvidenceFieldset } from '../reports/form/EvidenceFieldset.js';
import { PositionFieldset } from '../reports/form/PositionFieldset.js';
import { ReportFiled } from '../reports/form/ReportFiled.js';
import { SourceFieldset } from '../reports/form/SourceFieldset.js';
import { TimeFieldset } from '../reports/form/TimeFieldset.js';
import { useReportForm } from '../reports/form/useReportForm.js';
import { WhatFieldset } from '../reports/form/WhatFieldset.js';

/** The monitor's report: where, when, what, how sure, and the evidence, hashed before it leaves the device. */
export default function ReportFormScreen() {
  const agreement = useAgreement();
  const zones = useZones();
  const form = useReportForm();
  const { draft, set, errorsFor, problems, outcome, summary } = form;
  const taxonomy = agreement.data?.agreement.report_taxonomy ?? [];
  const equipment = agreement.data?.agreement.equipment_categories ?? [];

  if (outcome?.kind === 'filed') {
    return <ReportFiled filed={outcome} summary={summary} startAnother={form.startAnother} />;
  }

  const noTaxonomy = agreement.status === 'done' && taxonomy.length === 0;
  const fields = { draft, set, errorsFor };

  return (
    <section className="page report-form">
      <h1>{t('reportForm.title')}</h1>
      <p className="lede">{t('reportForm.lede')}</p>

      <div ref={summary} tabIndex={-1} className="summary-anchor">
        {problems.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="form-problems">
            <p className="notice-title">{t('reportForm.problems', { count: problems.length })}</p>
            <ul>
              {problems.map((p) => (
                <li key={`${p.field}:${p.message}`}>
                  <a href={`#rf-${p.field}`}>{t(p.message, p.values)}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        {outcome?.kind === 'failed' && <Problem error={outcome.error} title={t('reportForm.rejected')} />}
      </div>
      {noTaxonomy && (
        <div className="notice notice-warn" role="status">
          {t('reportForm.noTaxonomy')}
        </div>
      )}

      <form onSubmit={(e) => void form.submit(e)} noValidate>
        <PositionFieldset
          {...fields}
          position={form.position}
          focus={form.focus}
          pick={form.pick}
          typeMgrs={form.typeMgrs}
          showTypedPosition={form.showTypedPosition}
          zones={zones.data ?? null}
          region={agreement.data?.agreement.region?.bbox}
        />
        <TimeFieldset {...fields} />
        <WhatFieldset {...fields} taxonomy={taxonomy} equipment={equipment} noTaxonomy={noTaxonomy} />
        <EvidenceFieldset
          evidence={form.evidence}
          errors={errorsFor('evidence')}
          addFiles={form.addFiles}
          removeEvidence={form.removeEvidence}
        />
        <SourceFieldset {...fields} />

        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={form.busy || noTaxonomy}>
            {form.busy ? t('reportForm.sending') : t('reportForm.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
