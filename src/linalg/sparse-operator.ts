/**
 * Linear operators for the randomized SVD that never densify their matrix: a CSR sparse matrix
 * (O(nnz·l) per product with an l-column panel), its transpose, and any operator with its column
 * means removed implicitly (PCA on sparse data, as scikit-learn's `TruncatedSVD` cannot and its
 * `PCA(svd_solver='arpack')` on sparse input does through a `LinearOperator`).
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { CsrMatrix } from '../core/sparse.js';
import { ScaledSumOfSquares } from './norms.js';
import type { MatrixOperator } from './randomized-range.js';

/**
 * A (n×m, CSR) as a float64 {@link MatrixOperator}: `apply(X) = A·X`, `applyT(Y) = Aᵀ·Y`, each one
 * pass over the nnz stored entries (absent entries are zeros) and O(n·l + m·l) memory.
 *
 * @throws {@link LowRankError} `E_SHAPE` (from `apply`/`applyT`) when an operand has the wrong
 *   number of rows or is not float64.
 * @example
 * ```ts
 * const op = csrOperator(a);                 // a: 100000×20000 with 1e6 entries
 * const y = op.apply(gaussianSketch(20000, 30, new Rng(0))); // 100000×30
 * ```
 */
export function csrOperator(a: CsrMatrix): MatrixOperator {
  const { rows, cols, indptr, indices, values } = a;
  // One pass over the stored entries: A·X scatters row i of the result from rows j of X;
  // Aᵀ·Y scatters rows j from row i of Y (the same loop with the roles of i and j swapped).
  const product = (x: Matrix, transpose: boolean): Matrix => {
    const inner = transpose ? rows : cols;
    if (x.rows !== inner || x.dtype !== 'float64') {
      throw new LowRankError('E_SHAPE', `sparse operator: operand is ${x.rows}×${x.cols} ${x.dtype}, expected ${inner} rows of float64`);
    }
    const l = x.cols;
    const out = Matrix.zeros(transpose ? cols : rows, l, 'float64');
    const o = out.data;
    const xd = x.data;
    for (let i = 0; i < rows; i++) {
      for (let p = indptr[i]; p < indptr[i + 1]; p++) {
        const v = values[p];
        const dst = (transpose ? indices[p] : i) * l;
        const src = (transpose ? i : indices[p]) * l;
        for (let t = 0; t < l; t++) o[dst + t] += v * xd[src + t];
      }
    }
    return out;
  };
  return { rows, cols, dtype: 'float64', apply: (x) => product(x, false), applyT: (y) => product(y, true) };
}

/**
 * op(A)ᵀ as an operator (`apply` and `applyT` swapped); nothing is copied.
 *
 * @example
 * ```ts
 * const tall = op.rows < op.cols ? transposeOperator(op) : op;
 * ```
 */
export function transposeOperator(op: MatrixOperator): MatrixOperator {
  return { rows: op.cols, cols: op.rows, dtype: op.dtype, apply: (x) => op.applyT(x), applyT: (y) => op.apply(y) };
}

/**
 * The column means μ (length m) of a sparse n×m matrix whose absent entries are zeros:
 * μⱼ = (Σ stored entries of column j) / n, in float64.
 *
 * @example
 * ```ts
 * const mu = sparseColumnMeans(a); // mu.length === a.cols
 * ```
 */
export function sparseColumnMeans(a: CsrMatrix): Float64Array {
  const mu = new Float64Array(a.cols);
  for (let p = 0; p < a.nnz; p++) mu[a.indices[p]] += a.values[p];
  if (a.rows > 0) for (let j = 0; j < a.cols; j++) mu[j] /= a.rows;
  return mu;
}

/**
 * A − 1·μᵀ (each column j shifted by −μⱼ) as an operator, never formed: `apply(X) = A·X − 1·(μᵀX)`
 * and `applyT(Y) = AᵀY − μ·(1ᵀY)`, O(n·l + m·l) on top of A's own products. With μ the column
 * means this is PCA's centering (scikit-learn's `PCA`, done implicitly so sparse A stays sparse).
 *
 * @param op A, n×m (float64).
 * @param mu the shift of each column, length m.
 * @throws {@link LowRankError} `E_SHAPE` when `mu` does not have one entry per column, or the
 *   operator is not float64.
 * @example
 * ```ts
 * const centered = centeredOperator(csrOperator(a), sparseColumnMeans(a));
 * ```
 */
