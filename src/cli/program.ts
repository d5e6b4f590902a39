import { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { storageFaultOf } from '../db/faults.js';
import { ImportFileError } from '../monitoring/import/importer.js';
import { registerAccessCommands } from './commands/access.commands.js';
import { registerBackupCommands } from './commands/backup.commands.js';
import { registerKeysCommands } from './commands/keys.commands.js';
import { registerLogCommands } from './commands/log.commands.js';
import { registerServerCommands } from './commands/server.commands.js';
import { registerWitnessCommands } from './commands/witness.commands.js';
import { registerAgreementCommands } from './commands/agreement.commands.js';
import { registerMonitoringCommands } from './commands/monitoring.commands.js';
import { registerVerificationCommands } from './commands/verification.commands.js';
import { registerHotlineCommands } from './commands/hotline.commands.js';
import { registerNoticeCommands } from './commands/notice.commands.js';
import { registerResponseCommands } from './commands/response.commands.js';
import { registerCommitmentCommands } from './commands/commitments.commands.js';
import { registerReportCommands } from './commands/report.commands.js';

/** Builds the `truceline` command; exported so tests can run it in-process. */
export function buildProgram(): Command {
  const program = new Command('truceline')
    .description('Truceline: the security framework of a peace agreement, with a tamper-evident log')
    .version('0.1.0');
  registerServerCommands(program);
  registerAccessCommands(program);
  registerLogCommands(program);
  registerKeysCommands(program);
  registerWitnessCommands(program);
  registerAgreementCommands(program);
  registerMonitoringCommands(program);
  registerVerificationCommands(program);
  registerHotlineCommands(program);
  registerNoticeCommands(program);
  registerResponseCommands(program);
  registerCommitmentCommands(program);
  registerReportCommands(program);
  registerBackupCommands(program);
  withUsageManners(program);
  return program;
}

/** `truceline import`, `truceline log witness add`: the command as a user types it. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Usage errors (unknown command or option, missing argument or value) as one line with a hint
 * naming the help of the command that refused, e.g.
 * "error: unknown option '--frob' — run `truceline import --help`"; they exit with 2 (see main.ts),
 * domain errors with 1. Applied to every command: commander copies these settings only to commands
 * created after they are set.
 */
function withUsageManners(command: Command): void {
  const help = `run \`${commandPath(command)} --help\``;
  command.exitOverride().configureOutput({
    outputError: (text, write) => write(`${usageLine(text)} — ${help}\n`),
  });
  for (const sub of command.commands) withUsageManners(sub);
}

/** Commander's message on one line ("…\n(Did you mean x?)" becomes "… (Did you mean x?)"). */
export function usageLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

/** One line on stderr, naming the cause; field problems (of an AppError or a file) follow, one per line. */
export function describeFailure(err: unknown): string {
  const problems = err instanceof AppError ? err.errors : err instanceof ImportFileError ? err.problems : [];
  if (problems.length > 0 || err instanceof AppError) {
    return [
      (err as Error).message,
      ...problems.map((e) => `  ${e.file ? `${e.file}:${e.line ?? 0}: ` : ''}${e.path}: ${e.reason}`),
    ].join('\n');
  }
  const fault = storageFaultOf(err);
  if (fault) return `${fault.message} (${err instanceof Error ? err.message : String(err)})`;
  return err instanceof Error ? err.message : String(err);
}
