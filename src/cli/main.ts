#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram, describeFailure } from './program.js';

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    process.stderr.write(`truceline: ${describeFailure(err)}\n`);
    process.exit(1);
  }
}

void main();
