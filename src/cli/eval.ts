import type { Command } from 'commander';
import { assertFinite, type Matrix } from '../core/matrix.js';
import { readMatrixFile } from '../io/files.js';
import { matmul } from '../linalg/matmul.js';
import { evaluateApproximation } from '../metrics/evaluate.js';
import { checkFactorShapes } from './factor.js';
import { pyShape, printJson } from './format.js';
import { evaluationLines } from './report.js';

/** U·V in the factors' common dtype (float64 when they differ). */
export function productOf(u: Matrix, v: Matrix): Matrix {
  return u.dtype === v.dtype ? matmul(u, v) : matmul(u.astype('float64'), v.astype('float64'));
}

/** Registers `lowrank eval ORIGINAL U V`. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('compare an original matrix with the product of saved factors U·V')
    .argument('<original>', 'original matrix file')
    .argument('<u>', 'left factor U (n×k)')
    .argument('<v>', 'right factor V (k×m)')
    .option('--json', 'print one JSON object')
    .action(async (originalPath: string, uPath: string, vPath: string, flags: { json?: boolean }) => {
      const [a, u, v] = await Promise.all([readMatrixFile(originalPath), readMatrixFile(uPath), readMatrixFile(vPath)]);
      assertFinite(a, originalPath);
      assertFinite(u, uPath);
      assertFinite(v, vPath);
      checkFactorShapes(u, v, uPath, vPath, a.rows, a.cols);
      const e = evaluateApproximation(a, productOf(u, v), u.cols, u.dtype);
      if (flags.json) {
        printJson({ original: originalPath, shape: [a.rows, a.cols], u: uPath, v: vPath, ...e });
        return;
      }
      process.stdout.write([`Original: ${originalPath} ${pyShape(a)}, U ${pyShape(u)}, V ${pyShape(v)}`, ...evaluationLines(e)].join('\n') + '\n');
    });
}
