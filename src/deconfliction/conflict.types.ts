/** The shapes the conflict engine reads and the conflicts it reports (re-exported by `conflicts.ts`). */

export type NoticeKind = 'site' | 'movement' | 'flight';

/** A notice as the conflict engine sees it: where, how wide, when, how high. */
export interface NoticeShape {
  id: string;
  /** Notifying organisation id. Proximity conflicts are between notices of different notifiers. */
  notifier: string;
  kind: NoticeKind;
  /** [lon, lat]: one point for a site; the route's vertices for a movement or a flight. */
  coords: readonly (readonly [number, number])[];
  /** Site: position precision radius (m). Movement/flight: corridor full width (m). */
  widthM: number;
  /** Active window in ms since epoch (site: validity; movement/flight: departure start to arrival end). */
  from: number;
  to: number;
  /** Flights only: altitude band, metres above mean sea level. */
  altitude?: { minM: number; maxM: number };
}

/** An incident (a verified or reported event) that notices near it should hear about. */
export interface IncidentPoint {
  id: string;
  lon: number;
  lat: number;
  at: number;
}

/** The thresholds of an agreement version (or the platform defaults). */
export interface ConflictSettings {
  /** Two movements (or flights) of different notifiers closer than this at overlapping times. */
  separationM: number;
  /** A site or route this close to an incident ... */
  incidentRadiusM: number;
  /** ... that happened within this many ms before the notice's window start (or during it). */
  incidentWindowMs: number;
}

export type ConflictKind =
  | 'restricted_zone' // movement crossing a zone restricting movements
  | 'no_fly_zone' // flight inside a zone restricting flights
  | 'movement_proximity' // two movements of different notifiers within separationM at overlapping times
  | 'flight_altitude' // two flights within separationM horizontally, overlapping times and altitude bands
  | 'near_incident'; // site or route within incidentRadiusM (+ precision/corridor) of a recent incident

/** One conflict of one notice. */
export interface Conflict {
  kind: ConflictKind;
  noticeId: string;
  otherNoticeId?: string;
  zoneId?: string;
  incidentId?: string;
  /** Closest approach in metres (0 when inside/crossing); edge to edge for corridors and precision circles. */
  distanceM: number;
  /** Where: [lon, lat] of the closest approach / first crossing, on the notice's centreline. */
  at: [number, number];
  /** The overlapping time window (ms). */
  window: { from: number; to: number };
  /** One sentence a duty officer reads. */
  reason: string;
}
