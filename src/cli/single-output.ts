/**
 * `factor --out FILE.npz` and `factor --out -`: the factors as one `.npz` file (numpy's
 * `np.load(f)['U']`), written atomically or to stdout, instead of a directory of `.npy` files.
 *
 * @module
 */
import { extname } from 'node:path';

import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkOutputFile, writeFileAtomic } from '../io/files.js';
import type { NpzArrayInput } from '../io/npz.js';
import { STDIO_PATH, writeStdout } from './read-input.js';

/** True when `--out` names one file (`.npz`) or stdout (`-`) rather than a directory. */
export function isSingleFileOutput(out: string): boolean {
  return out === STDIO_PATH || extname(out).toLowerCase() === '.npz';
}

/** The factors as named arrays: U (n×k), V (k×m), S (k,) when known, mean (m,) with `--center`. */
export function factorArrays(U: Matrix, V: Matrix, S?: Float64Array, mean?: Float64Array): Record<string, NpzArrayInput> {
  const arrays: Record<string, NpzArrayInput> = { U, V };
  if (S) arrays.S = { shape: [S.length], data: S };
  if (mean) arrays.mean = { shape: [mean.length], data: mean };
  return arrays;
}

/**
 * Checks a single-file `--out` before any work: figures need a directory; a file must be writable
 * and not one of the inputs (unless `force`).
 *
 * @throws {@link LowRankError} `E_ARG` when `--png`/`--report` are asked with a single-file output;
 *   the errors of `checkOutputFile`.
 */
export async function checkSingleFileOutput(out: string, options: { inputs: string[]; force?: boolean; figures: boolean }): Promise<void> {
  if (options.figures) {
    throw new LowRankError('E_ARG', `--png and --report write several files: give --out a directory, not '${out}'`);
  }
  if (out !== STDIO_PATH) await checkOutputFile(out, { inputs: options.inputs, force: options.force });
}

/**
 * Writes the arrays as one stored `.npz` to `out` (atomically) or to stdout (`-`).
 *
 * @returns the path to report (`<stdout>` for `-`).
 */
export async function writeSingleFileOutput(out: string, arrays: Record<string, NpzArrayInput>, options: { inputs: string[]; force?: boolean }): Promise<string> {
  const bytes = (await import('../io/npz.js')).writeNpz(arrays); // fflate: loaded by the runs that write one
  if (out === STDIO_PATH) {
    await writeStdout(bytes);
    return '<stdout>';
  }
  await writeFileAtomic(out, bytes, { inputs: options.inputs, force: options.force });
  return out;
}
