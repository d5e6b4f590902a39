import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { DatabaseUnavailableError, openDatabase } from './connect.js';
import { migrateToLatest, pendingMigrations } from './migrate.js';

describe('opening the database', () => {
  it('names the cause when PostgreSQL cannot be reached', async () => {
    // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
    await expect(openDatabase('postgres://nobody:secret@127.0.0.1:9/truceline')).rejects.toThrow(
      /cannot reach PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:9\/truceline: ECONNREFUSED/,
    );
  });

  it('refuses an unsupported DATABASE_URL scheme', async () => {
    await expect(openDatabase('mysql://localhost/x')).rejects.toThrow(/unsupported scheme/);
  });

  it('names a data directory it cannot write', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-ro-'));
    const blocker = path.join(tmp, 'a-file');
    fs.writeFileSync(blocker, '');
    // A directory "inside" a regular file cannot be created by anyone, root included.
    const err = await openDatabase(`sqlite:${path.join(blocker, 'data', 'truceline.db')}`).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toMatch(/data directory .*a-file\/data is not writable \(ENOTDIR\)/);
    expect(fs.readdirSync(tmp)).toEqual(['a-file']);
  });

  it('creates the SQLite file in WAL mode, migrates once, and reopens without losing data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-db-'));
    const url = `sqlite:${path.join(dir, 'nested', 'truceline.db')}`;
    const first = await openDatabase(url);
    expect(await migrateToLatest(first.db)).not.toHaveLength(0);
    await first.db
      .insertInto('organisations')
      .values({ id: 'UA', name: 'Ukraine', kind: 'party', created_at: 'now' })
      .execute();
    await first.close();
    const second = await openDatabase(url);
    expect(await migrateToLatest(second.db)).toEqual([]);
    expect(await pendingMigrations(second.db)).toEqual([]);
    expect(await second.db.selectFrom('organisations').select('id').execute()).toEqual([{ id: 'UA' }]);
    await second.close();
    expect(fs.existsSync(path.join(dir, 'nested', 'truceline.db-wal'))).toBe(false);
  });
});

describe('configuration', () => {
  it('defaults to SQLite under ./data on port 8080', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe(`sqlite:${path.resolve('data/truceline.db')}`);
  });
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT=eighty: must be a whole number/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT=70000: must be between 0 and 65535/);
    expect(() => loadConfig({ TRUCELINE_LOG_LEVEL: 'loud' })).toThrow(
      /^TRUCELINE_LOG_LEVEL=loud: must be one of fatal, error, warn, info, debug, trace$/,
    );
  });
  it('logs warnings and errors only unless asked; TRUCELINE_LOG_LEVEL before LOG_LEVEL', () => {
    expect(loadConfig({}).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({ LOG_LEVEL: 'debug', TRUCELINE_LOG_LEVEL: 'info' }).logLevel).toBe('info');
  });
  it('follows TRUCELINE_DATA_DIR', () => {
    expect(loadConfig({ TRUCELINE_DATA_DIR: '/srv/tl' }).databaseUrl).toBe('sqlite:/srv/tl/truceline.db');
  });
});
