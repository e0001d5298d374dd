import { LowRankError } from '../core/errors.js';
import { Matrix, assertFinite } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { scaleBy2 } from './norms.js';

/** Eigen-decomposition `A = V·diag(values)·Vᵀ` of a symmetric n×n matrix. */
export interface SymmetricEigen {
  /** The n eigenvalues, ascending (as numpy.linalg.eigh and LAPACK return them). */
  values: Float64Array;
  /** n×n float64, column i the unit eigenvector of `values[i]`; orthonormal columns. */
  vectors: Matrix;
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** Kernel tier: its LAPACK `dsyevd` when it has one (native), else cyclic Jacobi here (default: the current backend). */
  backend?: Backend;
  /** Cap on Jacobi sweeps of the TypeScript path (default 50; typically 6–10 are needed). */
  maxSweeps?: number;
}

const EPS = 2 ** -52;

/**
 * All eigenvalues and eigenvectors of a symmetric n×n matrix, in float64, eigenvalues
 * ascending. Only the upper triangle of A is read (the lower one is assumed to mirror it, as in
 * LAPACK). Eigenvectors are sign-normalized: the largest-magnitude entry of each is positive.
 *
 * Algorithm: LAPACK's divide-and-conquer `dsyevd` when the backend has LAPACK (the native tier);
 * otherwise the cyclic Jacobi method with threshold (Golub & Van Loan, *Matrix Computations*
 * 4th ed., Alg. 8.5.3; Rutishauser's rotation formulas), meant for the small matrices (Gram
 * matrices of a few hundred columns) that low-rank methods produce: O(sweeps·n³).
 *
 * @param a n×n symmetric matrix, float32 or float64, finite.
 * @throws {@link LowRankError} `E_SHAPE` when A is not square; `E_NONFINITE` for NaN/Inf;
 *   `E_DIVERGED` when the iteration does not converge; `E_ARG` for a bad `maxSweeps`.
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(Matrix.fromRows([[2, 1], [1, 2]]));
 * // values = [1, 3]; vectors[:, 1] = [1, 1]/√2
 * ```
 */
export function symmetricEigen(a: Matrix, options: SymmetricEigenOptions = {}): SymmetricEigen {
  if (a.rows !== a.cols) {
    throw new LowRankError('E_SHAPE', `symmetricEigen: matrix must be square, got ${a.rows}×${a.cols}`);
  }
  assertFinite(a, 'symmetricEigen: matrix');
  const maxSweeps = options.maxSweeps ?? 50;
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    throw new LowRankError('E_ARG', `symmetricEigen: maxSweeps must be a positive integer, got ${maxSweeps}`);
  }
  const n = a.rows;
  const backend = options.backend ?? getBackend();
  // Row-major working copy; on return, row i = eigenvector i.
  const w = a.astype('float64').data as Float64Array;
  const values = new Float64Array(n);
  eigenRowsInPlace(w, n, values, backend, maxSweeps);
  return { values, vectors: eigenvectorColumns(w, n) };
}

/**
 * The eigen-decomposition of the symmetric n×n matrix held (upper triangle, row-major) in `w`, in
 * place and without {@link symmetricEigen}'s checks and copies: on return `values` holds the
 * eigenvalues ascending and row i of `w` a unit eigenvector of values[i] (signs as the solver
 * leaves them). LAPACK `dsyevd` when the backend has it, else cyclic Jacobi. For callers that
 * have checked the matrix and need a few eigenvectors, e.g. the Rayleigh–Ritz step of the
 * randomized SVD.
 *
 * @throws {@link LowRankError} `E_DIVERGED` when the iteration does not converge.
 * @example
 * ```ts
 * const w = Float64Array.of(2, 1, 1, 2), values = new Float64Array(2);
 * eigenRowsInPlace(w, 2, values, getBackend()); // values [1, 3]; w's row 1 = ±[1, 1]/√2
 * ```
 */
