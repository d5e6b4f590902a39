import { describe, expect, it } from 'vitest';
import { parseAndValidate } from '../agreement/agreement.validate.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { decide, votingSeatsOf, type DecisionRuleSpec } from './decision.js';
import type { Vote, VoteChoice } from './incident.model.js';
import { verificationRules, type BodySeat } from './verification.settings.js';

/** Votes in the order given, one member each (ids from their position). */
function ballots(...cast: [organisationId: string, choice: VoteChoice][]): Vote[] {
  return cast.map(([organisationId, choice], i) => ({
    id: `v${i}`,
    findingId: 'f1',
    userId: `u${i}`,
    username: `member-${i}`,
    organisationId,
    choice,
    at: `2026-11-26T08:${String(i).padStart(2, '0')}:00Z`,
  }));
}

const seat = (actor: string, seats: number, role: BodySeat['role'] = 'member'): BodySeat => ({
  actor,
  seats,
  role,
});

/** The illustrative agreement's MVC: US 3 seats (chair), EUC 2, the parties one observer each; quorum 4. */
const MVC_SEATS: BodySeat[] = [
  seat('US', 3, 'chair'),
  seat('EUC', 2),
  seat('UA', 1, 'observer'),
  seat('RU', 1, 'observer'),
];
const mvc = (rule: DecisionRuleSpec['rule'], extra: Partial<DecisionRuleSpec> = {}): DecisionRuleSpec => ({
  rule,
  quorum: 4,
  seats: MVC_SEATS,
  parties: ['UA', 'RU'],
  ...extra,
});
/** Three neutral members of one seat each, quorum 2. */
const trio = (rule: DecisionRuleSpec['rule'], extra: Partial<DecisionRuleSpec> = {}): DecisionRuleSpec => ({
  rule,
  quorum: 2,
  seats: [seat('A', 1), seat('B', 1), seat('C', 1)],
  parties: [],
  ...extra,
});

const US3 = [
  ['US', 'for'],
  ['US', 'for'],
  ['US', 'for'],
] as [string, VoteChoice][];

describe('decide: the spec the agreement gives', () => {
  it('reads the MVC of the illustrative agreement as majority, quorum 4, five voting seats', () => {
    const parsed = parseAndValidate(illustrativeAgreementText(), 'illustrative.yaml');
    if (parsed.agreement === undefined) throw new Error(JSON.stringify(parsed.problems.slice(0, 3)));
    const rules = verificationRules('v3', parsed.agreement);
    expect(rules.body?.decision_rule).toBe('majority');
    expect(rules.body?.quorum).toBe(4);
    expect(rules.seats).toEqual(MVC_SEATS);
    const spec = mvc('majority');
    expect(['US', 'EUC', 'UA', 'RU', 'JMVC'].map((o) => votingSeatsOf(spec, o))).toEqual([3, 2, 0, 0, 0]);
  });
});

