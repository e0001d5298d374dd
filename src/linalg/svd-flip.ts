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
  // One pass over U in row order (a column-by-column scan strides r entries per step): each
  // column's first entry of largest |·| (strictly greater replaces, so ties keep the first; NaN
  // never replaces), then the flagged columns negated in a second row-order pass.
  const best = new Float64Array(r).fill(-1);
  const at = new Int32Array(r);
  for (let i = 0; i < n; i++) {
    const row = i * r;
    for (let j = 0; j < r; j++) {
      const x = Math.abs(u[row + j]);
      if (x > best[j]) {
        best[j] = x;
        at[j] = i;
      }
    }
  }
  const flip = new Uint8Array(r);
  let any = false;
  for (let j = 0; j < r; j++) {
    if (u[at[j] * r + j] < 0) {
      flip[j] = 1;
      any = true;
    }
  }
  if (!any) return;
  for (let i = 0; i < n; i++) {
    const row = i * r;
    for (let j = 0; j < r; j++) if (flip[j]) u[row + j] = -u[row + j];
  }
  for (let j = 0; j < r; j++) {
    if (!flip[j]) continue;
    const row = j * m;
    for (let c = 0; c < m; c++) v[row + c] = -v[row + c];
  }
}
