import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';

const MINUTE = 60_000;

/** Every log entry ever made, queued or integrated, in one statement (one snapshot while the sequencer runs). */
async function loggedCount(t: TestApp): Promise<number> {
  const { rows } = await sql<{
    n: number | string;
  }>`select (select count(*) from log_queue) + (select count(*) from log_entries) as n`.execute(
    t.services.database.db,
  );
  return Number(rows[0]?.n);
}

describeEachDialect('hotline', (dialect) => {
  let t: TestApp;
  let jmvc: Caller;
  let ua: Caller;
  let ru: Caller;
  let us: Caller;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    jmvc = callerFor(t, await t.tokenFor('JMVC', ['analyst']));
    ua = callerFor(t, await t.tokenFor('UA', ['liaison']));
    ru = callerFor(t, await t.tokenFor('RU', ['liaison']));
    us = callerFor(t, await t.tokenFor('US', ['guarantor']));
  });
  afterEach(() => t.close());

  async function open(extra: Record<string, unknown> = {}): Promise<string> {
    const res = await jmvc('POST', '/api/v1/hotline/channels', {
      name: 'UA–RU direct line',
      members: ['UA', 'RU'],
      ...extra,
    });
    if (res.status !== 201) throw new Error(`opening a channel: ${JSON.stringify(res.json)}`);
    return res.json.channel.id as string;
  }

  async function send(channel: string, from: Caller = ua, extra: Record<string, unknown> = {}) {
    const res = await from('POST', `/api/v1/hotline/channels/${channel}/messages`, {
      body: 'Convoy at checkpoint 4 at 14:00; hold fire in sector B.',
      urgency: 'flash',
      ...extra,
    });
    if (res.status !== 201) throw new Error(`sending: ${JSON.stringify(res.json)}`);
    return res.json as { id: string; ackDeadline: string };
  }

  const counts = async () => {
    const db = t.services.database.db;
    const n = async (
      table:
        | 'hotline_channels'
        | 'hotline_status_changes'
        | 'hotline_messages'
        | 'log_queue'
        | 'log_entries'
        | 'escalations',
    ) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      channels: await n('hotline_channels'),
      changes: await n('hotline_status_changes'),
      messages: await n('hotline_messages'),
      // Queued or integrated already (the sequencer runs): every log entry ever made.
      logged: await loggedCount(t),
      escalations: await n('escalations'),
    };
  };

  it('keeps a status history with cause, by whom and when, recorded by members and the commission', async () => {
    const id = await open();
    const status = (who: Caller, s: string, cause: string) =>
      who('POST', `/api/v1/hotline/channels/${id}/status`, { status: s, cause });
    t.clock.advance(5 * MINUTE);
    expect((await status(ua, 'suspended', 'line cut by shelling')).status).toBe(200);
    t.clock.advance(20 * MINUTE);
    expect((await status(jmvc, 'restored', 'repaired by the commission’s engineers')).status).toBe(200);
    t.clock.advance(MINUTE);
    const last = await status(ru, 'suspended', 'satellite link down');
    expect(last.status).toBe(200);
    expect(last.json.channel).toMatchObject({ status: 'suspended', statusSince: '2026-11-26T08:26:00.000Z' });
    expect(
      (last.json.history as Record<string, unknown>[]).map((h) => [
        h.seq,
        h.status,
        h.organisationId,
        h.cause,
        h.at,
      ]),
    ).toEqual([
      [1, 'active', 'JMVC', 'opened', '2026-11-26T08:00:00.000Z'],
      [2, 'suspended', 'UA', 'line cut by shelling', '2026-11-26T08:05:00.000Z'],
      [3, 'restored', 'JMVC', 'repaired by the commission’s engineers', '2026-11-26T08:25:00.000Z'],
      [4, 'suspended', 'RU', 'satellite link down', '2026-11-26T08:26:00.000Z'],
    ]);
    expect((last.json.history as { by: string }[]).every((h) => h.by.length > 0)).toBe(true);
    const listed = await ua('GET', '/api/v1/hotline/channels');
    expect(listed.json.channels).toEqual([expect.objectContaining({ id, status: 'suspended' })]);
  });

  it('refuses bad input precisely and writes nothing', async () => {
    const id = await open();
    const message = await send(id);
    await ru('POST', `/api/v1/hotline/messages/${message.id}/ack`);
    const before = await counts();
    const cases: [
      string,
      Promise<{ status: number; json: { errors?: { path: string; rule?: string }[] } }>,
      number,
      string?,
    ][] = [
      [
        'unknown channel',
        ua('POST', `/api/v1/hotline/channels/${crypto.randomUUID()}/messages`, { body: 'x' }),
        404,
      ],
      [
        'same status',
        ua('POST', `/api/v1/hotline/channels/${id}/status`, { status: 'active', cause: 'x' }),
        409,
        'status-unchanged',
      ],
      [
        'restore an active channel',
        ua('POST', `/api/v1/hotline/channels/${id}/status`, { status: 'restored', cause: 'x' }),
        409,
        'restore-needs-suspension',
      ],
      [
        'unknown status',
        ua('POST', `/api/v1/hotline/channels/${id}/status`, { status: 'down', cause: 'x' }),
        422,
        '/body/status',
      ],
      [
        'empty cause',
        ua('POST', `/api/v1/hotline/channels/${id}/status`, { status: 'suspended', cause: ' ' }),
        422,
        '/body/cause',
      ],
      [
        'deadline in the past',
        ua('POST', `/api/v1/hotline/channels/${id}/messages`, {
          body: 'x',
          ackDeadline: '2026-11-26T07:59:00Z',
        }),
        422,
        '/body/ackDeadline',
      ],
      [
        'addressee not a member',
        ua('POST', `/api/v1/hotline/channels/${id}/messages`, { body: 'x', to: 'US' }),
        422,
        '/body/to',
      ],
      [
        'sending to oneself',
        ua('POST', `/api/v1/hotline/channels/${id}/messages`, { body: 'x', to: 'UA' }),
        422,
        '/body/to',
      ],
      [
        'the commission is not a member',
        jmvc('POST', `/api/v1/hotline/channels/${id}/messages`, { body: 'x' }),
        403,
      ],
      [
        'acknowledging one’s own message',
        ua('POST', `/api/v1/hotline/messages/${message.id}/ack`),
        409,
        'not-the-addressee',
      ],
      [
        'acknowledging twice',
        ru('POST', `/api/v1/hotline/messages/${message.id}/ack`),
        409,
        'acknowledged-once',
      ],
      [
        'a party opens a channel',
        ua('POST', '/api/v1/hotline/channels', { name: 'x', members: ['UA', 'RU'] }),
        403,
      ],
      [
        'unknown member',
        jmvc('POST', '/api/v1/hotline/channels', { name: 'x', members: ['UA', 'XX'] }),
        422,
        '/body/members',
      ],
      [
        'one member',
        jmvc('POST', '/api/v1/hotline/channels', { name: 'x', members: ['UA', 'UA'] }),
        422,
        '/body/members',
      ],
    ];
    for (const [label, pending, status, where] of cases) {
      const res = await pending;
      expect(res.status, label).toBe(status);
      if (where !== undefined)
        expect(
          res.json.errors?.some((e) => e.rule === where || e.path === where),
          `${label}: ${JSON.stringify(res.json)}`,
        ).toBe(true);
    }
    expect(await counts()).toEqual(before);
  });

  it('escalates a missed acknowledgement exactly once, to the commission and the members', async () => {
    const id = await open({ ackMinutes: 15 });
    const missed = await send(id);
    const answered = await send(id, ru);
    const late = await send(id, ru, { ackDeadline: '2026-11-26T08:05:00Z' });
    await ua('POST', `/api/v1/hotline/messages/${answered.id}/ack`);
    expect(missed.ackDeadline).toBe('2026-11-26T08:15:00.000Z');
    t.clock.advance(10 * MINUTE);
    await ua('POST', `/api/v1/hotline/messages/${late.id}/ack`);
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 1, channels: 0 });
    t.clock.advance(6 * MINUTE);
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 1, channels: 0 });
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 0, channels: 0 });
    await ru('POST', `/api/v1/hotline/messages/${missed.id}/ack`);
    t.clock.advance(60 * MINUTE);
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 0, channels: 0 });
    const listed = await jmvc('GET', '/api/v1/escalations?sourceKind=hotline-message');
    expect(listed.json.total).toBe(2);
    expect((listed.json.escalations as { sourceId: string }[]).map((e) => e.sourceId).sort()).toEqual(
      [missed.id, late.id].sort(),
    );
    for (const e of listed.json.escalations)
      expect(e).toMatchObject({
        organisations: ['RU', 'UA'],
        reason: 'acknowledgement deadline missed',
        raisedBy: 'system',
      });
    expect((await ua('GET', '/api/v1/escalations')).json.total).toBe(2);
    expect((await us('GET', '/api/v1/escalations')).json.total).toBe(0);
  });

  it('escalates a channel suspended longer than its limit, once per suspension', async () => {
    const id = await open({ suspensionLimitMinutes: 60 });
    const status = (s: string) =>
      ua('POST', `/api/v1/hotline/channels/${id}/status`, { status: s, cause: 'line cut' });
    await status('suspended');
    t.clock.advance(59 * MINUTE);
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 0, channels: 0 });
    t.clock.advance(2 * MINUTE);
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 0, channels: 1 });
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 0, channels: 0 });
    // While suspended, nothing is sent.
    const refused = await ua('POST', `/api/v1/hotline/channels/${id}/messages`, { body: 'anyone there?' });
    expect(refused.status).toBe(409);
    expect(refused.json.errors[0].rule).toBe('channel-suspended');
    await status('restored');
    t.clock.advance(120 * MINUTE);
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 0, channels: 0 });
    await status('suspended');
    t.clock.advance(61 * MINUTE);
    expect(await t.services.hotline.sweep(t.clock.now())).toEqual({ messages: 0, channels: 1 });
    const listed = await jmvc('GET', `/api/v1/escalations?sourceKind=hotline-channel&sourceId=${id}`);
    expect(listed.json.total).toBe(2);
    expect(listed.json.escalations[0].reason).toMatch(/^suspended since .* longer than its limit of 60 min$/);
  });

  it('shows the commission status and message metadata, bodies only when the channel lets it read', async () => {
    const closed = await open();
    const reads = await open({ commissionReads: true });
    const hidden = await send(closed);
    const shown = await send(reads);
    const page = await jmvc('GET', `/api/v1/hotline/channels/${closed}/messages`);
    expect(page.json.bodies).toBe(false);
    expect(page.json.messages[0]).toMatchObject({ id: hidden.id, from: 'UA', to: 'RU', urgency: 'flash' });
    expect(page.json.messages[0].body).toBeUndefined();
    expect((await jmvc('GET', `/api/v1/hotline/messages/${hidden.id}`)).json.body).toBeUndefined();
    expect((await jmvc('GET', `/api/v1/hotline/messages/${shown.id}`)).json.body).toMatch(/^Convoy/);
    expect((await ru('GET', `/api/v1/hotline/messages/${hidden.id}`)).json.body).toMatch(/^Convoy/);
    // The salts of a message (which would reveal its body) follow the same rule.
    expect((await jmvc('GET', `/api/v1/log/commitments/hotline-message/${hidden.id}`)).status).toBe(404);
    expect((await jmvc('GET', `/api/v1/log/commitments/hotline-message/${shown.id}`)).status).toBe(200);
    expect((await ru('GET', `/api/v1/log/commitments/hotline-message/${hidden.id}`)).status).toBe(200);
  });

  it('lets a third organisation neither read a channel or message nor learn that it exists', async () => {
    const id = await open();
    const message = await send(id);
    t.clock.advance(16 * MINUTE);
    await t.services.hotline.sweep(t.clock.now());
    const change = (await ua('GET', `/api/v1/hotline/channels/${id}`)).json.history[0].id as string;
    const unknown = crypto.randomUUID();
    const outsiders: [string, Caller][] = [
      ['guarantor US', us],
      ['liaison of a third party', callerFor(t, await t.tokenFor('EUC', ['guarantor']))],
    ];
    for (const [label, who] of outsiders) {
      expect((await who('GET', '/api/v1/hotline/channels')).json, label).toEqual({ channels: [] });
      expect((await who('GET', '/api/v1/escalations')).json.total, label).toBe(0);
      const probes: [string, (x: string) => string, unknown?][] = [
        ['GET', (x) => `/api/v1/hotline/channels/${x}`],
        ['GET', (x) => `/api/v1/hotline/channels/${x}/messages`],
        ['POST', (x) => `/api/v1/hotline/channels/${x}/messages`, { body: 'hello' }],
        ['POST', (x) => `/api/v1/hotline/channels/${x}/status`, { status: 'suspended', cause: 'x' }],
        ['GET', (x) => `/api/v1/log/commitments/hotline-channel/${x}`],
      ];
      const messageProbes: [string, (x: string) => string, unknown?][] = [
        ['GET', (x) => `/api/v1/hotline/messages/${x}`],
        ['POST', (x) => `/api/v1/hotline/messages/${x}/ack`],
        ['GET', (x) => `/api/v1/log/commitments/hotline-message/${x}`],
      ];
      const same = async (method: string, path: (x: string) => string, real: string, body?: unknown) => {
        const seen = await who(method, path(real), body);
        const none = await who(method, path(unknown), body);
        expect(seen.status, `${label} ${method} ${path(real)}`).toBe(404);
        const scrub = (json: unknown, hide: string) =>
          JSON.stringify({ ...(json as object), instance: undefined, requestId: undefined }).replaceAll(
            hide,
            'ID',
          );
        expect(scrub(seen.json, real), `${label} ${method} ${path(real)}`).toBe(scrub(none.json, unknown));
      };
      for (const [method, path, body] of probes) await same(method, path, id, body);
      for (const [method, path, body] of messageProbes) await same(method, path, message.id, body);
      await same('GET', (x) => `/api/v1/log/commitments/hotline-status-change/${x}`, change);
    }
    // The public log holds commitments only: no channel name, member list or body in any entry.
    while ((await t.services.ledger.integrateOnce()) > 0);
    const entries = await t.services.database.db.selectFrom('log_entries').select(['kind', 'data']).execute();
    const hotlineEntries = entries.filter(
      (e) => e.kind.startsWith('hotline.') || e.kind.startsWith('escalation.'),
    );
    expect(hotlineEntries.length).toBeGreaterThanOrEqual(4);
    for (const e of hotlineEntries) {
      const text = Buffer.from(e.data).toString('utf8');
      expect(text).not.toMatch(/Convoy|UA–RU|"members"|"organisations"/);
      expect(JSON.parse(text).confidential).toBeDefined();
    }
  });

  it('audit --database finds a tampered message, status change or channel row', async () => {
    const id = await open();
    const message = await send(id);
    await ru('POST', `/api/v1/hotline/messages/${message.id}/ack`);
    await ua('POST', `/api/v1/hotline/channels/${id}/status`, { status: 'suspended', cause: 'line cut' });
    const db = t.services.database.db;
    const audit = async () => (await auditDatabase(db, { bindings: ROW_BINDINGS })).findings;
    while ((await t.services.ledger.integrateOnce()) > 0);
    expect(await audit()).toEqual([]);
    const edits: [table: string, apply: string, undo: string][] = [
      [
        'hotline_messages',
        `body = 'Convoy cancelled.'`,
        `body = 'Convoy at checkpoint 4 at 14:00; hold fire in sector B.'`,
      ],
      ['hotline_messages', `acknowledged_at = null`, `acknowledged_at = '2026-11-26T08:00:00.000Z'`],
      [
        'hotline_messages',
        `ack_deadline = '2026-11-27T08:00:00.000Z'`,
        `ack_deadline = '2026-11-26T08:15:00.000Z'`,
      ],
      ['hotline_status_changes', `cause = 'maintenance'`, `cause = 'line cut'`],
      ['hotline_channels', 'commission_reads = 1', 'commission_reads = 0'],
    ];
    for (const [table, apply, undo] of edits) {
      await sql
        .raw(
          `update ${table} set ${apply} where ${table === 'hotline_status_changes' ? `seq = 2` : table === 'hotline_channels' ? `id = '${id}'` : `id = '${message.id}'`}`,
        )
        .execute(db);
      const found = await audit();
      expect(
        found.some((f) => f.table === table && f.check === 'edited'),
        `${table} ${apply}: ${JSON.stringify(found)}`,
      ).toBe(true);
      await sql
        .raw(
          `update ${table} set ${undo} where ${table === 'hotline_status_changes' ? `seq = 2` : table === 'hotline_channels' ? `id = '${id}'` : `id = '${message.id}'`}`,
        )
        .execute(db);
    }
    expect(await audit()).toEqual([]);
    await sql`delete from record_addressees where record_kind = 'hotline-channel' and organisation_id = 'RU'`.execute(
      db,
    );
    expect((await audit()).some((f) => f.table === 'hotline_channels' && f.id === id)).toBe(true);
  });
});
