/**
 * The CLI's command table: each command's name and a loader that imports its module, so that a
 * run imports only the command it runs (see {@link commandsFor}).
 */
import type { Command } from 'commander';
import { commandIndex, versionOnly } from './argv.js';

/** A command module's registration function: defines the command, its options and its action on `program`. */
export type Register = (program: Command) => void;

/**
 * Every command, in help order, with a loader that imports its module. A module (and what it
 * imports: sharp, the figures, bullmq, the weights pipeline) is imported only when its command
 * runs, so `lowrank --version` and `lowrank factor` don't pay for the others; all of them are
 * imported only for the command list (`lowrank`, `--help`, `help`) and unknown-command errors.
 */
export const COMMAND_MODULES: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['demo', async () => (await import('./demo.js')).registerDemo],
  ['factor', async () => (await import('./factor.js')).registerFactor],
  ['image', async () => (await import('./image.js')).registerImage],
  ['eval', async () => (await import('./eval.js')).registerEval],
  ['reconstruct', async () => (await import('./reconstruct.js')).registerReconstruct],
  ['predict', async () => (await import('./predict.js')).registerPredict],
  ['recommend', async () => (await import('./recommend.js')).registerRecommend],
  ['playground', async () => (await import('./playground.js')).registerPlayground],
  ['spectrum', async () => (await import('./spectrum.js')).registerSpectrum],
  ['weights', async () => (await import('./weights.js')).registerWeights],
  ['lora', async () => (await import('./lora.js')).registerLora],
  ['info', async () => (await import('./info.js')).registerInfo],
  ['worker', async () => (await import('./worker.js')).registerWorker],
];

/**
 * The commands whose modules `argv` needs: the named command alone when the first non-option
 * argument names one, none for a bare `--version`/`-V`, else all (help, unknown command).
 */
export function commandsFor(argv: readonly string[]): ReadonlyArray<readonly [string, () => Promise<Register>]> {
  const at = commandIndex(argv);
  if (at >= 0) {
    const named = COMMAND_MODULES.filter(([name]) => name === argv[at]);
    return named.length ? named : COMMAND_MODULES;
  }
  return versionOnly(argv) ? [] : COMMAND_MODULES;
}
