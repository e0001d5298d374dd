import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { Matrix, assertFinite, type DType } from '../core/matrix.js';
import { ensureWritableDir, readMatrixFile, writeFilesAtomic } from '../io/files.js';
import { writeNpy } from '../io/npy.js';
import { matmul } from '../linalg/matmul.js';
import type { Factorization } from '../methods/factorization.js';
import { gradientFactorize, type OptimizerName } from '../methods/gradient.js';
import { svdFactorize } from '../methods/svd.js';
import { checkPositive, checkRank } from '../methods/validate.js';
import { evaluateApproximation } from '../metrics/evaluate.js';
import { pyShape, printJson } from './format.js';
import { choiceOption, intOption, numberOption } from './options.js';
import { evaluationLines } from './report.js';

interface FactorFlags {
  rank: number;
  method: 'svd' | 'gradient';
  optimizer: OptimizerName;
  epochs: number;
  lr?: number;
  tol?: number;
  momentum: number;
  dtype?: DType;
  seed: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Registers `lowrank factor INPUT --rank K`. */
export function registerFactor(program: Command): void {
  program
    .command('factor')
    .description('factor a matrix file (.npy, .csv, .tsv, .txt) as U (n×k) · V (k×m); writes U.npy, V.npy (and S.npy for svd)')
    .argument('<input>', 'matrix file')
    .requiredOption('--rank <k>', 'target rank k, 1 ≤ k ≤ min(n, m)', intOption('--rank'))
    .option('--method <name>', 'svd (exact optimum) or gradient (the seed\'s network)', choiceOption('--method', ['svd', 'gradient'] as const), 'svd')
    .option('--optimizer <name>', 'gradient method: adam, sgd or scaled', choiceOption('--optimizer', ['adam', 'sgd', 'scaled'] as const), 'adam')
    .option('--epochs <n>', 'gradient method: epochs', intOption('--epochs', 1), 500)
    .option('--lr <x>', 'gradient method: learning rate (default 0.01 adam, 0.5 sgd/scaled)', numberOption('--lr'))
    .option('--momentum <mu>', 'gradient method with sgd: momentum in [0, 1)', numberOption('--momentum'), 0.9)
    .option('--tol <t>', 'gradient method: stop when the loss changes by at most t (relative) in one epoch', numberOption('--tol'))
    .option('--dtype <dtype>', 'dtype of the factors: float32 or float64 (default: input\'s for svd, float32 for gradient)', choiceOption('--dtype', ['float32', 'float64'] as const))
    .option('--seed <s>', 'random seed', intOption('--seed', 0), 0)
    .option('--out <dir>', 'output directory (default: <input name>.lowrank)')
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress on stderr')
    .action(async (input: string, flags: FactorFlags) => {
      await runFactor(input, flags);
    });
}

async function runFactor(input: string, f: FactorFlags): Promise<void> {
  const a = await readMatrixFile(input);
  assertFinite(a, input);
  checkRank(f.rank, a.rows, a.cols);
  if (f.lr !== undefined) checkPositive('--lr', f.lr);
  if (f.tol !== undefined) checkPositive('--tol', f.tol, true);
  const out = f.out ?? join('.', `${basename(input, extname(input))}.lowrank`);
  await ensureWritableDir(out);
  let result: Factorization;
  if (f.method === 'svd') {
    result = svdFactorize(a, { rank: f.rank, dtype: f.dtype });
  } else {
    const progress = !f.json && !f.quiet;
    result = gradientFactorize(a, {
      rank: f.rank,
      optimizer: f.optimizer,
      epochs: f.epochs,
      lr: f.lr,
      tol: f.tol,
      momentum: f.momentum,
      dtype: f.dtype,
      seed: f.seed,
      onProgress: progress ? (p) => process.stderr.write(`epoch ${p.epoch}/${p.total}: loss ${p.loss.toExponential(4)}\n`) : undefined,
    });
  }
  const files = [
    { path: join(out, 'U.npy'), bytes: writeNpy(result.U) },
    { path: join(out, 'V.npy'), bytes: writeNpy(result.V) },
  ];
  if (result.S) files.push({ path: join(out, 'S.npy'), bytes: writeNpy(new Matrix(1, result.S.length, result.S), { oneD: true }) });
  await writeFilesAtomic(files);
  const evaluation = evaluateApproximation(a, matmul(result.U, result.V), f.rank, result.U.dtype, result.spectrum);
  if (f.json) {
    printJson({
      input,
      shape: [a.rows, a.cols],
      method: result.method,
      params: result.params,
      epochsRun: result.epochsRun,
      finalLoss: result.lossHistory ? result.lossHistory[result.lossHistory.length - 1] : undefined,
      timings: result.timings,
      singularValues: result.S,
      ...evaluation,
      files: files.map((x) => x.path),
    });
    return;
  }
  const lines = [
    `Input: ${input} ${pyShape(a)} ${a.dtype}`,
    `Method: ${result.method}${result.method === 'gradient' ? ` (${String(result.params.optimizer)}, ${result.epochsRun} epochs, lr ${String(result.params.lr)})` : ''}, rank ${result.rank}, ${result.timings.totalMs.toFixed(1)} ms`,
    `U shape: ${pyShape(result.U)}, V shape: ${pyShape(result.V)} (${result.U.dtype})`,
    ...evaluationLines(evaluation),
    `Wrote ${files.map((x) => x.path).join(', ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Rejects a factor pair whose shapes do not fit an n×m original. */
export function checkFactorShapes(u: Matrix, v: Matrix, uName: string, vName: string, n?: number, m?: number): void {
  if (u.cols !== v.rows) {
    throw new LowRankError('E_SHAPE', `${uName} is ${u.rows}×${u.cols} but ${vName} is ${v.rows}×${v.cols}: inner dimensions differ`);
  }
  if (n !== undefined && m !== undefined && (u.rows !== n || v.cols !== m)) {
    throw new LowRankError('E_SHAPE', `${uName}·${vName} is ${u.rows}×${v.cols} but the original is ${n}×${m}`);
  }
}
