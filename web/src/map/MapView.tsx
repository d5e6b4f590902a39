/**
 * One MapLibre map: the offline basemap, settlement labels from the server's gazetteer, the
 * agreement's zones and lines, and report points. Screens pass data in; clicks come back out.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection, Point } from 'geojson';
import {
  type FilterSpecification,
  type GeoJSONSource,
  Map as MapLibreMap,
  type MapGeoJSONFeature,
  Marker,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { getPlaces } from '../api/places.js';
import { subscribeLocale, t } from '../i18n/index.js';
import type { LonLat } from '../lib/position.js';
import { loadBasemap } from './basemap.js';
import { mgrsGrid } from './mgrsGrid.js';
import type { DensityCellProperties, ReportPointProperties } from './overlays.js';
import { NOTICE_CLICKABLE } from './noticeLayers.js';
import { CLICKABLE, initialStyle } from './style.js';
import {
  registerPmtilesProtocol,
  VECTOR_SOURCE,
  vectorBasemapUrl,
  vectorLayers,
  vectorSource,
} from './vectorBasemap.js';

// The worker is bundled beside the app (same origin), which the CSP's worker-src 'self' allows.
setWorkerUrl(workerUrl);

export type MapSelection =
  | { type: 'report'; id: string }
  | { type: 'incident'; id: string }
  | { type: 'notice'; id: string }
  | { type: 'zone'; id: string; name: string; kind: string; derived: boolean };

export interface MapViewProps {
  /** Accessible name of the map region. */
  label: string;
  zones?: FeatureCollection | null;
  /** Ids of lines and zones to hide (legend toggles). */
  hidden?: ReadonlySet<string>;
  reports?: FeatureCollection<Point, ReportPointProperties> | null;
  /** The server's counts per grid cell (`densityPoints`), drawn where there are too many reports to draw; a click zooms to the cell. */
  density?: FeatureCollection<Point, DensityCellProperties> | null;
  /** Incidents (`GET /incidents?format=geojson`): each feature's `status` and `severity` style it. */
  incidents?: FeatureCollection<Point> | null;
  /** Notified sites and routes (`styleNotices` of `GET /notices?format=geojson`): clicking one selects it. */
  notices?: FeatureCollection | null;
  /** The site or route being drawn in the notice form (`styleNotices` of it). */
  draft?: FeatureCollection | null;
  showPlaces?: boolean;
  /** Where to look first: [west, south, east, north]. */
  fitTo?: [number, number, number, number] | null;
  /** Moves the view to a place, or fits it to `bounds`; give a new object to move again. */
  focus?: (LonLat & { zoom?: number; bounds?: [number, number, number, number] }) | null;
  /** The report or incident to ring on the map. */
  selectedId?: string | null;
  /** A marker (the picked position of a report). */
  marker?: LonLat | null;
  /** Called with the clicked position when the click hit nothing selectable (or always, in pick mode). */
  onPick?: (p: LonLat) => void;
  onSelect?: (s: MapSelection) => void;
  /** Called with the visible box ([west, south, east, north]) once loaded and after every move. */
  onView?: (bbox: [number, number, number, number]) => void;
  className?: string;
}

/** Population floor for settlement labels at a zoom: towns appear as the map zooms in. */
export function minPopulationAt(zoom: number): number {
  if (zoom < 5) return 500_000;
  if (zoom < 6) return 100_000;
  if (zoom < 7) return 30_000;
  if (zoom < 8) return 10_000;
  if (zoom < 9) return 3_000;
  return 0;
}