describe('decide: majority', () => {
  it('keeps voting before the quorum, even when the votes cast are all for', () => {
    const r = decide(mvc('majority'), ballots(...US3), false);
    expect(r.state).toBe('voting');
    expect(r.tally).toEqual({ for: 3, against: 0, abstain: 0, seatsVoting: 3, quorum: 4 });
  });

  it('decides early once the quorum is met and the seats left cannot change the outcome', () => {
    const r = decide(mvc('majority'), ballots(...US3, ['EUC', 'against']), false);
    expect(r.state).toBe('adopted');
    expect(r.tally).toEqual({ for: 3, against: 1, abstain: 0, seatsVoting: 4, quorum: 4 });
  });

  it('waits while the seat left could still tip the outcome, then decides on the last vote', () => {
    const cast: [string, VoteChoice][] = [
      ['US', 'for'],
      ['US', 'for'],
      ['EUC', 'against'],
      ['EUC', 'against'],
    ];
    expect(decide(mvc('majority'), ballots(...cast), false).state).toBe('voting');
    expect(decide(mvc('majority'), ballots(...cast, ['US', 'against']), false).state).toBe('rejected');
    expect(decide(mvc('majority'), ballots(...cast, ['US', 'for']), false).state).toBe('adopted');
  });

  it('rejects a tie when the vote is closed', () => {
    const r = decide(
      mvc('majority'),
      ballots(['US', 'for'], ['US', 'for'], ['EUC', 'against'], ['EUC', 'against']),
      true,
    );
    expect(r.state).toBe('rejected');
  });

  it('counts abstentions towards the quorum but not the majority', () => {
    const r = decide(
      mvc('majority'),
      ballots(['US', 'for'], ['US', 'abstain'], ['US', 'abstain'], ['EUC', 'abstain']),
      true,
    );
    expect(r.state).toBe('adopted');
    expect(r.tally).toEqual({ for: 1, against: 0, abstain: 3, seatsVoting: 4, quorum: 4 });
  });

  it('ends without quorum when the vote is closed with fewer seats than the quorum', () => {
    const r = decide(mvc('majority'), ballots(...US3), true);
    expect(r.state).toBe('no_quorum');
    expect(decide(mvc('majority'), [], true).state).toBe('no_quorum');
    expect(decide(mvc('majority'), [], false).state).toBe('voting');
  });

  it('does not count observers’ votes, in the tally or towards the quorum', () => {
    const r = decide(
      mvc('majority'),
      ballots(['RU', 'against'], ['UA', 'against'], ...US3, ['EUC', 'for']),
      false,
    );
    expect(r.state).toBe('adopted');
    expect(r.tally).toEqual({ for: 4, against: 0, abstain: 0, seatsVoting: 4, quorum: 4 });
    const onlyObservers = decide(mvc('majority'), ballots(['RU', 'against'], ['UA', 'against']), true);
    expect(onlyObservers.state).toBe('no_quorum');
    expect(onlyObservers.tally.seatsVoting).toBe(0);
  });

  it('caps each organisation at its seats: its earliest votes count, the rest do not', () => {
    const r = decide(mvc('majority'), ballots(...US3, ['US', 'against']), false);
    expect(r.tally).toEqual({ for: 3, against: 0, abstain: 0, seatsVoting: 3, quorum: 4 });
    expect(r.state).toBe('voting');
    const withEuc = decide(mvc('majority'), ballots(...US3, ['US', 'against'], ['EUC', 'abstain']), false);
    expect(withEuc.tally).toEqual({ for: 3, against: 0, abstain: 1, seatsVoting: 4, quorum: 4 });
    expect(withEuc.state).toBe('adopted');
  });
});

describe('decide: qualified_majority', () => {
  const six = (extra: Partial<DecisionRuleSpec> = {}): DecisionRuleSpec => ({
    rule: 'qualified_majority',
    quorum: 4,
    seats: [seat('A', 2), seat('B', 2), seat('C', 2)],
    parties: [],
    ...extra,
  });

  it('adopts at two thirds of the votes for or against by default, and rejects below', () => {
    const twoThirds = ballots(
      ['A', 'for'],
      ['A', 'for'],
      ['B', 'for'],
      ['B', 'for'],
      ['C', 'against'],
      ['C', 'against'],
    );
    expect(decide(six(), twoThirds, true).state).toBe('adopted');
    const threeFifths = ballots(['A', 'for'], ['A', 'for'], ['B', 'for'], ['C', 'against'], ['C', 'against']);
    expect(decide(six(), threeFifths, true).state).toBe('rejected');
  });

  it('uses the agreement’s threshold when it names one', () => {
    const twoThirds = ballots(
      ['A', 'for'],
      ['A', 'for'],
      ['B', 'for'],
      ['B', 'for'],
      ['C', 'against'],
      ['C', 'against'],
    );
    expect(decide(six({ majorityThreshold: 0.75 }), twoThirds, true).state).toBe('rejected');
  });

  it('leaves abstentions out of the share', () => {
    const r = decide(
      six(),
      ballots(
        ['A', 'for'],
        ['A', 'for'],
        ['B', 'against'],
        ['B', 'abstain'],
        ['C', 'abstain'],
        ['C', 'abstain'],
      ),
      true,
    );
    expect(r.state).toBe('adopted');
  });

  it('adopts early when even all the seats left voting against would not bring it below the threshold', () => {
    expect(decide(six(), ballots(['A', 'for'], ['A', 'for'], ['B', 'for'], ['B', 'for']), false).state).toBe(
      'adopted',
    );
    expect(
      decide(six(), ballots(['A', 'for'], ['A', 'for'], ['B', 'for'], ['B', 'against']), false).state,
    ).toBe('voting');
  });

  it('rejects when nobody voted for or against', () => {
    expect(
      decide(six(), ballots(['A', 'abstain'], ['A', 'abstain'], ['B', 'abstain'], ['B', 'abstain']), true)
        .state,
    ).toBe('rejected');
  });
});

