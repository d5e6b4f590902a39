import { useState } from 'react';
import type { Actor, Agreement } from '../api/types.js';
import { t } from '../i18n/index.js';
import { positionOf, type Hurdle, type PositionValue } from './negotiation.js';

const ICON: Record<PositionValue, string> = { agreed: '✓', disputed: '✕', open: '?' };

/** A party's position as text and a shape, never by colour alone. */
export function PositionBadge({ position }: { position: PositionValue }) {
  return (
    <span className={`position position-${position}`}>
      <span aria-hidden="true">{ICON[position]}</span> {t(`position.${position}`)}
    </span>
  );
}

/** Every provision with each party's position; a provision opens to show its text and the parties' notes. */
export function ProvisionsTable({ agreement, parties }: { agreement: Agreement; parties: Actor[] }) {
  const [onlyOpen, setOnlyOpen] = useState(false);
  const rows = agreement.provisions.filter((p) => p.retired !== true);
  const shown = onlyOpen
    ? rows.filter((p) => parties.some((party) => positionOf(p, party.id) !== 'agreed'))
    : rows;
  return (
    <>
      <label className="toggle">
        <input type="checkbox" checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} />
        {t('agreement.onlyOpen')}
      </label>
      <div className="table-wrap">
        <table className="data-table provisions" data-testid="provisions">
          <caption className="visually-hidden">{t('agreement.provisionsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('agreement.provision')}</th>
              {parties.map((p) => (
                <th scope="col" key={p.id}>
                  {p.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.id} data-provision={p.id}>
                <th scope="row">
                  <details>
                    <summary>
                      <span className="provision-id">{p.id}</span> {p.title}
                      {p.topic && <span className="tag">{p.topic}</span>}
                    </summary>
                    <p>{p.text}</p>
                  </details>
                </th>
                {parties.map((party) => (
                  <td key={party.id}>
                    <PositionBadge position={positionOf(p, party.id)} />
                    {p.position_notes?.[party.id] && <p className="note">{p.position_notes[party.id]}</p>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Provisions not yet agreed by every party: who holds out, and what they say. */
export function Hurdles({ hurdles, names }: { hurdles: Hurdle[]; names: Map<string, string> }) {
  if (hurdles.length === 0) return <p className="muted">{t('agreement.noHurdles')}</p>;
  return (
    <ul className="hurdles" data-testid="hurdles">
      {hurdles.map((h) => (
        <li key={h.provisionId} className="card" data-provision={h.provisionId}>
          <p className="card-title">
            <span className="provision-id">{h.provisionId}</span>{' '}
            <span className="provision-title">{h.title}</span>
            {h.topic && <span className="tag">{h.topic}</span>}
          </p>
          <ul className="holdouts">
            {h.holdouts.map((o) => (
              <li key={o.party}>
                <strong>{names.get(o.party) ?? o.party}</strong> <PositionBadge position={o.position} />
                {o.note && <p className="note">{o.note}</p>}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