export function MapView(props: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const callbacks = useRef(props);
  callbacks.current = props;
  const [loaded, setLoaded] = useState(false);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [problem, setProblem] = useState<string | null>(null);
  /** Which basemap is drawn: Natural Earth countries, or the operator's OpenStreetMap archive over them. */
  const [basemapKind, setBasemapKind] = useState<'countries' | 'osm'>('countries');
  const [grid, setGrid] = useState(false);
  /** Lines and labels of the grid now drawn (a data attribute, so tests and people can tell it is on). */
  const [gridFeatures, setGridFeatures] = useState(0);
  const gridOn = useRef(grid);
  gridOn.current = grid;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: element,
        style: initialStyle(),
        center: [20, 48],
        zoom: 3,
        attributionControl: { compact: true, customAttribution: t('map.attribution') },
        maplibreLogo: false,
        fadeDuration: 0,
        locale: {
          'NavigationControl.ZoomIn': t('map.zoomIn'),
          'NavigationControl.ZoomOut': t('map.zoomOut'),
          'NavigationControl.ResetBearing': t('map.resetBearing'),
        },
      });
    } catch (err) {
      // No WebGL (old tablet, locked-down browser): say so; the screens keep their lists and forms.
      setState('failed');
      setProblem(t('map.noWebgl', { reason: (err as Error).message }));
      return;
    }
    mapRef.current = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.getCanvas().setAttribute('aria-label', callbacks.current.label);

    let placesAbort: AbortController | undefined;
    const refreshPlaces = () => {
      if (callbacks.current.showPlaces === false) return;
      placesAbort?.abort();
      placesAbort = new AbortController();
      const bbox = viewBox(map);
      const zoom = map.getZoom();
      if (zoom < 4) return;
      getPlaces(bbox, minPopulationAt(zoom), placesAbort.signal)
        .then((places) => map.getSource<GeoJSONSource>('places')?.setData(places))
        .catch(() => undefined); // labels are a convenience; the map stays useful without them
    };

    map.on('load', () => {
      setLoaded(true);
      loadBasemap()
        .then(async (basemap) => {
          await Promise.all([
            map.getSource<GeoJSONSource>('countries')!.setData(basemap.land),
            map.getSource<GeoJSONSource>('borders')!.setData(basemap.borders),
            map.getSource<GeoJSONSource>('coastline')!.setData(basemap.coastline),
            map.getSource<GeoJSONSource>('country-labels')!.setData(basemap.labels),
          ]);
          map.once('idle', () => setState('ready'));
          map.triggerRepaint();
        })
        .catch((err: unknown) => {
          setState('failed');
          setProblem(t('map.basemapFailed', { reason: (err as Error).message }));
        });
      refreshPlaces();
      addVectorBasemap(map)
        .then((added) => added && setBasemapKind('osm'))
        .catch((err: unknown) =>
          console.warn('map: offline vector basemap not used:', (err as Error).message),
        );
    });
    map.on('moveend', refreshPlaces);
    map.on('load', () => callbacks.current.onView?.(viewBox(map)));
    map.on('moveend', () => callbacks.current.onView?.(viewBox(map)));
    // The labels follow the dashboard's language when the switch changes it.
    const unsubscribeLocale = subscribeLocale(refreshPlaces);
    map.on('moveend', () => {
      if (gridOn.current) setGridFeatures(drawGrid(map));
    });
    map.on('error', (e) => {
      if (e.error) console.warn('map:', e.error.message);
    });

    const clickable = [...(Object.values(CLICKABLE) as string[]), ...NOTICE_CLICKABLE];
    map.on('click', (e) => {
      const p = callbacks.current;
      const hits = map.queryRenderedFeatures(e.point, {
        layers: clickable.filter((id) => map.getLayer(id)),
      });
      const hit = pickHit(hits);
      if (p.onPick && (!hit || !p.onSelect)) {
        p.onPick({ lon: e.lngLat.lng, lat: e.lngLat.lat });
        return;
      }
      if (!hit) return;
      if (hit.layer.id === CLICKABLE.density) {
        // (MapLibre hands back a feature's array properties as JSON text.)
        const raw: unknown = hit.properties.bounds;
        const [west = 0, south = 0, east = 0, north = 0] = (
          typeof raw === 'string' ? JSON.parse(raw) : raw
        ) as number[];
        map.fitBounds(
          [
            [west, south],
            [east, north],
          ],
          { padding: 20, duration: 400 },
        );
        return;
      }
      if (hit.layer.id === CLICKABLE.cluster) {
        const clusterId = hit.properties.cluster_id as number;
        void map
          .getSource<GeoJSONSource>('reports')!
          .getClusterExpansionZoom(clusterId)
          .then((zoom) =>
            map.easeTo({ center: (hit.geometry as Point).coordinates as [number, number], zoom }),
          );
        return;
      }
      if (hit.layer.id === CLICKABLE.incident) {
        p.onSelect?.({ type: 'incident', id: String(hit.properties.id) });
        return;
      }
      if ((NOTICE_CLICKABLE as readonly string[]).includes(hit.layer.id)) {
        p.onSelect?.({ type: 'notice', id: String(hit.properties.noticeId ?? hit.properties.id) });
        return;
      }
      if (hit.layer.id === CLICKABLE.report) {
        p.onSelect?.({ type: 'report', id: String(hit.properties.id) });
        return;
      }
      p.onSelect?.({
        type: 'zone',
        id: String(hit.properties.id),
        name: String(hit.properties.name),
        kind: String(hit.properties.kind),
        derived: hit.properties.derived === true,
      });
    });
    for (const id of clickable) {
      map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
    }

    const resize = new ResizeObserver(() => map.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      unsubscribeLocale();
      placesAbort?.abort();
      map.remove();
      mapRef.current = null;
      setLoaded(false);
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    if (grid) setGridFeatures(drawGrid(map));
    else {
      void map.getSource<GeoJSONSource>('mgrs')?.setData(EMPTY);
      setGridFeatures(0);
    }
  }, [loaded, grid]);

  // Data in: each source is replaced when its prop changes.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const zones = props.zones ?? { type: 'FeatureCollection', features: [] };
    void map.getSource<GeoJSONSource>('zones')?.setData(zones);
  }, [loaded, props.zones]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const hidden = [...(props.hidden ?? [])];
    const visible = hidden.length === 0 ? null : (['!', ['in', ['get', 'id'], ['literal', hidden]]] as const);
    const withHidden = (base: unknown[]) => (visible ? ['all', base, visible] : base);
    const isZone = ['==', ['get', 'kind'], 'zone'];
    const isLine = ['==', ['get', 'kind'], 'line'];
    const isDerived = ['==', ['get', 'derived'], true];
    const isReference = ['==', ['get', 'kind'], 'reference'];
    const isPoint = ['==', ['geometry-type'], 'Point'];
    const filters: Record<string, unknown[]> = {
      'agreement-references-area': ['all', isReference, ['!', isPoint]],
      'agreement-references-points': ['all', isReference, isPoint],
      'agreement-references-labels': ['all', isReference, isPoint],
      'agreement-zones-fill': isZone,
      'agreement-zones-edge': ['all', isZone, ['!', isDerived]],
      'agreement-bands-edge': ['all', isZone, isDerived],
      'agreement-lines-casing': isLine,
      'agreement-lines': isLine,
    };
    for (const [layer, base] of Object.entries(filters)) {
      map.setFilter(layer, withHidden(base) as FilterSpecification);
    }
  }, [loaded, props.hidden]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const reports = props.reports ?? { type: 'FeatureCollection', features: [] };
    void map.getSource<GeoJSONSource>('reports')?.setData(reports);
  }, [loaded, props.reports]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    void map.getSource<GeoJSONSource>('density')?.setData(props.density ?? EMPTY);
  }, [loaded, props.density]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const incidents = props.incidents ?? { type: 'FeatureCollection', features: [] };
    void map.getSource<GeoJSONSource>('incidents')?.setData(incidents);
  }, [loaded, props.incidents]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    void map.getSource<GeoJSONSource>('notices')?.setData(props.notices ?? EMPTY);
  }, [loaded, props.notices]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    void map.getSource<GeoJSONSource>('notice-draft')?.setData(props.draft ?? EMPTY);
  }, [loaded, props.draft]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !props.fitTo) return;
    const [w, s, e, n] = props.fitTo;
    map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding: 40, duration: 0, maxZoom: 10 },
    );
  }, [loaded, props.fitTo]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    map.setFilter('reports-selected', ['==', ['get', 'id'], props.selectedId ?? '']);
    map.setFilter('incidents-selected', ['==', ['get', 'id'], props.selectedId ?? '']);
  }, [loaded, props.selectedId]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !props.focus) return;
    if (props.focus.bounds) {
      const [w, s, e, n] = props.focus.bounds;
      map.fitBounds(
        [
          [w, s],
          [e, n],
        ],
        { padding: 20, duration: 400 },
      );
      return;
    }
    map.easeTo({
      center: [props.focus.lon, props.focus.lat],
      zoom: Math.max(map.getZoom(), props.focus.zoom ?? 9),
      duration: 400,
    });
  }, [loaded, props.focus]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    if (!props.marker) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    const at: [number, number] = [props.marker.lon, props.marker.lat];
    if (!markerRef.current) {
      markerRef.current = new Marker({ color: '#b8241c' }).setLngLat(at).addTo(map);
      markerRef.current.getElement().setAttribute('aria-label', t('map.pickedPosition'));
    } else {
      markerRef.current.setLngLat(at);
    }
  }, [loaded, props.marker]);

  return (
    <div
      className={`map-view ${props.className ?? ''}`}
      data-state={state}
      data-basemap={basemapKind}
      data-grid-features={gridFeatures}
    >
      <div ref={container} className="map-canvas" role="region" aria-label={props.label} />
      {state !== 'failed' && (
        <label className="map-grid-toggle" style={GRID_TOGGLE_STYLE}>
          <input type="checkbox" checked={grid} onChange={(e) => setGrid(e.target.checked)} />{' '}
          {t('map.mgrsGrid')}
        </label>
      )}
      {problem && (
        <p className="map-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Top left, clear of the zoom buttons (top right) and the scale (bottom left). */
const GRID_TOGGLE_STYLE = {
  position: 'absolute',
  top: 8,
  left: 8,
  zIndex: 2,
  padding: '2px 8px',
  background: 'rgba(255,255,255,0.9)',
  borderRadius: 4,
  font: '13px sans-serif',
  cursor: 'pointer',
} as const;

/** The visible box, clamped to the world: [west, south, east, north]. */
function viewBox(map: MapLibreMap): [number, number, number, number] {
  const b = map.getBounds();
  return [
    Math.max(-180, b.getWest()),
    Math.max(-90, b.getSouth()),
    Math.min(180, b.getEast()),
    Math.min(90, b.getNorth()),
  ];
}

/** Redraws the MGRS grid for the view (the visible box only, so it stays a few hundred features). */
function drawGrid(map: MapLibreMap): number {
  const grid = mgrsGrid(viewBox(map), map.getZoom());
  void map.getSource<GeoJSONSource>('mgrs')?.setData(grid);
  return grid.features.length;
}

/**
 * Adds the operator's OpenStreetMap archive under the agreement's layers when the server has one;
 * the Natural Earth coastline is then hidden (it is too coarse beside OSM's water at working zoom).
 */
async function addVectorBasemap(map: MapLibreMap): Promise<boolean> {
  const url = await vectorBasemapUrl();
  if (!url || map.getSource(VECTOR_SOURCE)) return false;
  registerPmtilesProtocol();
  map.addSource(VECTOR_SOURCE, vectorSource(url));
  for (const layer of vectorLayers()) map.addLayer(layer, 'coastline');
  map.setLayoutProperty('coastline', 'visibility', 'none');
  return true;
}

/** The most specific thing under the pointer: an incident, a cluster, a report, a notice, a line, a zone. */
function pickHit(hits: MapGeoJSONFeature[]): MapGeoJSONFeature | undefined {
  const order: string[] = [
    CLICKABLE.density,
    CLICKABLE.incident,
    ...NOTICE_CLICKABLE,
    CLICKABLE.cluster,
    CLICKABLE.report,
    CLICKABLE.reference,
    CLICKABLE.line,
    CLICKABLE.zone,
  ];
  return [...hits].sort((a, b) => order.indexOf(a.layer.id) - order.indexOf(b.layer.id))[0];
}
