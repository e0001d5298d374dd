/**
 * Activation-aware low-rank approximation of a layer's weight (SVD-LLM: Wang et al., "SVD-LLM:
 * Truncation-aware Singular Value Decomposition for Large Language Model Compression", 2024,
 * §3.1 truncation-aware data whitening; ASVD, Yuan et al. 2023, for the motivation).
 *
 * For a weight W (out×in) acting on inputs as y = W·x, and sample inputs X (samples×in), the
 * error that matters is the layer's output error ‖(W − Ŵ)·Xᵀ‖_F, not ‖W − Ŵ‖_F. With the
 * Cholesky factor G = XᵀX + λI = L·Lᵀ (λ a small ridge so G is definite even for few samples or
 * dead inputs), ‖(W − Ŵ)·L‖²_F = ‖(W − Ŵ)Xᵀ‖²_F + λ‖W − Ŵ‖²_F, so the best rank-k Ŵ is the
 * truncated SVD of W·L mapped back: W·L = U·Σ·Vᵀ, Ŵ = U_k·Σ_k·V_kᵀ·L⁻¹ (Eckart–Young in the
 * whitened norm). The factors are U_k·√Σ_k (out×k) and √Σ_k·V_kᵀ·L⁻¹ (k×in).
 *
 * Orientation: PyTorch's `Linear.weight` is out×in and acts as W·x (the inputs are its
 * **columns**); a Keras/tfjs `Dense` kernel is in×out and acts as xᵀ·W (the inputs are its
 * **rows**): its problem is the transpose of the one above, which `weight-compression.ts`
 * solves by transposing in and out.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { choleskySolveInPlace } from '../linalg/cholesky.js';
import { matmul } from '../linalg/matmul.js';
import { svd, type ThinSvd } from '../linalg/svd.js';

/**
 * The ridge λ added to XᵀX, relative to its mean diagonal (λ = 1e-6·tr(XᵀX)/in): large enough
 * that G is numerically definite with fewer samples than inputs or with dead (all-zero) inputs,
 * small enough that the whitened norm is the output error to about six digits.
 */
export const DEFAULT_ACTIVATION_RIDGE = 1e-6;

/** The whitening of one layer's inputs: G = XᵀX + λI = L·Lᵀ. */
export interface Whitening {
  /** in, the number of input features. */
  dim: number;
  /** L, in×in lower triangular, row-major (float64). */
  L: Matrix;
  /** λ actually added. */
  ridge: number;
}

/**
 * The Cholesky whitening of a layer's sample inputs.
 *
 * @param x samples×in sample inputs (float32 or float64, finite).
 * @param relativeRidge λ relative to the mean diagonal of XᵀX (default {@link DEFAULT_ACTIVATION_RIDGE}).
 * @throws {@link LowRankError} `E_SHAPE` when X has no rows or columns; `E_ARG` for a negative
 *   ridge; `E_NONFINITE` when XᵀX + λI is not positive definite (all-zero or non-finite inputs).
 * @example
 * ```ts
 * const wh = whiteningFromActivations(acts); // acts: 2048×784
 * ```
 */
export function whiteningFromActivations(x: Matrix, relativeRidge = DEFAULT_ACTIVATION_RIDGE): Whitening {
  if (x.rows === 0 || x.cols === 0) throw new LowRankError('E_SHAPE', `calibration inputs are empty (${x.rows}×${x.cols})`);
  if (!(relativeRidge >= 0) || !Number.isFinite(relativeRidge)) throw new LowRankError('E_ARG', `ridge must be a finite number ≥ 0, got ${relativeRidge}`);
  const d = x.cols;
  const g = matmul(x.astype('float64'), x.astype('float64'), { transA: true });
  let trace = 0;
  for (let i = 0; i < d; i++) trace += g.data[i * d + i];
  const ridge = (relativeRidge * trace) / d;
  const a = g.data as Float64Array;
  if (!choleskySolveInPlace(a, d, new Float64Array(d), ridge)) {
    throw new LowRankError('E_NONFINITE', `calibration inputs (${x.rows}×${d}): XᵀX + λI is not positive definite (all-zero or non-finite samples; raise the ridge)`);
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[i * d + j] = 0;
  return { dim: d, L: g, ridge };
}

/**
 * The SVD of the whitened weight W·L (W out×in, inputs along its columns).
 *
 * @throws {@link LowRankError} `E_SHAPE` when W's columns differ from the whitening's dimension.
 */
export function whitenedSvd(w: Matrix, wh: Whitening): ThinSvd {
  if (w.cols !== wh.dim) throw new LowRankError('E_SHAPE', `calibration inputs have ${wh.dim} features but the weight's input side has ${w.cols}`);
  return svd(matmul(w.astype('float64'), wh.L));
}

/**
 * Y = B·L⁻¹ for B k×in (solves Y·L = B row by row: Lᵀ·yᵀ = bᵀ, back substitution).
 */
export function unwhiten(b: Matrix, wh: Whitening): Matrix {
  const d = wh.dim;
  const lt = wh.L.transpose().data; // row j of Lᵀ holds column j of L: contiguous inner loop
  const out = new Float64Array(b.rows * d);
  for (let r = 0; r < b.rows; r++) {
    const y = out.subarray(r * d, (r + 1) * d);
    for (let j = 0; j < d; j++) y[j] = b.data[r * d + j];
    for (let j = d - 1; j >= 0; j--) {
      let t = y[j];
      for (let p = j + 1; p < d; p++) t -= y[p] * lt[j * d + p];
      y[j] = t / lt[j * d + j];
    }
  }
  return new Matrix(b.rows, d, out);
}
