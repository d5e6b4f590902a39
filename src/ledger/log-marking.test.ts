import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { consoleActor } from '../access/audit.service.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { ANONYMOUS } from '../access/policy.js';
import { keyRotationRecord } from './key-rotation.js';
import { generateSignerKey, parseSignerKey } from './note.js';
import { decodeEntryBundle, entriesPath, TILE_WIDTH } from './tiles.js';

/** The kinds and markings docs/transparency-log.md promises, read from its table. */
function documentedKinds(): Map<string, string> {
  const doc = fs.readFileSync(new URL('../../docs/transparency-log.md', import.meta.url), 'utf8');
  const kinds = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([a-z-]+\.[a-z-]+)` \| `[\w-]+` \| ([^|]+) \|/gm))
    kinds.set(m[1] ?? '', (m[2] ?? '').trim());
  return kinds;
}

interface Entry {
  kind: string;
  record?: Record<string, unknown>;
  confidential?: { marking: string; recordKind: string; recordId: string; commitment: string };
}

// Values that exist only in records marked above CLEAR: none of them may reach a public bundle.
const CANARY = 'q7zx';
const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

describeEachDialect('what the public log shows of each kind of record', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  /** Every entry bundle, fetched over HTTP as a mirror would, and its bytes. */
  async function mirror(): Promise<{ entries: Entry[]; bytes: string }> {
    while ((await t.services.ledger.integrateOnce()) > 0);
    const size = t.services.ledger.reader.size;
    const entries: Entry[] = [];
    let bytes = '';
    for (let index = 0; index * TILE_WIDTH < size; index += 1) {
      const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
      const res = await t.app.inject({ url: `/log/${entriesPath(index, width)}` });
      expect(res.statusCode).toBe(200);
      bytes += res.rawPayload.toString('latin1');
      for (const data of decodeEntryBundle(res.rawPayload, width))
        entries.push(JSON.parse(data.toString()) as Entry);
    }
    return { entries, bytes };
  }

  it('logs every kind as its table says: CLEAR in full, anything else as a commitment', async () => {
    const s = t.services;
    const clearIds = new Set<string>();
    const secrets: string[] = [];

    // Organisations (CLEAR); a user and a token (AMBER), updated and revoked.
    await s.organisations.create(CONSOLE_ACTOR, { id: 'NGO', name: 'Monitoring NGO', kind: 'humanitarian' });
    await s.organisations.rename(CONSOLE_ACTOR, 'NGO', 'Monitoring NGO (field)');
    const user = await s.users.create(CONSOLE_ACTOR, {
      organisationId: 'UA',
      username: `liaison-${CANARY}`,
      roles: ['liaison'],
      password: 'correct horse battery staple',
    });
    await s.users.update(CONSOLE_ACTOR, user.id, { displayName: `Officer ${CANARY}` });
    const { token } = await s.tokens.create(CONSOLE_ACTOR, { userId: user.id, name: `laptop-${CANARY}` });
    await s.tokens.revoke(CONSOLE_ACTOR, token.id);
    secrets.push(`liaison-${CANARY}`, `Officer ${CANARY}`, `laptop-${CANARY}`);

    // Agreement versions: the harness loaded a GREEN one; an AMBER draft and a CLEAR text besides.
    const text = illustrativeAgreementText();
    await s.agreements.load(CONSOLE_ACTOR, {
      text: text.replace(/^version: 3$/m, 'version: 4').replace(/^title: .*$/m, `title: Draft ${CANARY}`),
      fileName: 'draft.yaml',
      marking: 'AMBER',
    });
    secrets.push(`Draft ${CANARY}`);
    const published = await s.agreements.load(CONSOLE_ACTOR, {
      text: text.replace(/^version: 3$/m, 'version: 5'),
      fileName: 'published.yaml',
      marking: 'CLEAR',
    });
    clearIds.add(published.version.id);

    // A commission analyst files and handles the reports (the console sees no organisation's AMBER).
    const analyst = consoleActor(
      await s.sessions.principalFromToken(await t.tokenFor('JMVC', ['monitor', 'analyst', 'admin'])),
    );

    // Reports: a CLEAR one, and an AMBER one revised, with evidence declared in the report.
    const submit = async (input: Record<string, unknown>) =>
      (await s.monitoring.reports.submit(analyst, [input], () => '/body', false)).reports[0]?.id ?? '';
    const evidenceBytes = Buffer.from(`crater photo ${CANARY}`);
    const pressBytes = Buffer.from('press photo 1');
    const clearReport = await submit(
      sampleInput({
        marking: 'CLEAR',
        externalSystem: 'press',
        externalId: 'p-1',
        evidence: [
          {
            sha256: sha(pressBytes.toString()),
            filename: 'press-1.jpg',
            mediaType: 'image/jpeg',
            capturedAt: '2026-11-25T19:00:00Z',
            collector: 'press agency',
          },
        ],
      }),
    );
    clearIds.add(clearReport);
    const secret = {
      marking: 'AMBER',
      externalSystem: `sys-${CANARY}`,
      externalId: `ext-${CANARY}`,
      location: { lon: 38.01234, lat: 48.35678, uncertaintyM: 100 },
      evidence: [
        {
          sha256: sha(evidenceBytes.toString()),
          filename: 'crater.jpg',
          mediaType: 'image/jpeg',
          capturedAt: '2026-11-25T19:41:00Z',
          collector: `collector-${CANARY}`,
        },
      ],
    };
    await submit(sampleInput(secret));
    // Correlation follows the answer: let the original join its incident, so that the revision
    // regroups it (incident.regrouped) rather than arriving in the same correlation call.
    await s.monitoring.reports.settled();
    const amberReport = await submit(sampleInput({ ...secret, counts: { events: 4 } }));
    await s.monitoring.reports.settled();
    secrets.push(`sys-${CANARY}`, `ext-${CANARY}`, '38.01234', '48.35678', `collector-${CANARY}`);
    secrets.push(sha(evidenceBytes.toString()));

    // Evidence: upload, access, hand-over and a derived copy of the AMBER report's; declared on its
    // own for the CLEAR report.
    const stored = await s.monitoring.evidence.upload(
      analyst,
      amberReport,
      sha(evidenceBytes.toString()),
      Readable.from([evidenceBytes]),
    );
    const opened = await s.monitoring.evidence.open(analyst, stored.id);
    opened.stream.destroy();
    await s.monitoring.evidence.handOver(analyst, stored.id, `custodian-${CANARY}`);
    const redacted = Buffer.from(`redacted ${CANARY}`);
    await s.monitoring.evidence.derive(analyst, stored.id, {
      content: redacted,
      filename: 'crater-redacted.jpg',
      mediaType: 'image/jpeg',
      derivation: `blurred faces ${CANARY}`,
    });
    secrets.push(`custodian-${CANARY}`, `blurred faces ${CANARY}`, sha(redacted.toString()));
    const clearBytes = Buffer.from('press photo 2');
    const clearEvidence = await s.monitoring.evidence.declare(analyst, clearReport, {
      sha256: sha(clearBytes.toString()),
      filename: 'press.jpg',
      mediaType: 'image/jpeg',
      capturedAt: '2026-11-25T19:00:00Z',
      collector: 'press agency',
      contentBase64: clearBytes.toString('base64'),
    });
    clearIds.add(clearEvidence.id);

    // Grading (AMBER): a source's independence group and a user's ceiling.
    const [source] = await s.monitoring.reports.listSources();
    await s.monitoring.reports.gradeSource(CONSOLE_ACTOR, source?.id ?? '', {
      reliability: 'C',
      independenceGroup: `group-${CANARY}`,
    });
    await s.monitoring.reports.setCeiling(CONSOLE_ACTOR, user.id, 'C3');
    secrets.push(`group-${CANARY}`);

    // Verification: the reports were grouped into incidents on intake (the AMBER one followed its
    // revision); review both, and publish one finding to the public (CLEAR), one to the parties (AMBER).
    const v = s.verification;
    const staff = async (org: string, roles: Parameters<TestApp['tokenFor']>[1]) =>
      consoleActor(await s.sessions.principalFromToken(await t.tokenFor(org, roles)));
    const reviewer = await staff('JMVC', ['analyst']);
    const secondReviewer = await staff('JMVC-EU', ['analyst']);
    const voters = [
      await staff('US', ['commissioner']),
      await staff('US', ['commissioner']),
      await staff('US', ['commissioner']),
      await staff('EUC', ['commissioner']),
    ];
    const { incidents } = await v.incidents.list(reviewer.principal, { limit: 10 });
    const holding = (report: string) => incidents.find((i) => i.reportIds.includes(report))?.id ?? '';
    const publish = async (incidentId: string, isPublic: boolean): Promise<string> => {
      await v.incidents.transition(reviewer, incidentId, { to: 'under_review', reason: `review ${CANARY}` });
      await v.incidents.assess(reviewer, incidentId, { severity: 'minor', provisions: ['P-02'] });
      await v.incidents.attribute(reviewer, incidentId, {
        party: 'RU',
        confidence: 'possible',
        method: `method ${CANARY}`,
      });
      // An explosion is a serious category: two analysts of different organisations conclude.
      await v.incidents.transition(reviewer, incidentId, { to: 'verified', reason: `verified ${CANARY}` });
      await v.incidents.transition(secondReviewer, incidentId, {
        to: 'verified',
        reason: `confirmed ${CANARY}`,
      });
      const proposed = await v.findings.propose(reviewer, incidentId, {
        summary: isPublic ? 'Explosions near Horlivka: verified.' : `Summary ${CANARY}`,
        public: isPublic,
      });
      for (const voter of voters)
        if (proposed.finding.state === 'voting')
          await v.findings.vote(voter, proposed.finding.id, { choice: 'for', opinion: `opinion ${CANARY}` });
      await v.findings.publish(reviewer, proposed.finding.id);
      return proposed.finding.id;
    };
    expect(holding(clearReport)).not.toBe(holding(amberReport));
    clearIds.add(await publish(holding(clearReport), true));
    await publish(holding(amberReport), false);
    secrets.push(
      `review ${CANARY}`,
      `verified ${CANARY}`,
      `confirmed ${CANARY}`,
      `Summary ${CANARY}`,
      `opinion ${CANARY}`,
    );

    // Escalations (AMBER): raised in another change's transaction, resolved by the commission.
    const { escalation } = await s.database.db.transaction().execute((tx) =>
      s.escalations.raise(tx, CONSOLE_ACTOR, {
        sourceKind: 'hotline-message',
        sourceId: `message-${CANARY}`,
        organisations: ['UA', 'RU'],
        reason: `missed ${CANARY}`,
      }),
    );
    await s.escalations.resolve(reviewer, escalation.id, { resolution: `called ${CANARY}` });
    secrets.push(`message-${CANARY}`, `missed ${CANARY}`, `called ${CANARY}`);

    // The hotline (AMBER): a channel, a status change, a message sent and acknowledged.
    const line = await s.hotline.open(reviewer, { name: `line ${CANARY}`, members: ['UA', 'RU'] });
    const sent = await s.hotline.send(await staff('UA', ['liaison']), line.channel.id, {
      body: `hold fire ${CANARY}`,
    });
    await s.hotline.acknowledge(await staff('RU', ['liaison']), sent.id);
    await s.hotline.changeStatus(await staff('UA', ['liaison']), line.channel.id, {
      status: 'suspended',
      cause: `cut ${CANARY}`,
    });
    secrets.push(`line ${CANARY}`, `hold fire ${CANARY}`, `cut ${CANARY}`);

    // Notices (the notice's marking: AMBER+STRICT under every obligation of the agreement): each
    // step of a notice and of each addressee's copy, a disclosure request, conflicts.
    const notices = s.deconfliction.notices;
    const ocha = await staff('OCHA', ['humanitarian']);
    const uaLiaison = await staff('UA', ['liaison']);
    const ruLiaison = await staff('RU', ['liaison']);
    const commission = await staff('JMVC', ['analyst']);
    const hours = (h: number) => new Date(t.clock.now().getTime() + h * 3_600_000).toISOString();
    const site = (name: string) => ({
      obligation: 'n-humanitarian-site',
      subject: 'static_site',
      kind: 'site' as const,
      site: { lon: 37.61, lat: 47.95, precisionM: 30, function: 'hospital' as const, name },
      details: { operator: 'MSF', occupants: `patients ${CANARY}` },
    });
    const hospital = await notices.submit(ocha, site(`hospital ${CANARY}`));
    await notices.read(uaLiaison, hospital.notice.id);
    await notices.respond(uaLiaison, hospital.notice.id, 'acknowledge');
    await notices.respond(ruLiaison, hospital.notice.id, 'object', `objection ${CANARY}`);
    const asked = await notices.request(uaLiaison, hospital.notice.id, ['occupants'], `why ${CANARY}`);
    await notices.answerRequest(ocha, asked.id, true);
    await notices.reconfirm(ocha, hospital.notice.id);
    const replaced = await notices.replace(ocha, hospital.notice.id, site(`hospital v2 ${CANARY}`));
    await notices.withdraw(ocha, replaced.notice.id, `withdrawn ${CANARY}`);
    const flight = (from: number, to: number, x: number) => ({
      obligation: 'n-monitoring-flight',
      subject: 'monitoring_flight',
      kind: 'flight' as const,
      route: {
        coordinates: [[37.0 + x, 47.5] as [number, number], [37.5 + x, 47.7] as [number, number]],
        corridorM: 2000,
      },
      window: { from: hours(from), to: hours(to) },
      altitude: { minM: 500, maxM: 1500 },
    });
    // A convoy and a party's withdrawal along the same road at the same time: a conflict for each
    // notifier, cleared when the convoy is cancelled.
    const road: [number, number][] = [
      [37.8, 48.0],
      [37.9, 48.1],
    ];
    const convoy = await notices.submit(ocha, {
      obligation: 'n-humanitarian-movement',
      subject: 'convoy',
      kind: 'movement',
      route: { coordinates: road, corridorM: 200 },
      departure: { from: hours(50), to: hours(51) },
      arrival: { from: hours(55), to: hours(56) },
      details: { vehicles: `6 trucks ${CANARY}`, markings: 'UN' },
    });
    await notices.submit(uaLiaison, {
      obligation: 'n-holding-areas',
      subject: 'withdrawal_route',
      kind: 'movement',
      route: { coordinates: road, corridorM: 300 },
      departure: { from: hours(50), to: hours(52) },
      arrival: { from: hours(54), to: hours(56) },
      details: { equipment_category: 'artillery-100mm-plus', count: 6 },
    });
    await notices.cancel(ocha, convoy.notice.id, `cancelled ${CANARY}`);
    const permission = (from: number) => ({
      obligation: 'n-flight-permission',
      subject: 'military_flight_in_restricted_airspace',
      kind: 'flight' as const,
      route: {
        coordinates: [[36.0, 47.0] as [number, number], [36.2, 47.1] as [number, number]],
        corridorM: 1000,
      },
      window: { from: hours(from), to: hours(from + 1) },
      altitude: { minM: 3000, maxM: 4000 },
    });
    const granted = await notices.submit(uaLiaison, permission(30));
    await notices.respond(commission, granted.notice.id, 'approve');
    const denied = await notices.submit(uaLiaison, permission(40));
    await notices.respond(commission, denied.notice.id, 'refuse', `refused ${CANARY}`);
    // Unanswered copies fall overdue and the notices expire after their window (swept below, once
    // the response section has moved the clock on).
    await notices.submit(commission, flight(3, 4, 1));
    secrets.push(
      `hospital ${CANARY}`,
      `patients ${CANARY}`,
      `objection ${CANARY}`,
      `why ${CANARY}`,
      `withdrawn ${CANARY}`,
      `refused ${CANARY}`,
    );
    // Response: the ladder opened a case on the first adopted finding (RU) and added the second. The
    // JC escalates; nobody acts on the next rungs (inaction) up to the top rung, which holds on
    // timeout; the guarantors close it.
    const [breach] = (await s.response.cases.list(reviewer.principal, { limit: 10 })).cases;
    expect(breach?.findingIds).toHaveLength(2);
    await s.response.cases.decide(reviewer, breach?.id ?? '', {
      option: 'escalate',
      reason: `reason ${CANARY}`,
    });
    t.clock.advance(30 * 86_400_000);
    await s.response.cases.sweep(t.clock.now());
    for (const org of ['US', 'EUC'])
      await s.response.cases.decide(await staff(org, ['guarantor']), breach?.id ?? '', {
        option: 'close',
        reason: `closing ${CANARY}`,
      });
    expect((await s.response.cases.get(reviewer.principal, breach?.id ?? '')).case.status).toBe('closed');
    secrets.push(`reason ${CANARY}`, `closing ${CANARY}`);
    expect(await notices.sweep()).toMatchObject({ expired: 4 });
    // Commitments: a CLEAR pledge (in full) and an AMBER one (a commitment), each delivered and
    // amended; ratification records, CLEAR and AMBER.
    const guarantorUS = await staff('US', ['guarantor']);
    for (const marking of ['CLEAR', 'AMBER'] as const) {
      const item = marking === 'CLEAR' ? 'Budget support' : `System ${CANARY}`;
      const { pledge } = await s.commitments.commitments.pledge(guarantorUS, {
        guaranteeId: 'g-security',
        category: 'financing',
        item,
        quantity: 100,
        unit: 'EUR',
        responseId: 'resp-logistics',
        pledgedOn: '2026-11-20',
        marking,
      });
      const delivered = await s.commitments.commitments.deliver(guarantorUS, pledge.id, {
        quantity: 10,
        deliveredOn: '2026-11-25',
        note: marking === 'CLEAR' ? 'first tranche' : `tranche ${CANARY}`,
      });
      const amended = await s.commitments.commitments.amend(guarantorUS, pledge.id, {
        quantity: 150,
        reason: marking === 'CLEAR' ? 'second tranche' : `reason ${CANARY}`,
      });
      if (marking === 'CLEAR')
        for (const id of [pledge.id, delivered.deliveries[0]?.id, amended.amendments[0]?.id])
          clearIds.add(id ?? '');
      const view = await s.commitments.ratification.record(guarantorUS, 'g-security', 'rs-us-congress', {
        status: 'scheduled',
        on: '2026-12-10',
        marking,
        ...(marking === 'AMBER' ? { note: `whip count ${CANARY}` } : {}),
      });
      if (marking === 'CLEAR') clearIds.add(view.steps[0]?.history[0]?.id ?? '');
    }
    secrets.push(`System ${CANARY}`, `tranche ${CANARY}`, `reason ${CANARY}`, `whip count ${CANARY}`);

    // Daily report editions: the public one in full (CLEAR), a guarantor's as a commitment.
    const publicEdition = await s.daily.render(ANONYMOUS, '2026-11-25', 'json');
    clearIds.add(publicEdition.edition.sha256);
    await s.daily.render(guarantorUS.principal, '2026-11-25', 'json');

    // A key rotation (CLEAR: auditors must read it to follow the new key).
    const next = parseSignerKey(generateSignerKey(s.ledger.reader.origin).signerKey);
    await s.ledger.sequencer.integrateKeyRotation(next, keyRotationRecord(s.ledger.sequencer.signer, next));

    const { entries, bytes } = await mirror();
    const documented = documentedKinds();
    expect([...new Set(entries.map((e) => e.kind))].sort()).toEqual([...documented.keys()].sort());

    for (const entry of entries) {
      const marking = documented.get(entry.kind) ?? '';
      if (entry.confidential) {
        expect(entry.record, entry.kind).toBeUndefined();
        expect(entry.confidential.marking, entry.kind).not.toBe('CLEAR');
        expect(entry.confidential.commitment, entry.kind).toMatch(/^[0-9a-f]{64}$/);
        if (marking !== 'AMBER') expect(marking, entry.kind).toMatch(/^(the|its) /);
      } else {
        // In full: a kind that is always CLEAR, or one that follows its record whose record is CLEAR.
        expect(marking, entry.kind).not.toBe('AMBER');
        if (marking !== 'CLEAR') {
          const r = (entry.record ?? {}) as Record<string, string | undefined>;
          const ids = [r.id, r.reportId, r.evidenceId, r.sha256];
          expect(
            ids.some((id) => id !== undefined && clearIds.has(id)),
            `${entry.kind} ${ids.join(' ')}`,
          ).toBe(true);
        }
      }
    }
    // Each kind that follows its record appears as a commitment too (the AMBER report's side).
    for (const [kind, marking] of documented)
      if (marking !== 'CLEAR')
        expect(
          entries.some((e) => e.kind === kind && e.confidential),
          kind,
        ).toBe(true);
    for (const value of secrets) expect(bytes.includes(value), value).toBe(false);

    // One record shape for evidence.declared, however the evidence was declared (with its report, or
    // on its own later).
    const declared = entries.filter((e) => e.kind === 'evidence.declared' && e.record);
    expect(declared).toHaveLength(2);
    for (const e of declared)
      expect(Object.keys(e.record ?? {}).sort()).toEqual([
        'capturedAt',
        'collector',
        'custodian',
        'declaredAt',
        'device',
        'evidenceId',
        'filename',
        'mediaType',
        'recordedBy',
        'reportId',
        'sha256',
        'sizeBytes',
        'stored',
        'storedAt',
      ]);
  });
});
