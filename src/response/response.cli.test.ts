import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialise } from '../access/bootstrap.js';
import { CONSOLE_ACTOR, openRuntime } from '../cli/runtime.js';
import { loadConfig } from '../config/config.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { insertCase } from './case.repository.js';

const MAIN = path.resolve('src/cli/main.ts');

function run(dir: string, args: string[]) {
  const { DATABASE_URL: _url, ...env } = process.env;
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...env, TRUCELINE_SCRYPT_N: '1024', TRUCELINE_DATA_DIR: dir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

// A case at rung 2 (the MVC) about RU, addressed to the commission, RU and the beneficiary UA: a user
// of OCHA cannot read it, decide on it, or learn that it exists, from the console either.
describe('truceline cases: isolation on the console', { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cases-'));
  const caseId = crypto.randomUUID();
  beforeAll(async () => {
    const services = await openRuntime({
      ...loadConfig({ TRUCELINE_DATA_DIR: dir }),
      passwordCostN: 1 << 10,
    });
    try {
      await initialise(services, CONSOLE_ACTOR, {
        adminUsername: 'admin',
        demo: true,
        adminPassword: 'x'.repeat(16),
      });
      const { version } = await services.agreements.load(CONSOLE_ACTOR, {
        text: illustrativeAgreementText(),
        fileName: 'illustrative.yaml',
        marking: 'GREEN',
      });
      for (const [org, username, role] of [
        ['OCHA', 'ocha1', 'humanitarian'],
        ['US', 'us1', 'guarantor'],
        ['JMVC', 'analyst1', 'analyst'],
      ] as const)
        await services.users.create(CONSOLE_ACTOR, {
          organisationId: org,
          username,
          roles: [role],
          password: 'x'.repeat(16),
        });
      const at = '2026-11-26T08:00:00.000Z';
      await insertCase(services.database.db, {
        id: caseId,
        ladderId: 'breach-ladder',
        agreementVersionId: version.id,
        party: 'RU',
        rungId: 'rung-2',
        rungIndex: 1,
        status: 'open',
        outcome: null,
        deadline: '2099-01-01T00:00:00.000Z',
        actors: ['MVC'],
        decisionRule: 'majority',
        findingIds: [],
        openedAt: at,
        rungSince: at,
        updatedAt: at,
        steps: [{ at, kind: 'case.opened', rungId: 'rung-2', reason: 'fixture' }],
        evidence: { findings: [], incidents: [], reports: [], evidence: [] },
        marking: 'AMBER',
        ownerOrganisationId: 'JMVC',
        addressees: ['JMVC', 'JMVC-EU', 'RU', 'UA'],
      });
    } finally {
      await services.close();
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the case to the commission and hides it from another organisation', () => {
    const mine = run(dir, ['cases', 'show', caseId, '--as', 'analyst1']);
    expect(mine.stderr).toBe('');
    expect(mine.stdout).toMatch(new RegExp(`^case ${caseId}: breach-ladder at rung-2, open`));
    const list = run(dir, ['cases', 'list', '--as', 'us1', '--json']);
    expect(JSON.parse(list.stdout)).toEqual({ cases: [], total: 0 });
    const show = run(dir, ['cases', 'show', caseId, '--as', 'us1']);
    expect(show.code).toBe(1);
    expect(show.stderr).toMatch(new RegExp(`case ${caseId} not found`));
    const decide = run(dir, ['cases', 'decide', caseId, '--as', 'us1', '--option', 'hold', '--reason', 'x']);
    expect(decide.code).toBe(1);
    expect(decide.stderr).toMatch(new RegExp(`case ${caseId} not found`));
    const ocha = run(dir, ['cases', 'decide', caseId, '--as', 'ocha1', '--option', 'hold', '--reason', 'x']);
    expect(ocha.code).toBe(1);
    expect(ocha.stderr).toMatch(/cases:decide/);
  });
});
