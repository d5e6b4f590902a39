import type { Position } from 'geojson';

/**
 * Makes each ring's longitudes continuous. Natural Earth rings that cross the antimeridian (Chukotka,
 * Fiji) jump from +180 to -180; drawn on a flat map such an edge spans the whole world and the fill
 * spills over the sea. Continuous rings reach past ±180 and MapLibre wraps them onto the other side.
 * A ring around a pole (Antarctica) cannot be made continuous and is already drawable as it is.
 */
export function unwrap(ring: Position[]): Position[] {
  const out: Position[] = [];
  let shift = 0;
  for (let i = 0; i < ring.length; i++) {
    const [lon, lat, ...rest] = ring[i] as [number, number, ...number[]];
    if (i > 0) {
      const previous = (ring[i - 1] as [number, number])[0];
      if (lon - previous > 180) shift -= 360;
      else if (lon - previous < -180) shift += 360;
    }
    out.push([lon + shift, lat, ...rest]);
  }
  const first = out[0];
  const last = out[out.length - 1];
  const closed = ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0];
  if (closed && first && last && first[0] !== last[0]) return ring; // goes round a pole
  return out;
}
