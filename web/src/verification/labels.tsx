/**
 * How the verification domain's values read on screen: statuses, severities and finding states as
 * badges with text (colour is never the only signal), and the names behind the agreement's ids.
 */
import { useMemo } from 'react';
import type { FindingState, Incident, IncidentStatus, Severity } from '../api/verification.js';
import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { t } from '../i18n/index.js';

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <span className={`vstatus vstatus-${status}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`severity severity-${severity}`} data-severity={severity}>
      {t(`severity.${severity}`)}
    </span>
  );
}

export function FindingStateBadge({ state }: { state: FindingState }) {
  return (
    <span className={`vstatus fstate-${state}`} data-state={state}>
      {t(`findingState.${state}`)}
    </span>
  );
}

export function OverdueFlag() {
  return (
    <span className="overdue-flag" data-testid="overdue">
      <span aria-hidden="true">⚠ </span>
      {t('incidents.overdue')}
    </span>
  );
}

export interface AgreementNames {
  category: (id: string) => string;
  zone: (id: string) => string;
  sector: (id: string) => string;
  party: (id: string) => string;
  parties: { id: string; name: string }[];
  categories: { id: string; name: string }[];
  sectors: { id: string; name: string }[];
}

/** Names for the agreement's ids (categories, zones, sectors, parties); the id itself when unknown. */
export function useAgreementNames(): AgreementNames {
  const agreement = useAgreement();
  const zones = useZones();
  return useMemo(() => {
    const a = agreement.data?.agreement;
    const categories = (a?.report_taxonomy ?? []).map((c) => ({ id: c.id, name: c.name }));
    const sectors = (a?.verification?.sectors ?? []).map((s) => ({ id: s.id, name: s.name }));
    const parties = (a?.parties ?? []).map((p) => ({ id: p.id, name: p.name }));
    const zoneNames = new Map(
      (zones.data?.features ?? []).map((f) => [String(f.properties.id), String(f.properties.name)]),
    );
    const lookup = (list: { id: string; name: string }[]) => {
      const m = new Map(list.map((x) => [x.id, x.name]));
      return (id: string) => m.get(id) ?? id;
    };
    const categoryName = lookup(categories);
    return {
      // An incident judged by a version the reader may not read comes with its category withheld.
      category: (id: string) => (id === '_undisclosed' ? t('incident.undisclosed') : categoryName(id)),
      sector: lookup(sectors),
      party: lookup(parties),
      zone: (id) => zoneNames.get(id) ?? id,
      parties,
      categories,
      sectors,
    };
  }, [agreement.data, zones.data]);
}

/**
 * An incident's or finding's zones, in words: "Not disclosed" when it comes redacted (judged by a
 * version the reader may not read), `none` when it lies in no zone.
 */
export function zonesOf(
  r: { zones: readonly string[]; redacted?: true },
  names: AgreementNames,
  none: string,
): string {
  if (r.redacted) return t('verification.notDisclosed');
  return r.zones.length > 0 ? r.zones.map(names.zone).join(', ') : none;
}

/** Where an incident lies, in words: its zones, else its sector. */
export function placeOf(i: Pick<Incident, 'zones' | 'sector'>, names: AgreementNames): string {
  if (i.zones.length > 0) return i.zones.map(names.zone).join(', ');
  if (i.sector) return names.sector(i.sector);
  return '—';
}
