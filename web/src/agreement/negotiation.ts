/**
 * Negotiation status as the agreement page shows it. The server's summary
 * (`GET /api/v1/agreement/negotiation`, src/agreement/negotiation.ts) is used when the server offers
 * it; until then the same figures are read from the document's provisions, so the page works against
 * any server that serves the agreement.
 */
import type { Agreement, NegotiationSummary, Provision } from '../api/types.js';

export type PositionValue = 'agreed' | 'disputed' | 'open';

export interface Hurdle {
  provisionId: string;
  title: string;
  topic: string | undefined;
  /** Parties that have not agreed, with their position and what they say. */
  holdouts: { party: string; position: PositionValue; note: string | undefined }[];
}

export interface Deadline {
  id: string;
  text: string;
  due: string | undefined;
  daysLeft: number | undefined;
  overdue: boolean;
}

export interface NegotiationView {
  consensusShare: number;
  agreed: number;
  total: number;
  hurdles: Hurdle[];
  /** Deadlines with resolved dates; the document alone gives only the raw `due` text. */
  deadlines: Deadline[];
  /** Whether the figures came from the server's own summary. */
  fromServer: boolean;
}

export function positionOf(p: Provision, party: string): PositionValue {
  return p.positions[party] ?? 'open';
}

export function negotiationView(agreement: Agreement, server: NegotiationSummary | null): NegotiationView {
  if (server) {
    return {
      consensusShare: server.consensusShare,
      agreed: server.agreed,
      total: server.total,
      hurdles: server.openHurdles.map((h) => ({
        provisionId: h.provisionId,
        title: h.title,
        topic: h.topic,
        holdouts: Object.entries(h.positions)
          .filter(([, position]) => position !== 'agreed')
          .map(([party, position]) => ({ party, position, note: h.notes[party] })),
      })),
      deadlines: server.deadlines.map((d) => ({
        id: d.id,
        text: d.text,
        due: d.due,
        daysLeft: d.daysLeft,
        overdue: d.overdue,
      })),
      fromServer: true,
    };
  }
  const parties = agreement.parties.map((p) => p.id);
  const live = agreement.provisions.filter((p) => p.retired !== true);
  const hurdles: Hurdle[] = [];
  let agreed = 0;
  for (const p of live) {
    const holdouts = parties
      .map((party) => ({ party, position: positionOf(p, party), note: p.position_notes?.[party] }))
      .filter((h) => h.position !== 'agreed');
    if (holdouts.length === 0) agreed++;
    else hurdles.push({ provisionId: p.id, title: p.title, topic: p.topic, holdouts });
  }
  hurdles.sort(
    (a, b) =>
      b.holdouts.filter((h) => h.position === 'disputed').length -
      a.holdouts.filter((h) => h.position === 'disputed').length,
  );
  return {
    consensusShare: live.length === 0 ? 0 : agreed / live.length,
    agreed,
    total: live.length,
    hurdles,
    deadlines: (agreement.negotiation?.deadlines ?? []).map((d) => ({
      id: d.id,
      text: d.text,
      due: d.due,
      daysLeft: undefined,
      overdue: false,
    })),
    fromServer: false,
  };
}
