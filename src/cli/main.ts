#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { LowRankError } from '../core/errors.js';
import { selectBackend } from '../backend/native/index.js';
import { registerDemo } from './demo.js';
import { registerEval } from './eval.js';
import { registerFactor } from './factor.js';
import { registerImage } from './image.js';
import { registerInfo } from './info.js';
import { intOption } from './options.js';
import { registerPlayground } from './playground.js';
import { registerPredict } from './predict.js';
import { registerReconstruct } from './reconstruct.js';
import { registerSpectrum } from './spectrum.js';
import { registerWeights } from './weights.js';
import { packageVersion } from './version.js';

/**
 * Runs the lowrank command line. Exit codes: 0 success; 2 usage or input errors (one line on
 * stderr naming the problem); 1 runtime failures (divergence, memory guard, unexpected errors).
 */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const program = new Command();
  program
    .name('lowrank')
    .description('low-rank matrix approximation and compression')
    .version(packageVersion())
    .option('--verbose', 'print stack traces on errors')
    .option('--backend <tier>', 'kernel tier: auto (native OpenBLAS if it loads, else js), js or native (default: LOWRANK_BACKEND, else auto)')
    .option('--threads <n>', 'BLAS threads of the native tier (default: LOWRANK_THREADS, else one per core)', intOption('--threads', 1))
    .hook('preAction', () => {
      const { backend, threads } = program.opts<{ backend?: string; threads?: number }>();
      selectBackend({ backend, threads, source: '--backend' });
    })
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerDemo(program);
  registerFactor(program);
  registerImage(program);
  registerEval(program);
  registerReconstruct(program);
  registerPredict(program);
  registerPlayground(program);
  registerSpectrum(program);
  registerWeights(program);
  registerInfo(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    cmd.option('--verbose', 'print stack traces on errors');
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, verbose);
  }
}

function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version exit 0; commander already printed its one-line message for the rest.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof LowRankError) {
    process.stderr.write(`lowrank: error: ${err.message}\n`);
    if (verbose && err.stack) process.stderr.write(err.stack + '\n');
    return err.isInputError ? 2 : 1;
  }
  const e = err as Error;
  process.stderr.write(`lowrank: unexpected error: ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) process.stderr.write(e.stack + '\n');
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lowrank: unexpected error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
