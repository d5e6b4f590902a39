/** A GeoJSON position: [longitude, latitude] in WGS84 degrees (an optional third value is ignored). */
export type Position = [number, number] | [number, number, number];

/** A linear ring: closed list of positions, first equals last (RFC 7946 §3.1.6). */
export type Ring = Position[];

export interface PointGeometry {
  type: 'Point';
  coordinates: Position;
}

export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}

/** Axis-aligned bounding box in degrees: [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];
