import { useEffect, useId, useMemo, useState } from 'react';
import {
  CREDIBILITY,
  RELIABILITY,
  type Credibility,
  type MapReport,
  type Reliability,
} from '../api/reports.js';
import type { ReportCategory } from '../api/types.js';
import { formatDateTime, humanise, t } from '../i18n/index.js';
import { groupColor } from '../map/colors.js';
import type { LegendEntry } from '../map/overlays.js';
import { DateRangeFields } from './DateRangeFields.js';
import { activeFilterCount, NO_FILTERS, timeExtent, type ReportFilters } from './filter.js';

interface Props {
  filters: ReportFilters;
  onChange: (f: ReportFilters) => void;
  taxonomy: ReportCategory[];
  zones: LegendEntry[];
  reports: MapReport[];
}

const HOUR = 3_600_000;

function toggled<T>(set: ReadonlySet<T>, value: T): Set<T> {
  const next = new Set(set);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return next;
}

/** Category, zone, source grade, date range and the time slider. Categories double as the colour legend. */
export function ReportFiltersPanel({ filters, onChange, taxonomy, zones, reports }: Props) {
  const id = useId();
  const set = (patch: Partial<ReportFilters>) => onChange({ ...filters, ...patch });
  const groups = useMemo(() => {
    const byGroup = new Map<string, ReportCategory[]>();
    for (const c of taxonomy) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
    return [...byGroup.entries()];
  }, [taxonomy]);
  const extent = useMemo(() => timeExtent(reports), [reports]);
  const active = activeFilterCount(filters);
  // Closed while there is nothing to filter; opened once reports arrive, then left to the user.
  const [open, setOpen] = useState(reports.length > 0);
  const hasReports = reports.length > 0;
  useEffect(() => {
    if (hasReports) setOpen(true);
  }, [hasReports]);

  return (
    <details className="filters" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        {t('filters.title')}
        {active > 0 && <span className="badge">{t('filters.active', { count: active })}</span>}
      </summary>
      <form className="filters-form" onSubmit={(e) => e.preventDefault()} aria-label={t('filters.title')}>
        <fieldset className="filter-categories">
          <legend>{t('filters.category')}</legend>
          {taxonomy.length === 0 ? (
            <p className="muted">{t('filters.noTaxonomy')}</p>
          ) : (
            groups.map(([group, categories]) => (
              <div key={group} className="category-group">
                <p className="category-group-name">
                  <span
                    className="swatch swatch-dot"
                    style={{ background: groupColor(group) }}
                    aria-hidden="true"
                  />
                  {humanise(group)}
                </p>
                <ul>
                  {categories.map((c) => (
                    <li key={c.id}>
                      <label>
                        <input
                          type="checkbox"
                          name="category"
                          value={c.id}
                          checked={filters.categories.has(c.id)}
                          onChange={() => set({ categories: toggled(filters.categories, c.id) })}
                        />
                        {c.name}
                      </label>
                    </li>
                  ))}
                </ul>
              </div>
            ))
          )}
          {taxonomy.length > 0 && <p className="hint">{t('filters.categoryHint')}</p>}
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-zone`}>{t('filters.zone')}</label>
          <select id={`${id}-zone`} value={filters.zone} onChange={(e) => set({ zone: e.target.value })}>
            <option value="">{t('filters.anyZone')}</option>
            {zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
          </select>
        </div>

        <label className="toggle">
          <input
            type="checkbox"
            checked={filters.flagged}
            onChange={(e) => set({ flagged: e.target.checked })}
          />
          {t('filters.flagged')}
        </label>

        <fieldset className="filter-grades">
          <legend>{t('filters.reliability')}</legend>
          <div className="chips">
            {RELIABILITY.map((r: Reliability) => (
              <label key={r} className="chip" title={t(`grade.reliability.${r}`)}>
                <input
                  type="checkbox"
                  name="reliability"
                  value={r}
                  checked={filters.reliability.has(r)}
                  onChange={() => set({ reliability: toggled(filters.reliability, r) })}
                />
                <span>{r}</span>
                <span className="visually-hidden"> {t(`grade.reliability.${r}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="filter-grades">
          <legend>{t('filters.credibility')}</legend>
          <div className="chips">
            {CREDIBILITY.map((c: Credibility) => (
              <label key={c} className="chip" title={t(`grade.credibility.${c}`)}>
                <input
                  type="checkbox"
                  name="credibility"
                  value={c}
                  checked={filters.credibility.has(c)}
                  onChange={() => set({ credibility: toggled(filters.credibility, c) })}
                />
                <span>{c}</span>
                <span className="visually-hidden"> {t(`grade.credibility.${c}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset className="filter-dates">
          <legend>{t('filters.dates')}</legend>
          <div className="field-row">
            <DateRangeFields id={id} from={filters.from} to={filters.to} onChange={set} />
          </div>
        </fieldset>

        <div className="field time-slider">
          <label htmlFor={`${id}-until`}>{t('filters.until')}</label>
          {extent ? (
            <>
              <input
                key="slider"
                id={`${id}-until`}
                type="range"
                min={extent[0]}
                max={extent[1]}
                step={HOUR}
                value={filters.until ?? extent[1]}
                aria-valuetext={formatDateTime(filters.until ?? extent[1])}
                onChange={(e) => {
                  const v = Number(e.target.value);
                  set({ until: v >= extent[1] ? null : v });
                }}
              />
              <output htmlFor={`${id}-until`}>
                {filters.until === null ? t('filters.untilAll') : formatDateTime(filters.until)}
              </output>
            </>
          ) : (
            <>
              <input
                key="slider-empty"
                id={`${id}-until`}
                type="range"
                disabled
                aria-describedby={`${id}-until-hint`}
              />
              <p id={`${id}-until-hint`} className="hint">
                {t('filters.untilEmpty')}
              </p>
            </>
          )}
        </div>

        <button
          type="button"
          className="button button-small"
          disabled={active === 0}
          onClick={() => onChange(NO_FILTERS)}
        >
          {t('filters.clear')}
        </button>
      </form>
    </details>
  );
}
