import { clearChange } from '../../test/support/ledger.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/connect.js';
import { startTestApp } from '../../test/support/app.js';
import { describeEachDialect, freshDatabase } from '../../test/support/databases.js';
import { directorySource, httpSource, openAuditState } from './audit-io.js';
import { parseAuditPolicy, PolicyError, type AuditPolicy } from './audit-trust.js';
import { auditLog, AuditFailure, type AuditOptions, type DatabaseEntries } from './audit.js';
import { generateCosignerKey } from './cosignature.js';
import { keyRotationRecord } from './key-rotation.js';
import { readEntries } from './ledger.repository.js';
import { Ledger } from './ledger.service.js';
import { exportLog } from './log-export.js';
import { generateSignerKey, parseSignerKey } from './note.js';

const signer = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
const now = () => new Date('2026-11-26T10:00:00Z');
const trustSigner: AuditPolicy = { logKeys: [signer.verifierKey], witnesses: [], quorum: 0 };

async function append(db: Db, ledger: Ledger, n: number, tag = 'a'): Promise<void> {
  await db.db.transaction().execute(async (tx) => {
    for (let i = 0; i < n; i += 1) await ledger.record(tx, clearChange('test.audited', { tag, i }));
  });
  while ((await ledger.integrateOnce()) > 0);
}

async function exportTo(ledger: Ledger, dir: string): Promise<string> {
  const checkpoint = await ledger.reader.checkpoint();
  if (!checkpoint) throw new Error('no checkpoint');
  await exportLog(
    {
      checkpointNote: checkpoint.note,
      size: checkpoint.size,
      vkey: ledger.reader.verifierKey,
      tile: (l, i, w) => ledger.reader.tile(l, i, w),
      entryBundle: (i, w) => ledger.reader.entryBundle(i, w),
    },
    dir,
  );
  return dir;
}

function rowsOf(db: Db): DatabaseEntries {
  return { location: 'test', read: (from, to) => readEntries(db.db, from, to) };
}

async function failure(dir: string, options: AuditOptions = { policy: trustSigner }): Promise<string> {
  try {
    await auditLog(directorySource(dir), options);
  } catch (err) {
    if (err instanceof AuditFailure) return err.message;
    throw err;
  }
  throw new Error('the audit passed');
}

