import { cloneElement, type ReactElement } from 'react';
import type { Draft, DraftField } from '../draft.js';

/** What every fieldset of the report form receives: the draft, a way to change it, and its errors. */
export interface DraftFieldsProps {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  errorsFor: (field: DraftField) => string[];
}

export function FieldErrors({ errors, id }: { errors: string[]; id: string }) {
  if (errors.length === 0) return null;
  return (
    <p className="field-error" id={id}>
      {errors.join('; ')}
    </p>
  );
}

/** A labelled control with its hint and errors wired to aria-describedby / aria-invalid. */
export function Field({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors: string[];
  children: ReactElement;
}) {
  const describedBy = [hint ? `${id}-hint` : '', errors.length ? `${id}-errors` : '']
    .filter(Boolean)
    .join(' ');
  const child = children as ReactElement<Record<string, unknown>>;
  return (
    <div className={`field${errors.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldErrors errors={errors} id={`${id}-errors`} />
      {cloneElement(child, {
        id,
        name: id.slice(3),
        'aria-invalid': errors.length > 0 || undefined,
        'aria-describedby': describedBy || undefined,
      })}
    </div>
  );
}
