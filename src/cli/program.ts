import { Command } from 'commander';
import { AppError } from '../core/errors.js';
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
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
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
  return program;
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
  return err instanceof Error ? err.message : String(err);
}
