import { useMemo } from 'react';
import { GEO_PRECISION } from '../../api/reports.js';
import type { ZoneCollection } from '../../api/types.js';
import { t } from '../../i18n/index.js';
import { formatLonLat, type LonLat } from '../../lib/position.js';
import { MapView } from '../../map/MapView.js';
import { boundsOf, styleZones } from '../../map/overlays.js';
import { Field, FieldErrors, type DraftFieldsProps } from './Field.js';

/** Where: a point picked on the map, or typed as latitude and longitude or MGRS, and how sure. */
export function PositionFieldset({
  draft,
  set,
  errorsFor,
  position,
  focus,
  pick,
  typeMgrs,
  showTypedPosition,
  zones,
  region,
}: DraftFieldsProps & {
  position: LonLat | null;
  focus: LonLat | null;
  pick: (p: LonLat) => void;
  typeMgrs: (text: string) => void;
  showTypedPosition: () => void;
  zones: ZoneCollection | null;
  /** The agreement region's bounding box, when the agreement gives one. */
  region: number[] | undefined;
}) {
  const styled = useMemo(() => styleZones(zones), [zones]);
  // Closer than the main map: the lines and zones, where reports are filed.
  const fitTo = useMemo(
    () =>
      boundsOf(styled.collection) ??
      (region?.length === 4 ? (region as [number, number, number, number]) : null),
    [region, styled.collection],
  );

  return (
    <fieldset className="form-section" id="rf-position" tabIndex={-1}>
      <legend>{t('reportForm.where')}</legend>
      <p className="hint">{t('reportForm.whereHint')}</p>
      <FieldErrors errors={errorsFor('position')} id="rf-position-errors" />
      <MapView
        label={t('reportForm.pickLabel')}
        className="map-pick"
        zones={styled.collection}
        fitTo={fitTo}
        marker={position}
        focus={focus}
        onPick={pick}
      />
      {position && (
        <p className="picked" data-testid="picked-position">
          {formatLonLat(position)}
        </p>
      )}
      <div className="field-row">
        <Field id="rf-lat" label={t('reportForm.latitude')} errors={errorsFor('lat')}>
          <input
            inputMode="decimal"
            value={draft.lat}
            onChange={(e) => set({ lat: e.target.value, mgrs: '', positionFrom: 'wgs84' })}
            onBlur={showTypedPosition}
          />
        </Field>
        <Field id="rf-lon" label={t('reportForm.longitude')} errors={errorsFor('lon')}>
          <input
            inputMode="decimal"
            value={draft.lon}
            onChange={(e) => set({ lon: e.target.value, mgrs: '', positionFrom: 'wgs84' })}
            onBlur={showTypedPosition}
          />
        </Field>
      </div>
      <Field
        id="rf-mgrs"
        label={t('reportForm.mgrs')}
        hint={t('reportForm.mgrsHint')}
        errors={errorsFor('mgrs')}
      >
        <input
          value={draft.mgrs}
          autoCapitalize="characters"
          spellCheck={false}
          onChange={(e) => typeMgrs(e.target.value)}
          className="mono"
        />
      </Field>
      <div className="field-row">
        <Field
          id="rf-radiusM"
          label={t('reportForm.radius')}
          hint={t('reportForm.radiusHint')}
          errors={errorsFor('radiusM')}
        >
          <input
            inputMode="numeric"
            value={draft.radiusM}
            onChange={(e) => set({ radiusM: e.target.value })}
          />
        </Field>
        <Field id="rf-geoPrecision" label={t('reportForm.geoPrecision')} errors={errorsFor('geoPrecision')}>
          <select value={draft.geoPrecision} onChange={(e) => set({ geoPrecision: e.target.value })}>
            {GEO_PRECISION.map((p) => (
              <option key={p} value={p}>
                {t(`precision.geo.${p}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
    </fieldset>
  );
}
