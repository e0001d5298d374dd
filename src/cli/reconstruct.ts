import { extname } from 'node:path';
import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { assertFinite } from '../core/matrix.js';
import { formatDelimited } from '../io/csv.js';
import { readMatrixFile, writeFileAtomic } from '../io/files.js';
import { writeNpy } from '../io/npy.js';
import { productOf } from './eval.js';
import { checkFactorShapes } from './factor.js';

/** Registers `lowrank reconstruct U V --out FILE`. */
export function registerReconstruct(program: Command): void {
  program
    .command('reconstruct')
    .description('write the product U·V to a file (.npy, .csv or .tsv by extension)')
    .argument('<u>', 'left factor U (n×k)')
    .argument('<v>', 'right factor V (k×m)')
    .requiredOption('--out <file>', 'output file')
    .action(async (uPath: string, vPath: string, flags: { out: string }) => {
      const ext = extname(flags.out).toLowerCase();
      if (!['.npy', '.csv', '.tsv'].includes(ext)) {
        throw new LowRankError('E_ARG', `--out '${flags.out}' must end in .npy, .csv or .tsv`);
      }
      const [u, v] = await Promise.all([readMatrixFile(uPath), readMatrixFile(vPath)]);
      assertFinite(u, uPath);
      assertFinite(v, vPath);
      checkFactorShapes(u, v, uPath, vPath);
      const product = productOf(u, v);
      const bytes = ext === '.npy' ? writeNpy(product) : formatDelimited(product, ext === '.tsv' ? '\t' : ',');
      await writeFileAtomic(flags.out, bytes);
      process.stderr.write(`wrote ${flags.out} (${product.rows}×${product.cols} ${product.dtype})\n`);
    });
}
