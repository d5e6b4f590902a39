/** A GeoJSON position: [longitude, latitude] in WGS84 degrees (an optional third value is ignored). */
export type Position = [number, number] | [number, number, number];

/** A linear ring: closed list of positions, first equals last (RFC 7946 §3.1.6). */
export type Ring = Position[];

/** A GeoJSON Point. */
export interface PointGeometry {
  type: 'Point';
  coordinates: Position;
}

/** A GeoJSON LineString. */
export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}

/** A GeoJSON Polygon. */
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}

/** A GeoJSON MultiPolygon. */
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}

/** Axis-aligned bounding box in degrees: [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];
