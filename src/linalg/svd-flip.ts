import { LowRankError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

/**
 * Makes singular vectors deterministic in sign, in place: scikit-learn's `svd_flip` with
 * `u_based_decision=True`. For each column j of U, if the entry of largest absolute value
 * (the first one on ties, as numpy's `argmax`) is negative, U[:, j] and Vt[j, :] are negated.
 * The product U·diag(S)·Vt is unchanged. A zero column is left as is.
 *
 * @param U n×r left singular vectors (any dtype), modified in place.
 * @param Vt r×m right singular vectors as rows (any dtype), modified in place.
 * @throws {@link LowRankError} `E_SHAPE` when U has a different number of columns than Vt has rows.
 * @example
 * ```ts
 * const { U, S, Vt } = someSvd(a);
 * svdFlip(U, Vt); // now max-|·| entry of every U column is positive
 * ```
 */
export function svdFlip(U: Matrix, Vt: Matrix): void {
  const r = U.cols;
  if (Vt.rows !== r) {
    throw new LowRankError('E_SHAPE', `svdFlip: U is ${U.rows}×${r} but Vt is ${Vt.rows}×${Vt.cols} (U's columns must equal Vt's rows)`);
  }
  const n = U.rows;
  const m = Vt.cols;
  const u = U.data;
  const v = Vt.data;
  if (n === 0 || r === 0) return;
  // Short loops in small functions: svdFlip runs once per process in the CLI, and V8 optimizes a
  // small loop soon where a large function would run interpreted for most of a 2000×50 U.
  const best = new Float64Array(r).fill(-1);
  const at = new Int32Array(r);
  for (let j = 0; j < r; j++) at[j] = j;
  firstLargestAbsByColumn(u, n, r, best, at);
  const flip = new Int32Array(r);
  let flips = 0;
  for (let j = 0; j < r; j++) {
    if (!(u[at[j]] < 0)) continue;
    flip[flips++] = j;
    negateStrided(v, j * m, 1, (j + 1) * m);
  }
  // U's flagged columns block by block of rows, so that a tall U is read from cache once per block
  // rather than from memory once per column.
  const end = n * r;
  const step = FLIP_BLOCK_ROWS * r;
  for (let b = 0; b < end && flips > 0; b += step) {
    const e = Math.min(end, b + step);
    for (let f = 0; f < flips; f++) negateStrided(u, b + flip[f], r, e);
  }
}

/** Rows of U per block when its flagged columns are negated (512 rows of 50 float64 columns: 200 KB, an L2's worth). */
const FLIP_BLOCK_ROWS = 512;

/**
 * One pass over row-major n×r `u` in row order (a column-by-column scan would stride r entries per
 * step): for each column j, the position in `u` of its first entry of largest |·| into `at[j]`
 * (strictly greater replaces, so ties keep the first; NaN never replaces), its |·| into `best[j]`.
 * `best` starts at −1 and `at[j]` at j (row 0), so an all-NaN column keeps row 0.
 */
function firstLargestAbsByColumn(u: Float32Array | Float64Array, n: number, r: number, best: Float64Array, at: Int32Array): void {
  for (let i = 0, p = 0; i < n; i++) {
    for (let j = 0; j < r; j++, p++) {
      const x = u[p];
      const b = best[j];
      if (x > b || -x > b) {
        best[j] = x < 0 ? -x : x;
        at[j] = p;
      }
    }
  }
}

/** x[p] ← −x[p] for p = start, start + stride, … below end. */
function negateStrided(x: Float32Array | Float64Array, start: number, stride: number, end: number): void {
  for (let p = start; p < end; p += stride) x[p] = -x[p];
}