describe('decide: consensus', () => {
  it('adopts when nobody objects; abstentions do not block', () => {
    expect(decide(trio('consensus'), ballots(['A', 'for'], ['B', 'abstain']), true).state).toBe('adopted');
  });

  it('rejects as soon as one member objects and the quorum is met', () => {
    expect(decide(trio('consensus'), ballots(['A', 'for'], ['B', 'against']), false).state).toBe('rejected');
    expect(decide(trio('consensus'), ballots(['B', 'against']), false).state).toBe('voting');
  });

  it('waits while a member who could still object has not voted', () => {
    expect(decide(trio('consensus'), ballots(['A', 'for'], ['B', 'for']), false).state).toBe('voting');
    expect(decide(trio('consensus'), ballots(['A', 'for'], ['B', 'for'], ['C', 'for']), false).state).toBe(
      'adopted',
    );
  });

  it('rejects when everybody abstains', () => {
    expect(
      decide(trio('consensus'), ballots(['A', 'abstain'], ['B', 'abstain'], ['C', 'abstain']), false).state,
    ).toBe('rejected');
  });
});

describe('decide: unanimity', () => {
  it('adopts only when every voting seat votes for', () => {
    expect(decide(trio('unanimity'), ballots(['A', 'for'], ['B', 'for'], ['C', 'for']), false).state).toBe(
      'adopted',
    );
  });

  it('treats an abstention or a missing vote as breaking unanimity', () => {
    expect(
      decide(trio('unanimity'), ballots(['A', 'for'], ['B', 'for'], ['C', 'abstain']), false).state,
    ).toBe('rejected');
    expect(decide(trio('unanimity'), ballots(['A', 'for'], ['B', 'for']), true).state).toBe('rejected');
    expect(decide(trio('unanimity'), ballots(['A', 'for'], ['B', 'for']), false).state).toBe('voting');
  });

  it('rejects early on one vote against once the quorum is met', () => {
    expect(decide(trio('unanimity'), ballots(['A', 'against'], ['B', 'for']), false).state).toBe('rejected');
  });
});

describe('decide: chair', () => {
  it('follows the chair’s organisation once the quorum is met, whatever the others vote', () => {
    const r = decide(
      mvc('chair'),
      ballots(['US', 'for'], ['EUC', 'against'], ['EUC', 'against'], ['US', 'abstain']),
      false,
    );
    expect(r.state).toBe('adopted');
    expect(
      decide(
        mvc('chair'),
        ballots(['US', 'against'], ['EUC', 'for'], ['EUC', 'for'], ['US', 'abstain']),
        false,
      ).state,
    ).toBe('rejected');
  });

  it('waits for the quorum after the chair has voted', () => {
    expect(decide(mvc('chair'), ballots(['US', 'for']), false).state).toBe('voting');
    expect(decide(mvc('chair'), ballots(['US', 'against']), false).state).toBe('voting');
  });

  it('ends without quorum when the vote is closed before the quorum, whichever way the chair voted', () => {
    expect(decide(mvc('chair'), ballots(['US', 'for']), true).state).toBe('no_quorum');
    expect(decide(mvc('chair'), ballots(['US', 'against']), true).state).toBe('no_quorum');
  });

  it('rejects when the vote closes without the chair’s vote for', () => {
    const r = decide(
      mvc('chair'),
      ballots(['US', 'abstain'], ['US', 'abstain'], ['US', 'abstain'], ['EUC', 'for'], ['EUC', 'for']),
      false,
    );
    expect(r.state).toBe('rejected');
  });
});

