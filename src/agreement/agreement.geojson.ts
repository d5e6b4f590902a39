import type { DerivedAgreement } from './agreement.derive.js';

/** A GeoJSON (RFC 7946) feature of an agreement's map. */
export interface Feature {
  type: 'Feature';
  id: string;
  geometry: unknown;
  properties: Record<string, unknown>;
}

/** A GeoJSON (RFC 7946) FeatureCollection, as the API and exports write it. */
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

/**
 * The agreement's reference geometries and zones as one FeatureCollection: lines first, then zones in
 * the agreement's order (derived bands with `derived: true` and the line they are measured from). Zone
 * polygons are display geometry computed on the ellipsoid; classification never uses them.
 */
export function zonesFeatureCollection(derived: DerivedAgreement, versionId: string): FeatureCollection {
  const features: Feature[] = [];
  for (const ref of derived.agreement.reference_geometries) {
    features.push({
      type: 'Feature',
      id: ref.id,
      geometry: ref.geometry,
      properties: {
        id: ref.id,
        name: ref.name,
        kind: ref.geometry.type === 'LineString' ? 'line' : 'reference',
        referenceKind: ref.kind,
        asOf: ref.as_of ?? null,
        sides: ref.sides ?? null,
        appliesTo: ref.applies_to ?? null,
        agreementVersion: versionId,
      },
    });
  }
  for (const zone of derived.zones) {
    if (!zone.display) continue;
    features.push({
      type: 'Feature',
      id: zone.id,
      geometry: zone.display,
      properties: {
        id: zone.id,
        name: zone.name,
        kind: 'zone',
        zoneKind: zone.kind,
        derived: zone.parts.length > 0,
        parentId: zone.parentId ?? null,
        provision: zone.provision ?? null,
        lines: [...new Set(zone.parts.map((p) => p.lineId))],
        widthKm: zone.parts.length > 0 ? Math.max(...zone.parts.map((p) => p.maxM)) / 1000 : null,
        agreementVersion: versionId,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}
