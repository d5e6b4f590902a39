import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect, freshDatabase } from '../../test/support/databases.js';
import { generateCosignerKey } from './cosignature.js';
import {
  detachLocalWitnesses,
  ensureLocalWitness,
  listLocalWitnesses,
  startLocalWitnesses,
} from './local-witnesses.js';
import { generateSignerKey } from './note.js';
import { WitnessRegistry } from './witness-registry.service.js';
import { readTrustedLogs } from './witness.state.js';

describeEachDialect('local witnesses', (dialect) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let root: string;
  beforeEach(async () => {
    db = await freshDatabase(dialect);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-local-witnesses-'));
  });
  afterEach(async () => {
    await db.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps a witness key once made, each witness in a directory of its own', async () => {
    const first = await ensureLocalWitness(root, 'witness.ua.example/truceline');
    const again = await ensureLocalWitness(root, 'witness.ua.example/truceline');
    expect(again).toEqual(first);
    expect(first.dir).toBe(path.join(root, 'witness.ua.example_truceline'));
    expect(fs.statSync(path.join(first.dir, 'witness.key')).mode & 0o777).toBe(0o600);
    await ensureLocalWitness(root, 'witness.ru.example');
    expect((await listLocalWitnesses(root)).map((w) => w.name)).toEqual([
      'witness.ru.example',
      'witness.ua.example/truceline',
    ]);
  });

  it('runs only the witnesses the log names with their key, registers their URL, and detaches them', async () => {
    const registry = new WitnessRegistry(db.db);
    const ua = await ensureLocalWitness(root, 'witness.ua.example');
    const ru = await ensureLocalWitness(root, 'witness.ru.example');
    await registry.upsert(db.db, { name: ua.name, vkey: ua.vkey, url: null });
    // The log knows RU's witness by another key (say, the example's): it must not be asked.
    await registry.upsert(db.db, {
      name: ru.name,
      vkey: generateCosignerKey(ru.name).verifierKey,
      url: null,
    });
    const logKey = generateSignerKey('log.example/test').verifierKey;
    const started = await startLocalWitnesses(root, { logVerifierKey: logKey, registry });
    try {
      expect(started.listening.map((w) => w.name)).toEqual([ua.name]);
      expect(started.skipped).toEqual([{ name: ru.name, reason: 'the log names it with another key' }]);
      const url = started.listening[0]!.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await registry.list()).map((w) => [w.name, w.url])).toEqual([
        [ru.name, null],
        [ua.name, url],
      ]);
      expect(await readTrustedLogs(ua.dir)).toEqual([{ origin: 'log.example/test', vkeys: [logKey] }]);
      expect((await (await fetch(url)).text()).trim()).toBe(ua.vkey);
    } finally {
      await started.close();
    }
    expect(await detachLocalWitnesses(root, registry)).toBe(1);
    expect((await registry.list()).every((w) => w.url === null)).toBe(true);
  });
});