describeEachDialect('offline audit', (dialect) => {
  let db: Db & { drop(): Promise<void> };
  let ledger: Ledger;
  let tmp: string;
  beforeEach(async () => {
    db = await freshDatabase(dialect);
    ledger = new Ledger(db.db, dialect, signer, now, { batchSize: 128, intervalMs: 10 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-audit-'));
    await append(db, ledger, 300);
  });
  afterEach(async () => {
    await ledger.stop();
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('passes on an intact export, checking every bundle and tile and the database rows', async () => {
    const dir = await exportTo(ledger, path.join(tmp, 'log'));
    const report = await auditLog(directorySource(dir), { policy: trustSigner, database: rowsOf(db) });
    expect(report).toMatchObject({ size: 300, bundles: 2, tiles: 3, databaseRows: 300, warnings: [] });
    expect(report.logKey).toBe(signer.verifierKey);
    const trusting = await auditLog(directorySource(dir));
    expect(trusting.warnings[0]).toMatch(/^no policy given: trusting the key the log itself publishes/);
  });

  it('names a changed entry row, in the database and in an export made from it', async () => {
    const dir = await exportTo(ledger, path.join(tmp, 'log'));
    await db.db
      .updateTable('log_entries')
      .set({ data: Buffer.from('{"forged":true}') })
      .where('idx', '=', 123)
      .execute();
    expect(await failure(dir, { policy: trustSigner, database: rowsOf(db) })).toBe(
      'database: row 123 of log_entries differs from log entry 123 (data changed)',
    );
    const tampered = await exportTo(ledger, path.join(tmp, 'tampered'));
    expect(await failure(tampered)).toBe('entry 123 (tile/entries/000): leaf hash does not match tile/0/000');
  });

  it('names a deleted row', async () => {
    const dir = await exportTo(ledger, path.join(tmp, 'log'));
    await db.db.deleteFrom('log_entries').where('idx', '=', 57).execute();
    expect(await failure(dir, { policy: trustSigner, database: rowsOf(db) })).toBe(
      'database: entry 57 is missing from log_entries (deleted row)',
    );
    await db.db.deleteFrom('log_entries').where('idx', '>=', 298).execute();
    await db.db.deleteFrom('log_entries').where('idx', '<', 57).execute();
    expect(await failure(dir, { policy: trustSigner, database: rowsOf(db) })).toBe(
      'database: entries 0..57 are missing from log_entries (deleted rows)',
    );
  });

  it('names a reordered pair of rows', async () => {
    const dir = await exportTo(ledger, path.join(tmp, 'log'));
    const [a, b] = await readEntries(db.db, 10, 12);
    if (!a || !b) throw new Error('missing rows');
    const swap = (idx: number, row: typeof a) =>
      db.db
        .updateTable('log_entries')
        .set({ data: row.data, leaf_hash: row.leafHash })
        .where('idx', '=', idx)
        .execute();
    await swap(10, b);
    await swap(11, a);
    expect(await failure(dir, { policy: trustSigner, database: rowsOf(db) })).toBe(
      'database: row 10 of log_entries holds log entry 11 (rows reordered)',
    );
  });

  it('rejects a forged checkpoint and one signed by a key it does not trust', async () => {
    const dir = await exportTo(ledger, path.join(tmp, 'log'));
    const file = path.join(dir, 'checkpoint');
    const note = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, note.replace(/ (\S{10})\S{4}(\S+)\n$/, ' $1AAAA$2\n'));
    expect(await failure(dir)).toBe(`checkpoint: signature does not verify with ${signer.verifierKey}`);
    const other = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
    expect(await failure(dir, { policy: { ...trustSigner, logKeys: [other.verifierKey] } })).toBe(
      `checkpoint: not signed by a trusted log key (${other.verifierKey})`,
    );
  });

  it('names a tampered tile or entry bundle in an export', async () => {
    const dir = await exportTo(ledger, path.join(tmp, 'log'));
    const upper = path.join(dir, 'tile/1/000.p/1');
    fs.writeFileSync(upper, Buffer.alloc(32));
    expect(await failure(dir)).toBe(
      'tile/1/000.p/1: hash 0 does not match the tree rebuilt from the entries',
    );
    await exportTo(ledger, dir);
    const bundle = path.join(dir, 'tile/entries/001.p/44');
    fs.writeFileSync(bundle, fs.readFileSync(bundle).subarray(0, 100));
    expect(await failure(dir)).toMatch(/^tile\/entries\/001\.p\/44: /);
    fs.rmSync(path.join(dir, 'tile/0/001.p/44'));
    expect(await failure(dir)).toBe(`tile/0/001.p/44: missing from ${dir}`);
  });

  it('fails on a rollback or a fork against the saved state', async () => {
    const older = await exportTo(ledger, path.join(tmp, 'older'));
    await append(db, ledger, 20);
    const newer = await exportTo(ledger, path.join(tmp, 'newer'));
    const state = await openAuditState(path.join(tmp, 'state.json'));
    const audited = await auditLog(directorySource(newer), { policy: trustSigner });
    await state.save(audited.origin, { size: audited.size, rootHash: audited.rootHash });
    const reopened = await openAuditState(path.join(tmp, 'state.json'));
    const previous = (origin: string) => reopened.get(origin);
    expect(await failure(older, { policy: trustSigner, previous })).toBe(
      'checkpoint size 300 is smaller than the 320 already verified (rollback)',
    );

    // Same key, different history: a fork at the same size, then one that grew past it.
    const forkDb = await freshDatabase('sqlite');
    const fork = new Ledger(forkDb.db, 'sqlite', signer, now, { batchSize: 128, intervalMs: 10 });
    try {
      await append(forkDb, fork, 320, 'forked');
      const sameSize = await exportTo(fork, path.join(tmp, 'fork-320'));
      expect(await failure(sameSize, { policy: trustSigner, previous })).toBe(
        'checkpoint root at size 320 differs from the root already verified at that size (fork)',
      );
      await append(forkDb, fork, 5, 'forked');
      const grown = await exportTo(fork, path.join(tmp, 'fork-325'));
      expect(await failure(grown, { policy: trustSigner, previous })).toMatch(
        /^fork: the first 320 entries hash to \S+, not to the root \S+ verified at size 320$/,
      );
    } finally {
      await forkDb.drop();
    }
  });

  it('requires the quorum of witness cosignatures the policy names', async () => {
    const dir = await exportTo(ledger, path.join(tmp, 'log'));
    const witness = generateCosignerKey('witness.test/ua').verifierKey;
    expect(await failure(dir, { policy: { ...trustSigner, witnesses: [witness], quorum: 1 } })).toBe(
      'checkpoint: cosigned by 0 of the 1 witnesses the policy requires (known: witness.test/ua)',
    );
  });

  it('follows a logged key rotation from a trusted key, and only from one', async () => {
    const next = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
    await ledger.sequencer.integrateKeyRotation(next, keyRotationRecord(signer, next));
    const rotated = new Ledger(db.db, dialect, next, now);
    await rotated.refresh();
    await append(db, rotated, 3);
    const dir = await exportTo(rotated, path.join(tmp, 'log'));
    const report = await auditLog(directorySource(dir), { policy: trustSigner });
    expect(report).toMatchObject({ size: 304, logKey: next.verifierKey, rotations: [next.verifierKey] });

    const stranger = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
    // A rotation record naming the trusted key as the old one, but not signed by it.
    const claimed = { ...keyRotationRecord(stranger, stranger), oldKey: signer.verifierKey };
    await rotated.sequencer.integrateKeyRotation(stranger, claimed);
    const impostor = new Ledger(db.db, dialect, stranger, now);
    await impostor.refresh();
    await append(db, impostor, 1);
    const forged = await exportTo(impostor, path.join(tmp, 'forged'));
    expect(await failure(forged, { policy: { ...trustSigner, logKeys: [signer.verifierKey] } })).toMatch(
      /^checkpoint: not signed by a trusted log key/,
    );
  });
});

describe('audit over HTTP', () => {
  it('audits a running server from its /log/ URL', async () => {
    const t = await startTestApp('sqlite');
    try {
      const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      while ((await t.services.ledger.integrateOnce()) > 0);
      const report = await auditLog(httpSource(`${url}/log`), {
        policy: { logKeys: [t.services.ledger.reader.verifierKey], witnesses: [], quorum: 0 },
      });
      expect(report.size).toBe(t.services.ledger.reader.size);
      expect(report.size).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});

describe('audit policy file', () => {
  const log = signer.verifierKey;
  const witness = generateCosignerKey('witness.test/ua').verifierKey;

  it('reads log, witness (with or without a name) and quorum lines, ignoring comments', () => {
    const text = `# parties\nlog ${log} https://x/log\nwitness ua ${witness}\nwitness ${witness}\nquorum 1\n`;
    expect(parseAuditPolicy(text)).toEqual({ logKeys: [log], witnesses: [witness, witness], quorum: 1 });
    expect(parseAuditPolicy(`log ${log}\nwitness ${witness}\nquorum all`).quorum).toBe(1);
  });

  it('names the file and line of a mistake', () => {
    expect(() => parseAuditPolicy(`log ${log}\nwitness ${log}\n`, 'p.txt')).toThrow(
      new PolicyError('p.txt:2: witness needs a cosignature/v1 verifier key'),
    );
    expect(() => parseAuditPolicy(`log ${witness}`, 'p.txt')).toThrow(/^p\.txt:1: not a log verifier key/);
    expect(() => parseAuditPolicy(`log ${log}\nquorum 2\nwitness ${witness}`, 'p')).toThrow(
      'p: quorum 2 exceeds the 1 witnesses listed',
    );
    expect(() => parseAuditPolicy('quorum 0', 'p')).toThrow('p: no "log <vkey>" line');
    expect(() => parseAuditPolicy(`log ${log}\ntrust me`, 'p')).toThrow(/^p:2: unknown statement "trust"/);
  });
});
