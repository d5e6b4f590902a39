import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Agreement } from '../agreement/agreement.schema.js';
import { loadAgreementFile } from '../agreement/agreement.validate.js';
import type { CaseDecision, LadderCase } from './ladder.cases.js';
import { LadderEngine, replayLadder } from './ladder.engine.js';
import { guaranteeStatus, type LadderFinding } from './ladder.triggers.js';

let agreement: Agreement;
beforeAll(async () => {
  const loaded = await loadAgreementFile(
    fileURLToPath(new URL('../../examples/illustrative-framework.yaml', import.meta.url)),
  );
  agreement = loaded.agreement as Agreement;
});

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');
const at = (h: number) => new Date(T0 + h * HOUR).toISOString();

/** A breach finding decided `h` hours after T0 (observed an hour before). */
function breach(id: string, h: number, extra: Partial<LadderFinding> = {}): LadderFinding {
  return {
    id,
    incidentId: `inc-${id}`,
    agreementVersionId: 'v1',
    bodyId: 'MVC',
    state: 'adopted',
    outcome: 'verified',
    category: 'cfv-small-arms',
    severity: 'minor',
    sector: 'sector-east',
    zones: [],
    provisions: [],
    observedFrom: at(h - 1),
    decidedAt: at(h),
    ...extra,
  };
}

function run(engine: LadderEngine, cases: Map<string, LadderCase>, f: LadderFinding) {
  const changes = engine.onFinding(
    f,
    [...cases.values()].filter((c) => c.status !== 'closed'),
  );
  for (const ch of changes) cases.set(ch.case.id, ch.case);
  return changes;
}

describe('the ladder engine on the illustrative agreement', () => {
  it('opens rung 1 on a first minor violation and nothing without a breach', () => {
    const engine = new LadderEngine(() => agreement);
    const cases = new Map<string, LadderCase>();
    expect(run(engine, cases, breach('f0', 0, { outcome: 'not_verified' }))).toEqual([]);
    expect(run(engine, cases, breach('f0b', 0, { state: 'voting' }))).toEqual([]);
    const [opened] = run(engine, cases, breach('f1', 1));
    expect(opened?.kind).toBe('case.opened');
    expect(opened?.case).toMatchObject({
      rungId: 'rung-1',
      actors: ['JC'],
      deadline: at(73),
      status: 'open',
    });
  });

  it('counts three verified violations in seven days in one sector (rung 3), not across sectors', () => {
    const engine = new LadderEngine(() => agreement);
    const cases = new Map<string, LadderCase>();
    run(engine, cases, breach('a', 1));
    run(engine, cases, breach('b', 2, { sector: 'sector-west' }));
    expect([...cases.values()].map((c) => c.rungId)).toEqual(['rung-1']);
    run(engine, cases, breach('c', 3));
    const [third] = run(engine, cases, breach('d', 4));
    expect(third?.kind).toBe('case.escalated');
    expect(third?.case.rungId).toBe('rung-3');
    expect(third?.case.findingIds).toEqual(['a', 'b', 'c', 'd']);
    // Outside the window: a fourth, eight days later, alone in its window.
    const [later] = run(engine, cases, breach('e', 24 * 9));
    expect(later?.kind).toBe('case.evidence-added');
  });

  it('goes to the top rung on an armed attack attributed to RU and activates the guarantee', () => {
    const engine = new LadderEngine(() => agreement);
    const cases = new Map<string, LadderCase>();
    const f = breach('g', 1, { category: 'armed-clash', severity: 'grave', party: 'RU' });
    const [change] = run(engine, cases, f);
    expect(change?.case.rungId).toBe('rung-5');
    expect(change?.case.party).toBe('RU');
    const g = agreement.guarantees?.[0];
    expect(g && guaranteeStatus(g, [f]).state).toBe('activated');
    expect(g && guaranteeStatus(g, [f, breach('u', 2, { category: 'armed-clash', party: 'UA' })]).state).toBe(
      'void',
    );
  });

  it('escalates on timeout, records inaction, and replays to the same cases', () => {
    const engine = new LadderEngine(() => agreement);
    const cases = new Map<string, LadderCase>();
    const f = breach('a', 1);
    run(engine, cases, f);
    const [timeout] = engine.timeouts([...cases.values()], [], new Date(T0 + 80 * HOUR));
    expect(timeout?.kind).toBe('case.escalated');
    expect(timeout?.case.rungId).toBe('rung-2');
    expect(timeout?.inactions.map((i) => [i.actor, i.rungId, i.at])).toEqual([['JC', 'rung-1', at(73)]]);
    const c = timeout!.case;
    const decision: CaseDecision = {
      id: 'd1',
      caseId: c.id,
      rungId: 'rung-2',
      actor: 'MVC',
      organisationId: 'JMVC',
      userId: 'u',
      option: 'close',
      reason: 'resolved',
      at: at(90),
    };
    const closed = engine.afterDecision(c, [decision], decision.at);
    expect(closed?.case.status).toBe('closed');
    const replay = replayLadder(
      new LadderEngine(() => agreement),
      [f],
      [decision],
      new Date(T0 + 200 * HOUR),
    );
    expect(replay.unplaced).toEqual([]);
    expect(replay.cases).toEqual([closed?.case]);
    expect(replay.inactions).toEqual(timeout?.inactions);
  });
});
