import { TIME_PRECISIONS, type TimePrecision } from '../../api/reports.js';
import { t } from '../../i18n/index.js';
import { Field, type DraftFieldsProps } from './Field.js';

/** When: the observation window, in UTC, and how precise it is. */
export function TimeFieldset({ draft, set, errorsFor }: DraftFieldsProps) {
  return (
    <fieldset className="form-section">
      <legend>{t('reportForm.when')}</legend>
      <div className="field-row">
        <Field id="rf-observedFrom" label={t('reportForm.observedFrom')} errors={errorsFor('observedFrom')}>
          <input
            type="datetime-local"
            value={draft.observedFrom}
            onChange={(e) => set({ observedFrom: e.target.value })}
          />
        </Field>
        <Field id="rf-observedTo" label={t('reportForm.observedTo')} errors={errorsFor('observedTo')}>
          <input
            type="datetime-local"
            value={draft.observedTo}
            onChange={(e) => set({ observedTo: e.target.value })}
          />
        </Field>
        <Field
          id="rf-timePrecision"
          label={t('reportForm.timePrecision')}
          errors={errorsFor('timePrecision')}
        >
          <select
            value={draft.timePrecision}
            onChange={(e) => set({ timePrecision: e.target.value as TimePrecision })}
          >
            {TIME_PRECISIONS.map((p) => (
              <option key={p} value={p}>
                {t(`precision.time.${p}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
    </fieldset>
  );
}
