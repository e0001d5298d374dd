import { extname } from 'node:path';
import type { Command } from 'commander';
import { LowRankError, escapeName } from '../core/errors.js';
import { assertFinite } from '../core/matrix.js';
import { checkMatrixSize } from '../core/size-guard.js';
import { formatDelimited } from '../io/csv.js';
import { checkOutputFile, writeFileAtomic } from '../io/files.js';
import { writeNpy } from '../io/npy.js';
import { productOf } from './eval.js';
import { checkFactorShapes } from './factor.js';
import { choiceOption, rejectInapplicableFlags } from './options.js';
import { checkOneStdin, inputName, readDenseInput, STDIO_PATH, writeStdout } from './read-input.js';

/** Format of `reconstruct --out -` without `--format`: CSV, text the next command of a pipe (or a terminal) reads. */
export const DEFAULT_STDOUT_FORMAT = 'csv';

/**
 * Most entries `reconstruct` writes as delimited text: each takes at least two characters (a digit
 * and a separator) of a string that V8 caps at 2²⁹ − 24 characters; larger products go to `.npy`.
 */
export const MAX_TEXT_OUTPUT_ENTRIES = 2 ** 28 - 12;

/** Registers `lowrank reconstruct U V --out FILE`. */
export function registerReconstruct(program: Command): void {
  program
    .command('reconstruct')
    .description('write the product U·V to a file (.npy, .csv or .tsv by extension) or to stdout (--out -)')
    .argument('<u>', 'left factor U (n×k); - reads stdin, FILE.npz:U one array of an .npz')
    .argument('<v>', 'right factor V (k×m)')
    .requiredOption('--out <file>', 'output file, or - for stdout')
    .option('--format <fmt>', `format on stdout (--out -): npy, csv or tsv (default ${DEFAULT_STDOUT_FORMAT})`, choiceOption('--format', ['npy', 'csv', 'tsv'] as const))
    .option('--force', 'allow the output to replace one of the input files')
    .action(async (uPath: string, vPath: string, flags: { out: string; force?: boolean; format?: 'npy' | 'csv' | 'tsv' }, cmd: Command) => {
      const toStdout = flags.out === STDIO_PATH;
      // A file's format comes from its extension.
      rejectInapplicableFlags(cmd, [{ flags: ['format'], applies: toStdout, context: '--out - (stdout)' }]);
      checkOneStdin([uPath, vPath]);
      const ext = toStdout ? `.${flags.format ?? DEFAULT_STDOUT_FORMAT}` : extname(flags.out).toLowerCase();
      if (!['.npy', '.csv', '.tsv'].includes(ext)) {
        throw new LowRankError('E_ARG', `--out '${escapeName(flags.out)}' must end in .npy, .csv or .tsv`);
      }
      const writeOptions = { inputs: [uPath, vPath], force: flags.force };
      if (!toStdout) await checkOutputFile(flags.out, writeOptions);
      const [u, v] = await Promise.all([readDenseInput(uPath), readDenseInput(vPath)]);
      [uPath, vPath] = [uPath, vPath].map(inputName);
      assertFinite(u, escapeName(uPath));
      assertFinite(v, escapeName(vPath));
      checkFactorShapes(u, v, escapeName(uPath), escapeName(vPath));
      // The product's size comes from two file headers: check it before allocating anything.
      const dtype = u.dtype === 'float32' && v.dtype === 'float32' ? 'float32' : 'float64';
      checkMatrixSize(u.rows, v.cols, dtype, `the product U·V of '${escapeName(uPath)}' and '${escapeName(vPath)}'`);
      if (ext !== '.npy' && u.rows * v.cols > MAX_TEXT_OUTPUT_ENTRIES) {
        throw new LowRankError('E_ARG', `the product U·V is ${u.rows}×${v.cols}, too large for ${ext} text (at most ${MAX_TEXT_OUTPUT_ENTRIES} entries); write .npy`);
      }
      const product = productOf(u, v, [escapeName(uPath), escapeName(vPath)]);
      // float32 factors give a float32 file: a product that float32 cannot hold was formed in float64.
      if (product.dtype !== dtype) {
        throw new LowRankError('E_UNSUPPORTED', `the product U·V of '${escapeName(uPath)}' and '${escapeName(vPath)}' is beyond float32's range (the factors' dtype): convert the factors to float64`);
      }
      const bytes = ext === '.npy' ? writeNpy(product) : formatDelimited(product, ext === '.tsv' ? '\t' : ',');
      if (toStdout) {
        await writeStdout(bytes);
        return;
      }
      await writeFileAtomic(flags.out, bytes, writeOptions);
      process.stderr.write(`wrote ${escapeName(flags.out)} (${product.rows}×${product.cols} ${product.dtype})\n`);
    });
}
