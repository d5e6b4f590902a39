import { REPORTER_KINDS, type ReporterKind } from '../../api/reports.js';
import type { ReportCategory } from '../../api/types.js';
import { humanise, t } from '../../i18n/index.js';
import { CasualtiesFieldset } from './CasualtiesFieldset.js';
import { Field, type DraftFieldsProps } from './Field.js';

/** What: the agreement's category, equipment, counts, casualties, who reports it, and the narrative. */
export function WhatFieldset({
  draft,
  set,
  errorsFor,
  taxonomy,
  equipment,
  noTaxonomy,
}: DraftFieldsProps & {
  taxonomy: ReportCategory[];
  equipment: { id: string; name: string }[];
  /** The agreement has no report categories: nothing can be filed. */
  noTaxonomy: boolean;
}) {
  return (
    <fieldset className="form-section">
      <legend>{t('reportForm.what')}</legend>
      <Field
        id="rf-category"
        label={t('reportForm.category')}
        hint={t('reportForm.categoryHint')}
        errors={errorsFor('category')}
      >
        <select
          value={draft.category}
          onChange={(e) => set({ category: e.target.value })}
          disabled={noTaxonomy}
        >
          <option value="">{t('reportForm.choose')}</option>
          {groupsOf(taxonomy).map(([group, categories]) => (
            <optgroup key={group} label={humanise(group)}>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>
      {equipment.length > 0 && (
        <Field
          id="rf-equipmentCategory"
          label={t('reportForm.equipment')}
          errors={errorsFor('equipmentCategory')}
        >
          <select
            value={draft.equipmentCategory}
            onChange={(e) => set({ equipmentCategory: e.target.value })}
          >
            <option value="">{t('reportForm.equipmentNone')}</option>
            {equipment.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field
        id="rf-events"
        label={t('reportForm.events')}
        hint={t('reportForm.countHint')}
        errors={errorsFor('events')}
      >
        <input inputMode="numeric" value={draft.events} onChange={(e) => set({ events: e.target.value })} />
      </Field>
      <CasualtiesFieldset draft={draft} set={set} errorsFor={errorsFor} />
      <Field id="rf-reporterKind" label={t('reportForm.reporterKind')} errors={errorsFor('reporterKind')}>
        <select
          value={draft.reporterKind}
          onChange={(e) => set({ reporterKind: e.target.value as ReporterKind | '' })}
        >
          <option value="">{t('reportForm.reporterKindNone')}</option>
          {REPORTER_KINDS.map((k) => (
            <option key={k} value={k}>
              {humanise(k)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="rf-narrative"
        label={t('reportForm.narrative')}
        hint={t('reportForm.narrativeHint')}
        errors={errorsFor('narrative')}
      >
        <textarea rows={6} value={draft.narrative} onChange={(e) => set({ narrative: e.target.value })} />
      </Field>
    </fieldset>
  );
}

function groupsOf<T extends { group: string }>(items: T[]): [string, T[]][] {
  const byGroup = new Map<string, T[]>();
  for (const c of items) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
  return [...byGroup.entries()];
}
