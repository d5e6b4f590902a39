import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDialect, freshDatabase } from '../../test/support/databases.js';
import { canSee, checkMarkingChange, MARKINGS, type Marking, type Visibility } from './marking.js';
import { ANONYMOUS, permissionsFor, type OrganisationKind, type Principal, type Role } from './policy.js';
import { visibleTo } from './visibility.sql.js';

function principal(
  userId: string,
  organisationId: string,
  kind: OrganisationKind,
  roles: Role[] = ['observer'],
): Principal {
  return {
    userId,
    username: userId,
    organisationId,
    organisationKind: kind,
    roles,
    permissions: permissionsFor(roles),
    via: 'token',
  };
}

const ua = principal('u-ua', 'UA', 'party', ['liaison']);
const ru = principal('u-ru', 'RU', 'party', ['liaison']);
const commission = principal('u-jmvc', 'JMVC', 'commission', ['analyst']);
const press = principal('u-press', 'PUBLIC', 'public');
const record = (marking: Marking, extra: Partial<Visibility> = {}): Visibility => ({
  marking,
  ownerOrganisationId: 'UA',
  authorUserId: 'u-ua',
  addresseeOrganisationIds: [],
  addresseeUserIds: [],
  ...extra,
});

describe('TLP visibility', () => {
  it('CLEAR is public, even to anonymous readers', () => {
    expect(canSee(ANONYMOUS, record('CLEAR'))).toBe(true);
  });
  it('GREEN is for signed-in community members, not the public organisation nor anonymous', () => {
    expect(canSee(ru, record('GREEN'))).toBe(true);
    expect(canSee(press, record('GREEN'))).toBe(false);
    expect(canSee(ANONYMOUS, record('GREEN'))).toBe(false);
  });
  it('AMBER reaches the owner, addressees and the commission, but not another party', () => {
    expect(canSee(ua, record('AMBER'))).toBe(true);
    expect(canSee(commission, record('AMBER'))).toBe(true);
    expect(canSee(ru, record('AMBER'))).toBe(false);
    expect(canSee(ru, record('AMBER', { addresseeOrganisationIds: ['RU'] }))).toBe(true);
  });
  it('AMBER+STRICT excludes the commission unless it is addressed', () => {
    expect(canSee(commission, record('AMBER+STRICT'))).toBe(false);
    expect(canSee(commission, record('AMBER+STRICT', { addresseeOrganisationIds: ['JMVC'] }))).toBe(true);
  });
  it('RED reaches only the author and named users, not their colleagues', () => {
    const colleague = principal('u-ua-2', 'UA', 'party', ['liaison']);
    expect(canSee(ua, record('RED'))).toBe(true);
    expect(canSee(colleague, record('RED'))).toBe(false);
    expect(canSee(colleague, record('RED', { addresseeUserIds: ['u-ua-2'] }))).toBe(true);
  });
});

describe('marking changes', () => {
  it('may raise a marking', () => {
    expect(() => checkMarkingChange('GREEN', 'RED')).not.toThrow();
  });
  it('refuses to lower a marking silently', () => {
    expect(() => checkMarkingChange('AMBER', 'CLEAR')).toThrow(/cannot be lowered to CLEAR/);
    expect(() => checkMarkingChange('AMBER', 'CLEAR', { reason: ' ' })).toThrow(/declassification/);
  });
  it('allows an explicit declassification with a reason', () => {
    expect(() =>
      checkMarkingChange('AMBER', 'CLEAR', { reason: 'published in the daily report' }),
    ).not.toThrow();
  });
});

describeEachDialect('visibleTo (SQL) agrees with canSee', (dialect) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeEach(async () => {
    db = await freshDatabase(dialect);
    await db.db.schema
      .createTable('marked_things')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('marking', 'text')
      .addColumn('owner_organisation_id', 'text')
      .addColumn('author_user_id', 'text')
      .execute();
  });
  afterEach(() => db.drop());

  it('returns exactly the records canSee allows, for every marking and principal', async () => {
    await db.db
      .insertInto('organisations')
      .values(['UA', 'RU', 'JMVC', 'PUBLIC'].map((id) => ({ id, name: id, kind: 'party', created_at: 'x' })))
      .execute();
    await db.db
      .insertInto('users')
      .values({
        id: 'u-ru',
        organisation_id: 'RU',
        username: 'ru',
        display_name: 'ru',
        roles: '[]',
        password_hash: null,
        disabled: 0,
        created_at: 'x',
      })
      .execute();
    const records: (Visibility & { id: string })[] = [];
    for (const marking of MARKINGS) {
      records.push({ id: `${marking}-plain`, ...record(marking) });
      records.push({
        id: `${marking}-to-ru`,
        ...record(marking, { addresseeOrganisationIds: ['RU'], addresseeUserIds: ['u-ru'] }),
      });
    }
    for (const r of records) {
      await sql`insert into marked_things values (${r.id}, ${r.marking}, ${r.ownerOrganisationId}, ${r.authorUserId})`.execute(
        db.db,
      );
      for (const org of r.addresseeOrganisationIds) {
        await db.db
          .insertInto('record_addressees')
          .values({ record_kind: 'thing', record_id: r.id, organisation_id: org, user_id: null })
          .execute();
      }
      for (const user of r.addresseeUserIds) {
        await db.db
          .insertInto('record_addressees')
          .values({ record_kind: 'thing', record_id: r.id, organisation_id: null, user_id: user })
          .execute();
      }
    }
    for (const p of [ua, ru, commission, press, ANONYMOUS]) {
      const rows = await sql<{
        id: string;
      }>`select id from marked_things where ${visibleTo(p, 'marked_things', 'thing')} order by id`.execute(
        db.db,
      );
      const expected = records
        .filter((r) => canSee(p, r))
        .map((r) => r.id)
        .sort();
      expect(rows.rows.map((r) => r.id).sort(), `principal ${p.userId ?? 'anonymous'}`).toEqual(expected);
    }
  });
});