describe('decide: each_guarantor', () => {
  it('adopts when every non-party member votes for, with the quorum', () => {
    expect(decide(mvc('each_guarantor'), ballots(...US3, ['EUC', 'for']), false).state).toBe('adopted');
    expect(
      decide(
        mvc('each_guarantor'),
        ballots(['US', 'for'], ['US', 'for'], ['EUC', 'for'], ['EUC', 'for']),
        false,
      ).state,
    ).toBe('adopted');
  });

  it('rejects when one guarantor votes against', () => {
    expect(decide(mvc('each_guarantor'), ballots(...US3, ['EUC', 'against']), false).state).toBe('rejected');
  });

  it('ends without quorum when the vote closes on one guarantor against before the quorum', () => {
    expect(decide(mvc('each_guarantor'), ballots(['EUC', 'against']), true).state).toBe('no_quorum');
  });

  it('waits for a guarantor that has not voted', () => {
    expect(decide(mvc('each_guarantor'), ballots(...US3, ['EUC', 'abstain']), false).state).toBe('voting');
  });

  it('does not let the parties’ seats block', () => {
    const spec: DecisionRuleSpec = {
      rule: 'each_guarantor',
      quorum: 3,
      seats: [seat('UA', 2), seat('RU', 2), seat('US', 1, 'chair')],
      parties: ['UA', 'RU'],
    };
    expect(decide(spec, ballots(['UA', 'against'], ['RU', 'against'], ['US', 'for']), false).state).toBe(
      'adopted',
    );
  });
});

describe('decide: any_member', () => {
  it('adopts on one vote for once the quorum is met', () => {
    expect(
      decide(
        mvc('any_member'),
        ballots(['EUC', 'for'], ['US', 'against'], ['US', 'against'], ['US', 'against']),
        false,
      ).state,
    ).toBe('adopted');
  });

  it('waits for the quorum, and rejects when nobody votes for', () => {
    expect(decide(mvc('any_member'), ballots(['EUC', 'for']), false).state).toBe('voting');
    expect(decide(mvc('any_member'), ballots(['EUC', 'for']), true).state).toBe('no_quorum');
    expect(
      decide(
        mvc('any_member'),
        ballots(['EUC', 'against'], ['EUC', 'against'], ['US', 'abstain'], ['US', 'against']),
        true,
      ).state,
    ).toBe('rejected');
  });
});

describe('decide: parties_and_neutrals', () => {
  /** Two seats for each party and one neutral chair; quorum 3. */
  const joint: DecisionRuleSpec = {
    rule: 'parties_and_neutrals',
    quorum: 3,
    seats: [seat('UA', 2), seat('RU', 2), seat('US', 1, 'chair')],
    parties: ['UA', 'RU'],
  };

  it('has no quorum without a seat of every party, however many seats voted', () => {
    const noRu = ballots(['UA', 'for'], ['UA', 'for'], ['US', 'for']);
    expect(decide(joint, noRu, false).state).toBe('voting');
    expect(decide(joint, noRu, true).state).toBe('no_quorum');
  });

  it('has no quorum without a neutral seat', () => {
    expect(
      decide(joint, ballots(['UA', 'for'], ['UA', 'for'], ['RU', 'for'], ['RU', 'against']), true).state,
    ).toBe('no_quorum');
  });

  it('decides by majority once both parties and a neutral have voted', () => {
    expect(decide(joint, ballots(['UA', 'for'], ['RU', 'against'], ['US', 'for']), true).state).toBe(
      'adopted',
    );
    expect(decide(joint, ballots(['UA', 'for'], ['RU', 'against'], ['US', 'against']), true).state).toBe(
      'rejected',
    );
  });

  it('decides early when the seat left cannot change the majority', () => {
    const r = decide(joint, ballots(['UA', 'for'], ['UA', 'for'], ['RU', 'for'], ['US', 'for']), false);
    expect(r.state).toBe('adopted');
    expect(r.tally.seatsVoting).toBe(4);
  });
});
