/**
 * Colours of the map and its legend, chosen to stay apart for the common colour-vision deficiencies
 * (Okabe–Ito based) and to keep 3:1 contrast against the land colour for lines and markers.
 */

export const BASEMAP = {
  sea: '#d6e4ef',
  land: '#f3f0e8',
  border: '#8c8279',
  coast: '#7d9ab5',
  countryLabel: '#5b5550',
  placeDot: '#3a3a3a',
  placeText: '#1f1f1f',
  halo: '#ffffff',
  /** The MGRS grid: a muted violet, apart from the agreement's reds and blues. */
  grid: '#5e4b8b',
};

/** Lines of the agreement (contact line first, then others in order). */
export const LINE_COLORS = ['#b8241c', '#1f5fa8', '#6a3d9a', '#8c510a', '#01665e'];

/** Reference places and areas named by the agreement (a plant, a town). */
export const REFERENCE_COLOR = '#3b3b3b';

/** Zones: outline colours; fills use them at low opacity. */
export const ZONE_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#7a6a00', '#56718f', '#8e3b8e'];

/** Report groups of the agreement's taxonomy (agreement.schema.rules ReportGroups). */
export const GROUP_COLORS: Record<string, string> = {
  ceasefire_violation: '#c0281e',
  weapons_in_zone: '#d55e00',
  force_movement: '#7b3294',
  mines: '#7a5c00',
  airspace: '#0072b2',
  obstruction: '#b3006b',
  humanitarian: '#00796b',
  civilian_harm: '#8b0000',
  strategic: '#3d5a80',
  other: '#555555',
};

export function groupColor(group: string | undefined): string {
  return GROUP_COLORS[group ?? 'other'] ?? GROUP_COLORS.other!;
}

/**
 * Incidents by status: open ones in warm colours (they need work), conclusions apart from each other.
 * The map draws them as rings with a dark edge, so they never read as report points.
 */
export const INCIDENT_STATUS_COLORS: Record<string, string> = {
  reported: '#d55e00',
  under_review: '#b26a00',
  verified: '#b8241c',
  inconclusive: '#6a3d9a',
  not_verified: '#56718f',
  refuted: '#1e7b45',
  duplicate: '#8c8279',
};

/** Incident marker radius (px) by severity: the graver, the larger. */
export const INCIDENT_SEVERITY_RADIUS: Record<string, number> = { minor: 7, serious: 10, grave: 13 };
