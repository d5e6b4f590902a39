import { t } from '../../i18n/index.js';
import { CASUALTY_FIELDS } from '../draft.js';
import { Field, type DraftFieldsProps } from './Field.js';

/** Killed and injured by status; an empty box is "not reported", not zero. */
export function CasualtiesFieldset({ draft, set, errorsFor }: DraftFieldsProps) {
  return (
    <fieldset className="casualties">
      <legend>{t('reportForm.casualties')}</legend>
      <p className="hint">{t('reportForm.countHint')}</p>
      <div className="casualty-grid">
        {CASUALTY_FIELDS.map((field) => (
          <Field key={field} id={`rf-${field}`} label={t(`casualty.${field}`)} errors={errorsFor(field)}>
            <input
              inputMode="numeric"
              value={draft[field]}
              onChange={(e) => set({ [field]: e.target.value })}
            />
          </Field>
        ))}
      </div>
    </fieldset>
  );
}
