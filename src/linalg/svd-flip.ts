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
  for (let j = 0; j < r; j++) {
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < n; i++) {
      const x = Math.abs(u[i * r + j]);
      if (x > bestAbs) {
        bestAbs = x;
        best = i;
      }
    }
    if (n === 0 || !(u[best * r + j] < 0)) continue;
    for (let i = 0; i < n; i++) u[i * r + j] = -u[i * r + j];
    const row = j * m;
    for (let c = 0; c < m; c++) v[row + c] = -v[row + c];
  }
}
