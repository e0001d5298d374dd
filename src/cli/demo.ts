import { join } from 'node:path';
import type { Command } from 'commander';
import { checkMatrixSize } from '../core/size-guard.js';
import { checkOutputDir, readMatrixFile, writeOutputDir } from '../io/files.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { matmul } from '../linalg/matmul.js';
import { DEFAULT_EPOCHS, DEFAULT_OPTIMIZER, gradientFactorize, type OptimizerName } from '../methods/gradient.js';
import { SEED_MATRIX_DEFAULTS, seedMatrix } from '../methods/seed-data.js';
import { svdFactorize } from '../methods/svd.js';
import { checkPositive, checkRank } from '../methods/validate.js';
import { evaluateApproximation } from '../metrics/evaluate.js';
import { pyShape, printJson } from './format.js';
import { DEFAULTS_HELP, choiceOption, intOption, numberOption } from './options.js';
import { evaluationLines } from './report.js';
import { evaluationTable, figureOutputFiles, FIGURE_FILE_NAMES } from './report-files.js';

interface DemoFlags {
  n: number;
  m: number;
  hiddenRank: number;
  rank: number;
  lr?: number;
  epochs: number;
  optimizer: OptimizerName;
  noise: number;
  seed: number;
  out: string;
  png: boolean;
  report?: boolean;
  json?: boolean;
}

/** Every file `demo` may write into its output directory. */
export const DEMO_OUTPUT_NAMES: readonly string[] = ['original.npy', 'U_matrix.npy', 'V_matrix.npy', ...FIGURE_FILE_NAMES];

/** Registers `lowrank demo`: the seed article's experiment, end to end, plus the optimum. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("run the seed article's experiment: learn U·V with Adam, save and reload the factors, report errors and the optimum")
    .option('--n <rows>', 'rows of the synthetic matrix', intOption('--n', 1), SEED_MATRIX_DEFAULTS.n)
    .option('--m <cols>', 'columns of the synthetic matrix', intOption('--m', 1), SEED_MATRIX_DEFAULTS.m)
    .option('--hidden-rank <h>', 'rank of the hidden structure', intOption('--hidden-rank', 1), SEED_MATRIX_DEFAULTS.hiddenRank)
    .option('--rank <k>', 'rank of the approximation', intOption('--rank'), 10)
    .option('--lr <x>', `learning rate (${DEFAULTS_HELP.lr})`, numberOption('--lr'))
    .option('--epochs <n>', 'training epochs', intOption('--epochs', 1), DEFAULT_EPOCHS)
    .option('--optimizer <name>', 'adam, sgd or scaled', choiceOption('--optimizer', ['adam', 'sgd', 'scaled'] as const), DEFAULT_OPTIMIZER)
    .option('--noise <sigma>', 'standard deviation of the added noise', numberOption('--noise'), SEED_MATRIX_DEFAULTS.noise)
    .option('--seed <s>', 'random seed of the data and the initialisation', intOption('--seed', 0), 0)
    .option('--out <dir>', 'output directory', './lowrank-demo')
    .option('--no-png', 'skip the PNG figures (comparison.png, residual.png, loss.png, spectrum.png)')
    .option('--report', 'also write report.html: the figures, metrics and parameters in one self-contained page')
    .option('--json', 'print one JSON object instead of the report')
    .action(async (flags: DemoFlags) => {
      await runDemo(flags);
    });
}

async function runDemo(f: DemoFlags): Promise<void> {
  const say = (line: string): void => {
    if (!f.json) process.stdout.write(line + '\n');
  };
  const { n, m, rank } = f;
  // Sizes first: nothing is allocated from --n/--m before they are known to fit.
  checkMatrixSize(n, m, 'float64', 'the --n × --m demo matrix');
  checkRank(rank, n, m);
  if (f.lr !== undefined) checkPositive('--lr', f.lr);
  await checkOutputDir(f.out, { names: DEMO_OUTPUT_NAMES });
  const original = seedMatrix(n, m, f.hiddenRank, f.noise, f.seed);
  say(`Original matrix shape: ${pyShape(original)}`);

  const learned = gradientFactorize(original, {
    rank,
    optimizer: f.optimizer,
    epochs: f.epochs,
    lr: f.lr,
    seed: f.seed,
    logEvery: 100,
    onProgress: (p) => {
      if (p.epoch % 100 === 0) say(`Epoch ${p.epoch}: Loss = ${p.loss.toFixed(4)}`);
    },
  });
  say(`U_matrix shape: ${pyShape(learned.U)}`);
  say(`V_matrix shape: ${pyShape(learned.V)}`);
  // The factors are evaluated as decoded from the exact bytes saved; everything (arrays, figures,
  // report) is written as one set at the end, then reloaded from disk as the seed does.
  const saved = [
    { name: 'original.npy', bytes: writeNpy(original) },
    { name: 'U_matrix.npy', bytes: writeNpy(learned.U) },
    { name: 'V_matrix.npy', bytes: writeNpy(learned.V) },
  ];
  const U = readNpy(saved[1].bytes, 'U_matrix.npy');
  const V = readNpy(saved[2].bytes, 'V_matrix.npy');
  const approximation = matmul(U, V);
  const exact = svdFactorize(original, { rank });
  const learnedEval = evaluateApproximation(original, approximation, rank, U.dtype, exact.spectrum);
  const exactEval = evaluateApproximation(original, matmul(exact.U, exact.V), rank, 'float64', exact.spectrum);
  const figures = await figureOutputFiles({
    png: f.png,
    report: f.report ?? false,
    original,
    U,
    V,
    rank,
    lossHistory: learned.lossHistory,
    spectrum: exact.spectrum,
    methodLabel: f.optimizer,
    errors: learnedEval,
    title: 'lowrank demo: the seed article’s experiment',
    subtitle: `A ${n}×${m} matrix of hidden rank ${f.hiddenRank} plus noise ${f.noise}, approximated at rank ${rank} by ${f.optimizer} (${learned.epochsRun} epochs) and by the exact truncated SVD`,
    parameters: { n, m, 'hidden rank': f.hiddenRank, rank, noise: f.noise, ...learned.params, epochs: learned.epochsRun },
    tables: [evaluationTable([[`learned (${f.optimizer})`, learnedEval], ['exact truncated SVD', exactEval]])],
  });
  const paths = await writeOutputDir(f.out, [...saved, ...figures]);

  const loadedU = await readMatrixFile(join(f.out, 'U_matrix.npy'));
  const loadedV = await readMatrixFile(join(f.out, 'V_matrix.npy'));
  say(`Loaded U_matrix shape: ${pyShape(loadedU)}`);
  say(`Loaded V_matrix shape: ${pyShape(loadedV)}`);
  for (const line of evaluationLines(learnedEval)) say(line);
  say(`Training: ${learned.epochsRun} epochs of ${f.optimizer} in ${learned.timings.trainMs.toFixed(1)} ms`);
  say('');
  say(`Exact truncated SVD, rank ${rank} (${exact.timings.totalMs.toFixed(1)} ms):`);
  for (const line of evaluationLines(exactEval)) say(`  ${line}`);
  say('');
  say(`Wrote ${paths.join(', ')}`);
  if (f.json) {
    printJson({
      shape: [n, m],
      rank,
      optimizer: f.optimizer,
      params: learned.params,
      loss: Object.fromEntries(Array.from(learned.lossHistory ?? [], (l, e) => [e, l]).filter(([e]) => (e as number) % 100 === 0)),
      trainMs: learned.timings.trainMs,
      learned: learnedEval,
      svd: exactEval,
      files: paths,
    });
  }
}
