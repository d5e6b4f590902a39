/** The notice form's small controls: a number typed as text, and a window typed in UTC. */
import type { ReactElement } from 'react';
import { t } from '../i18n/index.js';
import { Field, FieldErrors } from '../reports/form/Field.js';

export function NumberField(props: {
  id: string;
  label: string;
  value: string;
  errors: string[];
  onChange: (v: string) => void;
}): ReactElement {
  return (
    <Field id={props.id} label={props.label} errors={props.errors}>
      <input inputMode="decimal" value={props.value} onChange={(e) => props.onChange(e.target.value)} />
    </Field>
  );
}

/** A window: from and to, typed in UTC; errors of each end beside it, of the whole below. */
export function TimePair(props: {
  id: string;
  label: string;
  from: string;
  to: string;
  errors: [string[], string[], string[]];
  onChange: (from: string, to: string) => void;
}): ReactElement {
  const [fromErrors, toErrors, whole] = props.errors;
  return (
    <div className="time-pair" role="group" aria-labelledby={`${props.id}-label`}>
      <p className="field-label" id={`${props.id}-label`}>
        <strong>{props.label}</strong> <span className="muted">(UTC)</span>
      </p>
      <div className="field-row">
        <Field id={`${props.id}-from`} label={t('noticeForm.from')} errors={fromErrors}>
          <input
            type="datetime-local"
            value={props.from}
            onChange={(e) => props.onChange(e.target.value, props.to)}
          />
        </Field>
        <Field id={`${props.id}-to`} label={t('noticeForm.to')} errors={toErrors}>
          <input
            type="datetime-local"
            value={props.to}
            onChange={(e) => props.onChange(props.from, e.target.value)}
          />
        </Field>
      </div>
      <FieldErrors
        errors={whole.filter((e) => !fromErrors.includes(e) && !toErrors.includes(e))}
        id={`${props.id}-errors`}
      />
    </div>
  );
}
