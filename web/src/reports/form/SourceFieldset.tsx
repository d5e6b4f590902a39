import {
  CREDIBILITY,
  MARKINGS,
  RELIABILITY,
  type Credibility,
  type Marking,
  type Reliability,
} from '../../api/reports.js';
import { t } from '../../i18n/index.js';
import { Field, type DraftFieldsProps } from './Field.js';

/** The source and its reliability, how credible the information is, and who may see the report (TLP). */
export function SourceFieldset({ draft, set, errorsFor }: DraftFieldsProps) {
  return (
    <fieldset className="form-section">
      <legend>{t('reportForm.sourceAndMarking')}</legend>
      <div className="field-row">
        <Field
          id="rf-sourceName"
          label={t('reportForm.sourceName')}
          hint={t('reportForm.sourceNameHint')}
          errors={errorsFor('sourceName')}
        >
          <input value={draft.sourceName} onChange={(e) => set({ sourceName: e.target.value })} />
        </Field>
        <Field
          id="rf-reliability"
          label={t('reportForm.reliability')}
          hint={t('reportForm.reliabilityHint')}
          errors={errorsFor('reliability')}
        >
          <select
            disabled={draft.sourceName.trim() === ''}
            value={draft.reliability}
            onChange={(e) => set({ reliability: e.target.value as Reliability })}
          >
            {RELIABILITY.map((r) => (
              <option key={r} value={r}>
                {r} — {t(`grade.reliability.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="rf-credibility" label={t('reportForm.credibility')} errors={errorsFor('credibility')}>
          <select
            value={draft.credibility}
            onChange={(e) => set({ credibility: Number(e.target.value) as Credibility })}
          >
            {CREDIBILITY.map((c) => (
              <option key={c} value={c}>
                {c} — {t(`grade.credibility.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="rf-marking"
          label={t('reportForm.marking')}
          hint={t('reportForm.markingHint')}
          errors={errorsFor('marking')}
        >
          <select value={draft.marking} onChange={(e) => set({ marking: e.target.value as Marking })}>
            {MARKINGS.map((m) => (
              <option key={m} value={m}>
                TLP:{m}
              </option>
            ))}
          </select>
        </Field>
      </div>
    </fieldset>
  );
}
