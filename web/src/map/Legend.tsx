import { t, type MessageKey } from '../i18n/index.js';
import type { LegendEntry } from './overlays.js';

interface LegendProps {
  entries: LegendEntry[];
  hidden: ReadonlySet<string>;
  onToggle: (id: string) => void;
}

const GROUPS: { key: MessageKey; test: (e: LegendEntry) => boolean }[] = [
  { key: 'legend.lines', test: (e) => e.kind === 'line' },
  { key: 'legend.references', test: (e) => e.kind === 'reference' },
  { key: 'legend.zones', test: (e) => e.kind === 'zone' && !e.derived },
  { key: 'legend.bands', test: (e) => e.kind === 'zone' && e.derived },
];

/** The agreement's lines and zones with their colours; each can be hidden from the map. */
export function Legend({ entries, hidden, onToggle }: LegendProps) {
  return (
    <div className="legend" data-testid="legend">
      {GROUPS.map(({ key, test }) => {
        const items = entries.filter(test);
        if (items.length === 0) return null;
        return (
          <fieldset key={key} className="legend-group">
            <legend>{t(key)}</legend>
            <ul>
              {items.map((e) => (
                <li key={e.id}>
                  <label className="legend-item" data-legend-id={e.id}>
                    <input type="checkbox" checked={!hidden.has(e.id)} onChange={() => onToggle(e.id)} />
                    <Swatch entry={e} />
                    <span className="legend-name">{e.name}</span>
                    {e.type && <span className="legend-type">{e.type.replace(/_/g, ' ')}</span>}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        );
      })}
    </div>
  );
}

function Swatch({ entry }: { entry: LegendEntry }) {
  if (entry.kind === 'line') {
    return <span className="swatch swatch-line" style={{ background: entry.color }} aria-hidden="true" />;
  }
  if (entry.kind === 'reference') {
    return <span className="swatch swatch-place" style={{ borderColor: entry.color }} aria-hidden="true" />;
  }
  return (
    <span
      className={`swatch swatch-zone${entry.derived ? ' swatch-band' : ''}`}
      style={{ borderColor: entry.color, background: `${entry.color}${entry.derived ? '1f' : '33'}` }}
      aria-hidden="true"
    />
  );
}
