import type { PlaceNames } from '../monitoring/place-names.js';
import type { DailyReport, PlaceRef } from './daily.model.js';
import type { DailyText } from './daily.text.js';

/**
 * The report with its places named in the edition's language: "3,2 км на північний схід від н. п.
 * Горлівка" where the operator's GeoNames files have the place's Ukrainian name, the GeoNames name
 * otherwise. Points with no settlement near keep their coordinates.
 */
export function withPlaceNames(r: DailyReport, text: DailyText, names: PlaceNames): DailyReport {
  const nameOf = (p: { geonameId?: number; name: string }) =>
    (p.geonameId !== undefined ? names.nameOf(p.geonameId, text.lang) : undefined) ?? p.name;
  const phrase = <T extends { place: string; nearest?: PlaceRef }>(item: T): T =>
    item.nearest === undefined
      ? item
      : {
          ...item,
          place: text.offset(nameOf(item.nearest), item.nearest.distanceKm, item.nearest.bearingDeg),
        };
  return {
    ...r,
    incidents: r.incidents.map(phrase),
    freedomOfMovement: { ...r.freedomOfMovement, reports: r.freedomOfMovement.reports.map(phrase) },
    weaponsInZones: { ...r.weaponsInZones, reports: r.weaponsInZones.reports.map(phrase) },
    map: { ...r.map, places: r.map.places.map((p) => ({ ...p, name: nameOf(p) })) },
  };
}
