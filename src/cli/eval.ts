import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { assertFinite, findNonFinite, type Matrix } from '../core/matrix.js';
import { checkOneStdin, INDEX_COL_HELP, inputName, readDenseInput } from './read-input.js';
import { matmul } from '../linalg/matmul.js';
import { evaluateApproximation } from '../metrics/evaluate.js';
import { checkFactorShapes } from './factor.js';
import { pyShape, printJson } from './format.js';
import { checkEvaluationInRange, evaluationLines } from './report.js';

/**
 * U·V in the factors' common dtype (float64 when they differ, or when the float32 product has
 * entries beyond float32's range), checked: an entry beyond float64's range is refused.
 * @param names the factors' names, for the message.
 * @throws {@link LowRankError} `E_UNSUPPORTED` when U·V has an entry beyond float64's range.
 */
export function productOf(u: Matrix, v: Matrix, names: readonly [string, string]): Matrix {
  let p = u.dtype === v.dtype ? matmul(u, v) : matmul(u.astype('float64'), v.astype('float64'));
  let bad = findNonFinite(p);
  if (bad && p.dtype === 'float32') {
    p = matmul(u.astype('float64'), v.astype('float64'));
    bad = findNonFinite(p);
  }
  if (bad) {
    throw new LowRankError('E_UNSUPPORTED', `the product U·V of '${names[0]}' and '${names[1]}' is beyond float64's range at row ${bad[0]}, column ${bad[1]}: scale the factors down`);
  }
  return p;
}

/** Registers `lowrank eval ORIGINAL U V`. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('compare an original matrix with the product of saved factors U·V')
    .argument('<original>', 'original matrix file (- reads stdin)')
    .argument('<u>', 'left factor U (n×k); FILE.npz:U reads one array of an .npz')
    .argument('<v>', 'right factor V (k×m)')
    .option('--json', 'print one JSON object')
    .option('--index-col', INDEX_COL_HELP)
    .action(async (originalPath: string, uPath: string, vPath: string, flags: { json?: boolean; indexCol?: boolean }) => {
      checkOneStdin([originalPath, uPath, vPath]);
      const read = (path: string): Promise<Matrix> => readDenseInput(path, { indexCol: flags.indexCol, quiet: flags.json });
      const [a, u, v] = await Promise.all([read(originalPath), read(uPath), read(vPath)]);
      [originalPath, uPath, vPath] = [originalPath, uPath, vPath].map(inputName);
      assertFinite(a, originalPath);
      assertFinite(u, uPath);
      assertFinite(v, vPath);
      checkFactorShapes(u, v, uPath, vPath, a.rows, a.cols);
      const e = evaluateApproximation(a, productOf(u, v, [uPath, vPath]), u.cols, u.dtype);
      checkEvaluationInRange(e, originalPath);
      if (flags.json) {
        printJson({ original: originalPath, shape: [a.rows, a.cols], u: uPath, v: vPath, ...e });
        return;
      }
      process.stdout.write([`Original: ${originalPath} ${pyShape(a)}, U ${pyShape(u)}, V ${pyShape(v)}`, ...evaluationLines(e)].join('\n') + '\n');
    });
}
