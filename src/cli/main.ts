#!/usr/bin/env node
import { Command } from 'commander';
import { selectBackend } from '../backend/native/index.js';
import { registerDemo } from './demo.js';
import { registerEval } from './eval.js';
import { commanderErrorLine, reportError, setMemoryBudgetFromEnvironment } from './failure.js';
import { registerFactor } from './factor.js';
import { registerImage } from './image.js';
import { registerInfo } from './info.js';
import { registerLora } from './lora.js';
import { AUTO_TIER_ORDER, BACKEND_CHOICES } from '../backend/select.js';
import { intOption } from './options.js';
import { registerPlayground } from './playground.js';
import { registerPredict } from './predict.js';
import { registerRecommend } from './recommend.js';
import { registerReconstruct } from './reconstruct.js';
import { registerSpectrum } from './spectrum.js';
import { registerWeights } from './weights.js';
import { registerWorker } from './worker.js';
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
    .option('--backend <tier>', `kernel tier: ${BACKEND_CHOICES.join(', ')} (auto: the first of ${AUTO_TIER_ORDER.join(', ')} that loads; default: LOWRANK_BACKEND, else auto)`)
    .option('--threads <n>', 'threads of the native or wasm tier\'s large kernels (default: LOWRANK_THREADS, else one per core)', intOption('--threads', 1))
    .hook('preAction', () => {
      const { backend, threads } = program.opts<{ backend?: string; threads?: number }>();
      selectBackend({ backend, threads, source: '--backend' });
    })
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(commanderErrorLine(s)) });
  registerDemo(program);
  registerFactor(program);
  registerImage(program);
  registerEval(program);
  registerReconstruct(program);
  registerPredict(program);
  registerRecommend(program);
  registerPlayground(program);
  registerSpectrum(program);
  registerWeights(program);
  registerLora(program);
  registerInfo(program);
  registerWorker(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    cmd.option('--verbose', 'print stack traces on errors');
  }
  try {
    setMemoryBudgetFromEnvironment();
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, verbose);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err, process.argv.includes('--verbose'));
  },
);
