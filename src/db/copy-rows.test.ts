import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect, freshDatabase } from '../../test/support/databases.js';
import { copyField, copyRows, COPY_MIN_ROWS } from './copy-rows.js';

/** Text that COPY's text format must escape, and text that merely looks like its markers. */
const AWKWARD = ['tab\there', 'line\nbreak', 'cr\r\nlf', 'back\\slash', '\\N', 'quote "\' ;', 'Київ ✓', ''];

describeEachDialect('copyRows', (dialect) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';

  beforeEach(async () => {
    database = await freshDatabase(dialect);
    await sql
      .raw(`create table copy_probe (id integer primary key, t text, b ${blob}, n double precision, j text)`)
      .execute(database.db);
  });
  afterEach(async () => {
    await database.drop();
  });

  const rowsOf = (count: number, from = 0) =>
    Array.from({ length: count }, (_, k) => {
      const i = from + k;
      return [
        i,
        i % 3 === 0 ? null : `${AWKWARD[i % AWKWARD.length]}#${i}`,
        i % 5 === 0 ? null : Buffer.from([i & 255, 0, 92, 9, 10]),
        i % 7 === 0 ? null : i / 3 - 1e-7,
        JSON.stringify({ i, s: AWKWARD[i % AWKWARD.length] }),
      ];
    });

  async function stored() {
    const { rows } = await sql<{
      id: number;
      t: string | null;
      b: Buffer | null;
      n: number | null;
      j: string;
    }>`
      select id, t, b, n, j from copy_probe order by id`.execute(database.db);
    return rows.map((r) => [Number(r.id), r.t, r.b === null ? null : Buffer.from(r.b), r.n, r.j]);
  }

  it('stores every value as a multi-row INSERT would, COPY on PostgreSQL in a transaction', async () => {
    const rows = rowsOf(COPY_MIN_ROWS * 3);
    const way = await database.db
      .transaction()
      .execute((tx) => copyRows(tx, 'copy_probe', ['id', 't', 'b', 'n', 'j'], rows));
    expect(way).toBe(dialect === 'postgres' ? 'copy' : 'insert');
    expect(await stored()).toEqual(rows);
  });

  it('few rows, or outside a transaction, are inserted', async () => {
    const columns = ['id', 't', 'b', 'n', 'j'];
    expect(
      await database.db
        .transaction()
        .execute((tx) => copyRows(tx, 'copy_probe', columns, rowsOf(COPY_MIN_ROWS - 1))),
    ).toBe('insert');
    expect(await copyRows(database.db, 'copy_probe', columns, rowsOf(COPY_MIN_ROWS, 1000))).toBe('insert');
    expect(await stored()).toEqual([...rowsOf(COPY_MIN_ROWS - 1), ...rowsOf(COPY_MIN_ROWS, 1000)]);
  });

  it('rows copied in a transaction that rolls back, or fails, are gone', async () => {
    const columns = ['id', 't', 'b', 'n', 'j'];
    await expect(
      database.db.transaction().execute(async (tx) => {
        await copyRows(tx, 'copy_probe', columns, rowsOf(COPY_MIN_ROWS * 2));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // A duplicate key in the middle of the stream: the statement fails and nothing stays.
    const clash = [...rowsOf(COPY_MIN_ROWS), ...rowsOf(1, 7)];
    await expect(
      database.db.transaction().execute((tx) => copyRows(tx, 'copy_probe', columns, clash)),
    ).rejects.toThrow(/duplicate|UNIQUE/i);
    expect(await stored()).toEqual([]);
    // The pool's connections still work afterwards.
    await copyRows(database.db, 'copy_probe', columns, rowsOf(3));
    expect((await stored()).length).toBe(3);
  });
});

it('copyField writes the text format: \\N for null, escaped controls, bytea hex, JSON for objects', () => {
  expect(copyField(null)).toBe('\\N');
  expect(copyField(undefined)).toBe('\\N');
  expect(copyField('\\N')).toBe('\\\\N');
  expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
  expect(copyField(Buffer.from([0, 255]))).toBe('\\\\x00ff');
  expect(copyField(12.5)).toBe('12.5');
  expect(copyField(10n)).toBe('10');
  expect(copyField(true)).toBe('t');
  expect(copyField({ a: '\n' })).toBe('{"a":"\\\\n"}');
});
