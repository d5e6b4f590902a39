import { formatNumber, t } from '../../i18n/index.js';
import { FieldErrors } from './Field.js';
import type { EvidenceItem } from './useReportForm.js';

/** The evidence files, each hashed on this device before anything is sent. */
export function EvidenceFieldset({
  evidence,
  errors,
  addFiles,
  removeEvidence,
}: {
  evidence: EvidenceItem[];
  errors: string[];
  addFiles: (files: FileList | null) => void;
  removeEvidence: (key: string) => void;
}) {
  return (
    <fieldset className="form-section" id="rf-evidence" tabIndex={-1}>
      <legend>{t('reportForm.evidence')}</legend>
      <p className="hint" id="rf-evidence-hint">
        {t('reportForm.evidenceHint')}
      </p>
      <FieldErrors errors={errors} id="rf-evidence-errors" />
      <label className="file-picker">
        <span>{t('reportForm.addEvidence')}</span>
        <input
          type="file"
          multiple
          data-testid="evidence-input"
          aria-describedby="rf-evidence-hint"
          onChange={(e) => {
            addFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </label>
      {evidence.length > 0 && (
        <ul className="evidence-list" data-testid="evidence-list">
          {evidence.map((item) => (
            <li key={item.key} data-name={item.file.name}>
              <div>
                <strong>{item.file.name}</strong>{' '}
                <span className="muted">
                  {formatNumber(item.file.size)} B{item.file.type ? ` · ${item.file.type}` : ''}
                </span>
              </div>
              <div className="mono hash" data-testid="evidence-hash">
                {item.error
                  ? t('reportForm.hashFailed', { reason: item.error })
                  : item.sha256
                    ? `SHA-256 ${item.sha256}`
                    : t('reportForm.hashing')}
              </div>
              <button type="button" className="button button-small" onClick={() => removeEvidence(item.key)}>
                {t('reportForm.removeEvidence', { name: item.file.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
