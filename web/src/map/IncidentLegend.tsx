import { INCIDENT_STATUSES, SEVERITIES } from '../api/verification.js';
import { t } from '../i18n/index.js';
import { INCIDENT_SEVERITY_RADIUS, INCIDENT_STATUS_COLORS } from './colors.js';

/** The incidents layer's key: a colour per status, a size per severity (each with its words). */
export function IncidentLegend() {
  return (
    <div className="legend incident-legend" data-testid="incident-legend">
      <p className="hint">{t('map.incidentsLegend')}</p>
      <ul className="legend-swatches">
        {INCIDENT_STATUSES.map((s) => (
          <li key={s}>
            <span
              className="swatch swatch-incident"
              style={{ background: INCIDENT_STATUS_COLORS[s] }}
              aria-hidden="true"
            />
            {t(`status.${s}`)}
          </li>
        ))}
      </ul>
      <ul className="legend-swatches">
        {SEVERITIES.map((s) => {
          const d = 2 * (INCIDENT_SEVERITY_RADIUS[s] ?? 8);
          return (
            <li key={s}>
              <span
                className="swatch swatch-incident swatch-size"
                style={{ width: d, height: d }}
                aria-hidden="true"
              />
              {t(`severity.${s}`)}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
