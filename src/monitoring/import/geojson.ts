import type { FieldProblem } from '../../core/errors.js';
import type { ReportView } from '../report.view.js';
import type { ReportInput } from '../report.schemas.js';
import { reportFacts } from './facts.js';

/**
 * GeoJSON (RFC 7946): one Feature per report. The geometry is the report's point (or area); the
 * properties are the submitted report without its coordinates; `id` is the external id. Exports
 * add a read-only `derived` property (classification, marking, category, grade…) that imports
 * ignore. A report filed without coordinates (an observer's bearing and distance, or MGRS) gets the
 * point Truceline estimated as its geometry, and `derived.geometryFrom` says so: an import reads the
 * position from `properties.location` as filed and skips that geometry.
 */
export interface ReportFeature {
  type: 'Feature';
  id?: string | number;
  geometry: { type: 'Point'; coordinates: number[] } | { type: 'Polygon'; coordinates: number[][][] } | null;
  properties: Record<string, unknown>;
}

/** A report as a GeoJSON Feature. */
export function reportFeature(report: ReportView, options: { derived?: boolean } = {}): ReportFeature {
  const { location, externalId, ...rest } = report.submitted;
  const { lon, lat, area, ...placeRest } = location;
  const filed: ReportFeature['geometry'] =
    area !== undefined
      ? area
      : lon !== undefined && lat !== undefined
        ? { type: 'Point', coordinates: [lon, lat] }
        : null;
  const properties: Record<string, unknown> = { ...rest };
  if (Object.keys(placeRest).length > 0) properties.location = placeRest;
  if (filed === null && area === undefined && (lon !== undefined || lat !== undefined))
    properties.location = location;
  const estimated = filed === null && lon === undefined && lat === undefined;
  const geometry: ReportFeature['geometry'] = estimated
    ? { type: 'Point', coordinates: [report.location.lon, report.location.lat] }
    : filed;
  if (options.derived !== false) {
    const facts = reportFacts(report);
    properties.derived = {
      id: report.id,
      revision: report.revision,
      point: [report.location.lon, report.location.lat],
      uncertaintyM: report.location.uncertaintyM,
      ...(estimated ? { geometryFrom: report.location.input } : {}),
      observed: report.observed,
      grade: report.grade,
      classification: report.classification,
      marking: report.marking,
      tlp: facts.tlp,
      strict: facts.strict,
      ...(facts.category !== undefined ? { category: facts.category } : {}),
      ...(facts.externalSystem !== undefined ? { externalSystem: facts.externalSystem } : {}),
      ...(facts.externalId !== undefined ? { externalId: facts.externalId } : {}),
    };
  }
  return { type: 'Feature', ...(externalId !== undefined ? { id: externalId } : {}), geometry, properties };
}

/** A Feature as a report input; problems name the feature member. */
export function featureToInput(feature: unknown): { input?: ReportInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (typeof feature !== 'object' || feature === null || (feature as { type?: unknown }).type !== 'Feature')
    return { problems: [{ path: '', reason: 'is not a GeoJSON Feature' }] };
  const f = feature as { id?: unknown; geometry?: unknown; properties?: unknown };
  const props = (f.properties ?? {}) as Record<string, unknown>;
  if (typeof props !== 'object' || Array.isArray(props))
    return { problems: [{ path: '/properties', reason: 'must be an object' }] };
  const { derived, location: propLocation, ...rest } = props;
  const location: Record<string, unknown> = {
    ...((propLocation as Record<string, unknown> | undefined) ?? {}),
  };
  // An export's estimated point (the report was filed as a bearing or MGRS): the position is in
  // properties.location as filed.
  const estimated =
    typeof derived === 'object' && derived !== null && 'geometryFrom' in derived && derived.geometryFrom;
  const g = f.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
  if (g !== null && g !== undefined && !estimated) {
    if (g.type === 'Point' && Array.isArray(g.coordinates)) {
      const [lon, lat] = g.coordinates as unknown[];
      if (typeof lon !== 'number' || typeof lat !== 'number')
        problems.push({ path: '/geometry/coordinates', reason: 'must be [longitude, latitude] numbers' });
      else {
        location.lon = lon;
        location.lat = lat;
      }
    } else if (g.type === 'Polygon') {
      location.area = g;
    } else {
      problems.push({
        path: '/geometry/type',
        reason: `${String(g.type)} is not supported (Point or Polygon)`,
      });
    }
  }
  if (f.id !== undefined) {
    if (typeof f.id !== 'string' && typeof f.id !== 'number')
      problems.push({ path: '/id', reason: 'must be a string or number' });
    else rest.externalId = String(f.id);
  }
  if (problems.length > 0) return { problems };
  return { input: { ...rest, location } as ReportInput, problems };
}