export function centeredOperator(op: MatrixOperator, mu: Float64Array): MatrixOperator {
  if (mu.length !== op.cols) throw new LowRankError('E_SHAPE', `centering: ${mu.length} means for ${op.cols} columns`);
  if (op.dtype !== 'float64') throw new LowRankError('E_SHAPE', `centering: needs a float64 operator, got ${op.dtype}`);
  const n = op.rows;
  const m = op.cols;
  return {
    rows: n,
    cols: m,
    dtype: 'float64',
    apply(x: Matrix): Matrix {
      const out = op.apply(x);
      const l = x.cols;
      // s = μᵀX (1×l), subtracted from every row.
      const s = new Float64Array(l);
      for (let j = 0; j < m; j++) {
        const mj = mu[j];
        if (mj !== 0) for (let t = 0; t < l; t++) s[t] += mj * x.data[j * l + t];
      }
      const o = out.data;
      for (let i = 0; i < n; i++) for (let t = 0; t < l; t++) o[i * l + t] -= s[t];
      return out;
    },
    applyT(y: Matrix): Matrix {
      const out = op.applyT(y);
      const l = y.cols;
      // c = 1ᵀY (1×l); subtract μⱼ·c from row j.
      const c = new Float64Array(l);
      for (let i = 0; i < n; i++) for (let t = 0; t < l; t++) c[t] += y.data[i * l + t];
      const o = out.data;
      for (let j = 0; j < m; j++) {
        const mj = mu[j];
        if (mj !== 0) for (let t = 0; t < l; t++) o[j * l + t] -= mj * c[t];
      }
      return out;
    },
  };
}

/**
 * ‖A − 1·μᵀ‖²_F of a sparse n×m matrix (absent entries are zeros) without forming it, summed per
 * column as Σ_stored (aᵢⱼ − μⱼ)² + (n − stored in column j)·μⱼ² — no cancellation, unlike
 * ‖A‖²_F − n‖μ‖²_2. With μ the column means it is (n − 1) times the total variance PCA divides by.
 *
 * @throws {@link LowRankError} `E_SHAPE` when `mu` does not have one entry per column.
 * @example
 * ```ts
 * const total = centeredSquaredNorm(a, sparseColumnMeans(a));
 * ```
 */
export function centeredSquaredNorm(a: CsrMatrix, mu: Float64Array): number {
  return centeredSums(a, mu).total;
}

/**
 * ‖A − 1·μᵀ‖_F as {@link centeredSquaredNorm} sums it, finite wherever the norm itself is: the
 * plain sums are redone with {@link ScaledSumOfSquares}' power-of-two scaling only when they
 * overflowed (entries above ≈ 1e154) or may have underflowed (below ≈ 1e−154).
 *
 * @throws {@link LowRankError} `E_SHAPE` when `mu` does not have one entry per column.
 * @example
 * ```ts
 * const normA = centeredNorm(a, sparseColumnMeans(a)); // √centeredSquaredNorm(a, μ), without overflow
 * ```
 */
export function centeredNorm(a: CsrMatrix, mu: Float64Array): number {
  const { stored, storedSum, meanSum } = centeredSums(a, mu);
  const acc = new ScaledSumOfSquares();
  acc.addBlock(storedSum, a.nnz, (p) => a.values[p] - mu[a.indices[p]]);
  // (n − stored)·μⱼ² as the square of √(n − stored)·μⱼ.
  acc.addBlock(meanSum, a.cols, (j) => Math.sqrt(a.rows - stored[j]) * mu[j]);
  return acc.sqrt();
}

/** The two plain float64 sums of {@link centeredSquaredNorm} (stored entries, absent ones) and the stored count per column. */
function centeredSums(a: CsrMatrix, mu: Float64Array): { total: number; storedSum: number; meanSum: number; stored: Float64Array } {
  if (mu.length !== a.cols) throw new LowRankError('E_SHAPE', `centering: ${mu.length} means for ${a.cols} columns`);
  const stored = new Float64Array(a.cols);
  let s = 0;
  for (let p = 0; p < a.nnz; p++) {
    const j = a.indices[p];
    const d = a.values[p] - mu[j];
    s += d * d;
    stored[j]++;
  }
  // total continues the stored sum (as it always has); meanSum is the absent entries' part alone.
  let total = s;
  let t = 0;
  for (let j = 0; j < a.cols; j++) {
    const x = (a.rows - stored[j]) * mu[j] * mu[j];
    total += x;
    t += x;
  }
  return { total, storedSum: s, meanSum: t, stored };
}