export function eigenRowsInPlace(w: Float64Array, n: number, values: Float64Array, backend: Backend, maxSweeps = 50): void {
  if (n === 0) return;
  if (backend.syevd) backend.syevd({ n, a: w, w: values });
  else jacobiEigen(w, n, values, maxSweeps);
}

/**
 * The eigenvectors held as rows (row i of `w`, n×n, as {@link eigenRowsInPlace} leaves them) as
 * the n×n matrix of {@link SymmetricEigen}: column i = row i of w, sign-normalized (its
 * largest-magnitude entry positive).
 *
 * @example
 * ```ts
 * eigenvectorColumns(Float64Array.of(0, -1, 1, 0), 2).data; // [0, 1, 1, 0]
 * ```
 */
export function eigenvectorColumns(w: Float64Array, n: number): Matrix {
  const vectors = Matrix.zeros(n, n);
  const v = vectors.data;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let best = 0;
    for (let j = 1; j < n; j++) if (Math.abs(w[row + j]) > Math.abs(w[row + best])) best = j;
    const sign = w[row + best] < 0 ? -1 : 1;
    for (let j = 0; j < n; j++) v[j * n + i] = sign * w[row + j];
  }
  return vectors;
}

/**
 * Cyclic Jacobi on the symmetric matrix held (upper triangle) in `w` (n×n row-major). On return
 * `values` holds the eigenvalues ascending and row i of `w` the eigenvector of values[i].
 */
function jacobiEigen(w: Float64Array, n: number, values: Float64Array, maxSweeps: number): void {
  // Work on 2^−shift·A with its largest |entry| in [1, 2) (exact): the sums of squares below would
  // overflow (entries above ≈ 1e154, "converging" at once to the diagonal) or underflow (below ≈ 1e−154).
  let big = 0;
  for (let i = 0; i < n * n; i++) big = Math.max(big, Math.abs(w[i]));
  const shift = big > 0 ? Math.floor(Math.log2(big)) : 0;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = scaleBy2(w[i * n + j], -shift);
      s[i * n + j] = x;
      s[j * n + i] = x;
    }
  }
  // vt: rows are the accumulated eigenvectors (Vᵀ), starting from I.
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  let converged = n < 2;
  for (let sweep = 0; sweep < maxSweeps && !converged; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += s[p * n + p] * s[p * n + p];
      for (let q = p + 1; q < n; q++) off += s[p * n + q] * s[p * n + q];
    }
    if (off <= EPS * EPS * diag || off === 0) {
      converged = true;
      break;
    }
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        const app = s[p * n + p];
        const aqq = s[q * n + q];
        // Skip negligible entries (relative to both diagonals).
        if (Math.abs(apq) <= EPS * Math.sqrt(Math.abs(app * aqq)) || apq === 0) {
          s[p * n + q] = 0;
          s[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = t * c;
        // S ← Jᵀ S J on rows/columns p, q.
        for (let k = 0; k < n; k++) {
          const skp = s[k * n + p];
          const skq = s[k * n + q];
          s[k * n + p] = c * skp - sn * skq;
          s[k * n + q] = sn * skp + c * skq;
        }
        for (let k = 0; k < n; k++) {
          const spk = s[p * n + k];
          const sqk = s[q * n + k];
          s[p * n + k] = c * spk - sn * sqk;
          s[q * n + k] = sn * spk + c * sqk;
        }
        s[p * n + q] = 0;
        s[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vp = vt[p * n + k];
          const vq = vt[q * n + k];
          vt[p * n + k] = c * vp - sn * vq;
          vt[q * n + k] = sn * vp + c * vq;
        }
      }
    }
  }
  if (!converged) {
    throw new LowRankError('E_DIVERGED', `symmetricEigen: Jacobi did not converge in ${maxSweeps} sweeps (n = ${n})`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[x * n + x] - s[y * n + y] || x - y);
  for (let i = 0; i < n; i++) {
    const src = order[i];
    values[i] = scaleBy2(s[src * n + src], shift);
    w.set(vt.subarray(src * n, src * n + n), i * n);
  }
}
