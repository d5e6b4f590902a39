import type { Command } from 'commander';
import { generatePassword } from '../../access/password.js';
import { isOrganisationKind, isPermission, isRole, type Permission, type Role } from '../../access/policy.js';
import type { AppServices } from '../../server/context.js';
import { CliError, CONSOLE_ACTOR, openRuntime } from '../runtime.js';

async function withServices<T>(work: (s: AppServices) => Promise<T>): Promise<T> {
  const services = await openRuntime();
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

async function userIdOf(s: AppServices, username: string): Promise<string> {
  const user = await s.users.findByUsername(username);
  if (!user) throw new CliError(`no user named "${username}"`);
  return user.id;
}

function parseList<T extends string>(raw: string, check: (v: string) => v is T, what: string): T[] {
  const items = raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = items.filter((v) => !check(v));
  if (bad.length > 0) throw new CliError(`unknown ${what}: ${bad.join(', ')}`);
  return items as T[];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** `org …`, `user …` and `token …`. */
export function registerAccessCommands(program: Command): void {
  const org = program.command('org').description('organisations');
  org
    .command('list')
    .description('list organisations')
    .action(() =>
      withServices(async (s) => {
        const orgs = await s.organisations.list();
        process.stdout.write(table([['ID', 'KIND', 'NAME'], ...orgs.map((o) => [o.id, o.kind, o.name])]));
      }),
    );
  org
    .command('create')
    .description('create an organisation')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--kind <kind>', 'commission | party | guarantor | humanitarian | public')
    .option('--id <id>', 'short stable id, e.g. UA')
    .action((opts: { name: string; kind: string; id?: string }) =>
      withServices(async (s) => {
        if (!isOrganisationKind(opts.kind))
          throw new CliError(
            `--kind ${opts.kind}: must be commission, party, guarantor, humanitarian or public`,
          );
        const created = await s.organisations.create(CONSOLE_ACTOR, {
          name: opts.name,
          kind: opts.kind,
          ...(opts.id ? { id: opts.id } : {}),
        });
        process.stdout.write(`Created organisation ${created.id} (${created.kind}).\n`);
      }),
    );

  const user = program.command('user').description('users and passwords');
  user
    .command('list')
    .description('list users')
    .action(() =>
      withServices(async (s) => {
        const users = await s.users.list();
        process.stdout.write(
          table([
            ['USERNAME', 'ORGANISATION', 'ROLES', 'STATUS'],
            ...users.map((u) => [
              u.username,
              u.organisationId,
              u.roles.join(','),
              u.disabled ? 'disabled' : 'active',
            ]),
          ]),
        );
      }),
    );
  user
    .command('create')
    .description('create a user; prints a generated password once unless --password-stdin')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--username <name>', 'login name')
    .requiredOption(
      '--roles <list>',
      'comma-separated: admin, monitor, analyst, commissioner, liaison, guarantor, humanitarian, observer',
    )
    .option('--name <display>', 'display name')
    .action((opts: { org: string; username: string; roles: string; name?: string }) =>
      withServices(async (s) => {
        const roles: Role[] = parseList(opts.roles, isRole, 'role');
        const password = generatePassword();
        await s.users.create(CONSOLE_ACTOR, {
          organisationId: opts.org,
          username: opts.username,
          roles,
          password,
          ...(opts.name ? { displayName: opts.name } : {}),
        });
        process.stdout.write(`Created ${opts.username}. Password (shown once): ${password}\n`);
      }),
    );
  user
    .command('set-password <username>')
    .description('set a new generated password (printed once) and end the user’s sessions')
    .action((username: string) =>
      withServices(async (s) => {
        const password = generatePassword();
        await s.users.update(CONSOLE_ACTOR, await userIdOf(s, username), { password });
        process.stdout.write(`New password for ${username} (shown once): ${password}\n`);
      }),
    );
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <username>`)
      .description(`${name} a user${disabled ? ' (ends their sessions; tokens stop working)' : ''}`)
      .action((username: string) =>
        withServices(async (s) => {
          await s.users.update(CONSOLE_ACTOR, await userIdOf(s, username), { disabled });
          process.stdout.write(`${username} ${disabled ? 'disabled' : 'enabled'}.\n`);
        }),
      );
  }

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('issue an API token for a user; the secret is printed once')
    .requiredOption('--user <username>', 'whose token')
    .requiredOption('--name <name>', 'what it is for')
    .option('--scopes <list>', 'comma-separated permissions (default: all the user’s)')
    .option('--days <n>', 'days until it expires (1–366)', '90')
    .action((opts: { user: string; name: string; scopes?: string; days: string }) =>
      withServices(async (s) => {
        if (!/^\d+$/.test(opts.days)) throw new CliError(`--days ${opts.days}: must be a whole number`);
        const scopes: Permission[] | undefined =
          opts.scopes !== undefined ? parseList(opts.scopes, isPermission, 'permission') : undefined;
        const result = await s.tokens.create(CONSOLE_ACTOR, {
          userId: await userIdOf(s, opts.user),
          name: opts.name,
          expiresInDays: Number(opts.days),
          ...(scopes ? { scopes } : {}),
        });
        process.stdout.write(
          `Token ${result.token.id} expires ${result.token.expiresAt}.\nSecret (shown once): ${result.secret}\n`,
        );
      }),
    );
  token
    .command('list')
    .description('list tokens (all, or one user’s)')
    .option('--user <username>', 'only this user’s')
    .action((opts: { user?: string }) =>
      withServices(async (s) => {
        const tokens = await s.tokens.list(
          CONSOLE_ACTOR,
          opts.user ? await userIdOf(s, opts.user) : undefined,
        );
        process.stdout.write(
          table([
            ['ID', 'USER', 'NAME', 'EXPIRES', 'REVOKED'],
            ...tokens.map((t) => [t.id, t.userId, t.name, t.expiresAt, t.revokedAt ?? '-']),
          ]),
        );
      }),
    );
  token
    .command('revoke <id>')
    .description('revoke a token at once')
    .action((id: string) =>
      withServices(async (s) => {
        await s.tokens.revoke(CONSOLE_ACTOR, id);
        process.stdout.write(`Token ${id} revoked.\n`);
      }),
    );
}
