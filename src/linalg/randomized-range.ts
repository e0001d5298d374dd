import { LowRankError } from '../core/errors.js';
import { Matrix, allocFloat, type DType, type FloatArray } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { orthonormalize } from './qr.js';

/**
 * The randomized range finder with power (subspace) iteration: Halko, Martinsson & Tropp,
 * "Finding structure with randomness", SIAM Review 53(2), 2011, Alg. 4.1 (range finder) and
 * Alg. 4.4 (randomized subspace iteration), with the LU re-normalization option of
 * scikit-learn's `randomized_range_finder` (after Voronin & Martinsson 2015).
 *
 * The big products are GEMMs through the backend with transpose flags; the input is never
 * copied, transposed or converted. Everything else is dense work on n×l panels.
 */

/**
 * How the sketch is re-normalized between the passes of the power iteration:
 * - `qr` (default): Householder QR, an orthonormal basis of the same span — the stable choice
 *   of Halko et al. Alg. 4.4;
 * - `lu`: the permuted unit-lower-triangular factor P·L of a partially pivoted LU, which spans
 *   the same space at about a quarter of the QR's flops (n·l² against ≈ 4n·l², no Q to form) and
 *   keeps the columns well enough scaled between passes (scikit-learn's `'LU'`). The final basis
 *   is always a QR, so the result is orthonormal either way.
 */
export type RangeNormalizer = 'qr' | 'lu';

/**
 * A (or Aᵀ, without copying) as a linear operator: `apply(X) = op(A)·X`,
 * `applyT(Y) = op(A)ᵀ·Y`, through the backend's GEMM with transpose flags.
 * `rows × cols` is the shape of op(A).
 */
export interface MatrixOperator {
  /** Rows of op(A). */
  readonly rows: number;
  /** Columns of op(A). */
  readonly cols: number;
  /** The storage dtype of A; every operand of `apply`/`applyT` must have it. */
  readonly dtype: DType;
  /** op(A)·X for X cols×l → rows×l. */
  apply(x: Matrix): Matrix;
  /** op(A)ᵀ·Y for Y rows×l → cols×l. */
  applyT(y: Matrix): Matrix;
}

/**
 * Wraps A (n×m) as the operator A (`transpose` false) or Aᵀ (`transpose` true), times `scale`
 * (default 1; a power of two keeps it exact — {@link overflowGuardScale} picks one for entries
 * near float64's largest). No data is copied: the transpose is a GEMM flag.
 *
 * @example
 * ```ts
 * const op = matrixOperator(a, a.rows < a.cols); // always the tall orientation
 * const y = op.apply(omega);                      // op(A)·Ω
 * ```
 */
export function matrixOperator(a: Matrix, transpose = false, backend: Backend = getBackend(), scale = 1): MatrixOperator {
  const rows = transpose ? a.cols : a.rows;
  const cols = transpose ? a.rows : a.cols;
  const gemm = (transA: boolean, x: Matrix, outRows: number, inner: number): Matrix => {
    if (x.rows !== inner || x.dtype !== a.dtype) {
      throw new LowRankError('E_SHAPE', `operator: operand is ${x.rows}×${x.cols} ${x.dtype}, expected ${inner} rows of ${a.dtype}`);
    }
    const out = Matrix.zeros(outRows, x.cols, a.dtype);
    // scale·A·X as A·(scale·X): the small operand is scaled, before the sums can overflow.
    const b = scale === 1 ? x.data : x.data.map((v) => v * scale);
    backend.gemm({
      transA, transB: false, m: outRows, n: x.cols, k: inner, alpha: 1,
      a: a.data, lda: a.cols, b, ldb: x.cols, beta: 0, c: out.data, ldc: x.cols,
    });
    return out;
  };
  return {
    rows,
    cols,
    dtype: a.dtype,
    apply: (x) => gemm(transpose, x, rows, cols),
    applyT: (y) => gemm(!transpose, y, cols, rows),
  };
}

/** op(A) acting on panels held by rows (their transposes): see {@link matrixRowsOperator}. */
export interface MatrixRowsOperator {
  /** Rows of op(A). */
  readonly rows: number;
  /** Columns of op(A). */
  readonly cols: number;
  /** The storage dtype of A; every operand must have it. */
  readonly dtype: DType;
  /** (op(A)·X)ᵀ, l×rows, for Xᵀ (l×cols) — or for X (cols×l) with `xTall`; into `out` when given. */
  apply(xt: Matrix, xTall?: boolean, out?: FloatArray): Matrix;
  /** (op(A)ᵀ·Y)ᵀ = Yᵀ·op(A), l×cols, for Yᵀ (l×rows); into `out` when given. */
  applyT(yt: Matrix, out?: FloatArray): Matrix;
}

/**
 * A (or Aᵀ) as an operator on panels held by rows: `apply(Xᵀ) = (op(A)·X)ᵀ` and
 * `applyT(Yᵀ) = (op(A)ᵀ·Y)ᵀ`, l×rows and l×cols results for l×cols and l×rows operands — the same
 * products as {@link matrixOperator}'s, computed as Xᵀ·op(A)ᵀ and Yᵀ·op(A). With a few columns
 * against a large A, OpenBLAS produces the wide l×n result about 1.5–2× faster than the tall n×l
 * one (measured on 2000×2000 and 5000×300, l = 30–70). `apply` also takes X itself (cols×l, with
 * `xTall`), e.g. a Gaussian sketch drawn row by row. Results are written into `out` when given
 * (l·rows or l·cols entries, e.g. a view of a basis's rows), else into a new array.
 *
 * @example
 * ```ts
 * const op = matrixRowsOperator(a, false, backend);
 * const yt = op.apply(omega, true);   // (A·Ω)ᵀ, l×n
 * const zt = op.applyT(qt);           // (Aᵀ·Q)ᵀ = Qᵀ·A, l×m
 * ```
 */
export function matrixRowsOperator(a: Matrix, transpose = false, backend: Backend = getBackend(), scale = 1): MatrixRowsOperator {
  const rows = transpose ? a.cols : a.rows;
  const cols = transpose ? a.rows : a.cols;
  // C (l×outCols) = X·B, X l×inner (or inner×l with transX), B = A or Aᵀ (transB).
  const gemm = (transB: boolean, x: Matrix, transX: boolean, outCols: number, inner: number, out?: FloatArray): Matrix => {
    const l = transX ? x.cols : x.rows;
    if ((transX ? x.rows : x.cols) !== inner || x.dtype !== a.dtype) {
      throw new LowRankError('E_SHAPE', `operator: operand is ${x.rows}×${x.cols} ${x.dtype}, expected ${inner} ${transX ? 'rows' : 'columns'} of ${a.dtype}`);
    }
    const c = out ? new Matrix(l, outCols, out) : Matrix.zeros(l, outCols, a.dtype);
    const xs = scale === 1 ? x.data : x.data.map((v) => v * scale);
    backend.gemm({ transA: transX, transB, m: l, n: outCols, k: inner, alpha: 1, a: xs, lda: x.cols, b: a.data, ldb: a.cols, beta: 0, c: c.data, ldc: outCols });
    return c;
  };
  return {
    rows,
    cols,
    dtype: a.dtype,
    apply: (xt: Matrix, xTall = false, out?: FloatArray): Matrix => gemm(!transpose, xt, xTall, rows, cols, out),
    applyT: (yt: Matrix, out?: FloatArray): Matrix => gemm(transpose, yt, false, cols, rows, out),
  };
}

/**
 * A power of two c such that the products of the randomized SVD with c·A — A·X for X with
 * entries of magnitude ≤ 8 (Gaussian sketch) or ≤ 1 (orthonormal or LU panels) — and their
 * squares (the Gram matrices of the Rayleigh–Ritz step and the adaptive stop, ‖A‖²_F) can neither
 * overflow nor lose digits to subnormals: see {@link guardScaleFor} (a 2000×2000 matrix is scaled
 * when its largest entry is above ≈ 1e146 or below ≈ 1e−132); 1 for every other matrix. The singular values of A are those of c·A
 * divided by c, exactly.
 *
 * With `sumSquares` = ‖A‖²_F (e.g. the backend's `sumSquares`, which the adaptive stop needs
 * anyway) the common case is settled without looking at the entries: √(‖A‖²_F / (n·m)) ≤ max|aᵢⱼ| ≤
 * ‖A‖_F, so when both bounds are inside the safe range the answer is 1. Otherwise (and without
 * `sumSquares`) one pass over the entries finds max|aᵢⱼ|.
 *
 * @example
 * ```ts
 * overflowGuardScale(a); // 1, or e.g. 2⁻⁵³⁷ for a 600×500 matrix of entries up to 1.7e308
 * ```
 */
export function overflowGuardScale(a: Matrix, sumSquares?: number): number {
  const inner = Math.max(a.rows, a.cols);
  if (sumSquares !== undefined && sumSquares > 0 && Number.isFinite(sumSquares)) {
    const upper = 0.5 * Math.log2(sumSquares);
    const lower = 0.5 * Math.log2(sumSquares / (a.rows * a.cols));
    if (guardScaleFor(upper, inner, a.dtype) === 1 && guardScaleFor(lower, inner, a.dtype) === 1) return 1;
  }
  let big = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (v > big) big = v;
  }
  if (big === 0 || !Number.isFinite(big)) return 1;
  return guardScaleFor(Math.log2(big), inner, a.dtype);
}

/**
 * The power of two of {@link overflowGuardScale} for entries of magnitude 2^log2Big multiplied
 * by panels of `inner` rows in `dtype` arithmetic: the largest |(A·X)ᵢⱼ| is at most big·inner·8,
 * kept below 2^top, and big is lifted above 2^bottom ({@link GUARD_LOG2_RANGE}); both bounds
 * leave room for the squares, not only the products (a 2000×2000 float64 matrix is scaled when
 * its largest entry is above ≈ 1e146 or below ≈ 1e−132).
 *
 * @example
 * ```ts
 * guardScaleFor(1023, 1000); // 2⁻⁵³⁶
 * guardScaleFor(0, 1000);    // 1
 * guardScaleFor(-520, 1000); // 2⁸⁰
 * guardScaleFor(125, 1000, 'float32'); // 2⁻⁷⁸
 * ```
 */
export function guardScaleFor(log2Big: number, inner: number, dtype: DType = 'float64'): number {
  const range = GUARD_LOG2_RANGE[dtype];
  const top = log2Big + Math.log2(8 * inner);
  if (top > range.top) return 2 ** -Math.ceil(top - range.top);
  if (log2Big < range.bottom) return 2 ** Math.floor(range.bottom - log2Big);
  return 1;
}

/**
 * The log₂ range {@link guardScaleFor} keeps the products c·A·X in, per dtype of the arithmetic.
 * - `top`: products below 2^top, so that their squares — the Gram matrices ZᵀZ of the
 *   Rayleigh–Ritz step, the adaptive stop's energies (each at most ‖A‖²_F ≤ big²·n·m), the column
 *   norms of QR — stay below 2^(2·top): float64 2⁵⁰⁰ (its largest is ≈ 2¹⁰²⁴), float32 2⁶⁰ (≈ 2¹²⁸).
 * - `bottom`: the largest |entry| lifted above 2^bottom, so that the squares of the products,
 *   ≥ big², stay clear of the subnormals, where their digits would be lost: float64 2⁻⁴⁴⁰ (squares
 *   ≥ 2⁻⁸⁸⁰, above the Gram step's floor `GRAM_RITZ_MIN_TOP` = 2⁻⁹⁰⁰; subnormals below 2⁻¹⁰²²:
 *   entries of ≈ 1e−156…1e−162 made the Gram eigensolve fail), float32 2⁻⁵⁰ (subnormals below
 *   2⁻¹²⁶: float32 entries near 1e−44 gave σ 10–90% off, near 5e37 products of Inf).
 */
export const GUARD_LOG2_RANGE: Readonly<Record<DType, { readonly top: number; readonly bottom: number }>> = {
  float64: { top: 500, bottom: -440 },
  float32: { top: 60, bottom: -50 },
};

/** A {@link MatrixOperator} run as c·op, c a power of two chosen on first use: see {@link guardedOperator}. */
export interface GuardedOperator extends MatrixOperator {
  /** The power of two c the products are multiplied by (1 until and unless the first product needs another). */
  readonly scale: number;
}

/**
 * The overflow guard of {@link overflowGuardScale} for an operator whose entries cannot be read
 * (sparse, implicitly centered, …): the first product op·X (or opᵀ·X) is inspected, and when it
 * holds Inf or NaN, or magnitudes outside {@link guardScaleFor}'s range, it is recomputed once as
 * op·(c·X) with c from {@link guardScaleFor} — for an overflowed product the c that is safe for
 * any finite entries (magnitude ≤ 2¹⁰²⁴). Every later product uses the same c (the operand is
 * scaled, so the sums never overflow), and singular values of op are those of c·op over c.
 *
 * @throws {@link LowRankError} `E_NONFINITE` (from the first product) when even c·op gives Inf or
 *   NaN: the operator holds non-finite values.
 * @example
 * ```ts
 * const g = guardedOperator(csrOperator(a));
 * const y = g.apply(omega); // g.scale is now fixed: 1, or e.g. 2⁻⁴⁰ for entries near 1e308
 * ```
 */
export function guardedOperator(op: MatrixOperator): GuardedOperator {
  let scale = 1;
  let decided = false;
  const scaled = (x: Matrix): Matrix => (scale === 1 ? x : new Matrix(x.rows, x.cols, x.data.map((v) => v * scale)));
  const run = (f: (x: Matrix) => Matrix, x: Matrix, inner: number): Matrix => {
    if (decided) return f(scaled(x));
    decided = true;
    const y = f(x);
    let big = 0;
    let finite = true;
    for (let i = 0; i < y.data.length; i++) {
      const v = Math.abs(y.data[i]);
      if (!(v <= Number.MAX_VALUE)) finite = false;
      else if (v > big) big = v;
    }
    // |y| ≈ |a|·‖x‖ per entry, so log2 |y| stands for log2 big·inner in guardScaleFor's rule.
    scale = finite ? (big === 0 ? 1 : guardScaleFor(Math.log2(big) - Math.log2(8 * inner), inner, op.dtype)) : guardScaleFor(op.dtype === 'float32' ? 128 : 1024, inner, op.dtype);
    if (scale === 1) {
      if (!finite) throw new LowRankError('E_NONFINITE', `operator: the ${op.rows}×${op.cols} operator's product holds Inf or NaN even scaled down: it has non-finite values`);
      return y;
    }
    const again = f(scaled(x));
    for (let i = 0; i < again.data.length; i++) {
      if (!Number.isFinite(again.data[i])) throw new LowRankError('E_NONFINITE', `operator: the ${op.rows}×${op.cols} operator's product holds Inf or NaN even scaled by 2^${Math.log2(scale)}: it has non-finite values`);
    }
    return again;
  };
  return {
    rows: op.rows,
    cols: op.cols,
    dtype: op.dtype,
    get scale() {
      return scale;
    },
    apply: (x) => run((v) => op.apply(v), x, op.cols),
    applyT: (y) => run((v) => op.applyT(v), y, op.rows),
  };
}

/**
 * An m×l standard Gaussian test matrix Ω (Halko et al. §4.1), drawn row by row from `rng`.
 * The same seed gives the same Ω in every environment.
 *
 * @example
 * ```ts
 * const omega = gaussianSketch(3000, 60, new Rng(0)); // 3000×60 float64
 * ```
 */
export function gaussianSketch(rows: number, cols: number, rng: Rng, dtype: DType = 'float64'): Matrix {
  const out = Matrix.zeros(rows, cols, dtype);
  rng.fillNormal(out.data);
  return out;
}

/**
 * An m×l standard Gaussian test matrix Ω like {@link gaussianSketch}, drawn by
 * `Rng.fillNormalSketch` (the polar method on 32-bit uniforms, ≈ 3× faster; a different stream
 * from `Rng.normal`): the starting sketch of the randomized range finder and of block Krylov.
 * The same seed gives the same Ω in every environment.
 *
 * @example
 * ```ts
 * const omega = fastGaussianSketch(3000, 60, new Rng(0)); // 3000×60 float64
 * ```
 */
export function fastGaussianSketch(rows: number, cols: number, rng: Rng, dtype: DType = 'float64'): Matrix {
  const out = Matrix.zeros(rows, cols, dtype);
  rng.fillNormalSketch(out.data);
  return out;
}

/**
 * The permuted lower factor P·L of a partially pivoted LU of a tall n×l matrix Y
 * (`Y = (P·L)·U`, scipy's `lu(Y, permute_l=True)[0]`): a basis of Y's column space with unit
 * entries at the pivots and all entries in [−1, 1]. Computed in float64, returned in Y's dtype.
 * A column with no non-zero pivot left (rank-deficient Y) gets a unit vector, so the result
 * always has full column rank.
 *
 * Cost n·l² flops, about a quarter of a Householder QR with its Q formed; used as the cheaper
 * re-normalization of the power iteration (scikit-learn's `power_iteration_normalizer='LU'`).
 *
 * @param y n×l with n ≥ l.
 * @throws {@link LowRankError} `E_SHAPE` when Y is wide.
 * @example
 * ```ts
 * const pl = luNormalize(y); // span(pl) = span(y)
 * ```
 */
export function luNormalize(y: Matrix): Matrix {
  const n = y.rows;
  const l = y.cols;
  if (n < l) throw new LowRankError('E_SHAPE', `luNormalize: Y must be tall, got ${n}×${l}`);
  const w = new Float64Array(n * l);
  w.set(y.data);
  const out = allocFloat(y.dtype, n * l);
  const pivoted = new Uint8Array(n);
  for (let j = 0; j < l; j++) {
    let p = -1;
    let best = 0;
    for (let i = 0; i < n; i++) {
      if (pivoted[i]) continue;
      const v = Math.abs(w[i * l + j]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p < 0) {
      // Nothing left in this column: complete with the first free unit vector.
      for (let i = 0; i < n; i++) {
        if (!pivoted[i]) {
          pivoted[i] = 1;
          out[i * l + j] = 1;
          break;
        }
      }
      continue;
    }
    pivoted[p] = 1;
    out[p * l + j] = 1;
    const inv = 1 / w[p * l + j];
    const prow = p * l;
    for (let i = 0; i < n; i++) {
      if (pivoted[i]) continue;
      const row = i * l;
      const f = w[row + j] * inv;
      out[row + j] = f;
      if (f !== 0) for (let c = j + 1; c < l; c++) w[row + c] -= f * w[prow + c];
    }
  }
  return new Matrix(n, l, out);
}

/**
 * Re-normalizes a tall n×l panel by `normalizer` (see {@link RangeNormalizer}), keeping its dtype:
 * an orthonormal basis (`qr`) or the P·L factor (`lu`) of the same span.
 *
 * @example
 * ```ts
 * const z = normalizePanel(matmul(a, q, { transA: true }), 'lu');
 * ```
 */
export function normalizePanel(y: Matrix, normalizer: RangeNormalizer, backend?: Backend): Matrix {
  return normalizer === 'lu' ? luNormalize(y) : orthonormalize(y, { backend });
}

/** Options of {@link randomizedRangeFinder}. */
export interface RangeFinderOptions {
  /** Work on scale·A (default 1), e.g. {@link overflowGuardScale}'s power of two. */
  scale?: number;
  /** Power (subspace) iterations q ≥ 0 (default 4); each costs two passes over A. */
  powerIters?: number;
  /** Re-normalization between passes (default `qr`). The final basis is always a QR. */
  normalizer?: RangeNormalizer;
  /** Seed of the Gaussian test matrix (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** Random stream to draw Ω from (takes precedence over `seed`). */
  rng?: Rng;
  /** Find the range of Aᵀ instead of A (never materialised). Default false. */
  transpose?: boolean;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
  /** Called after each pass over A with the passes done and planned (2q + 1 here). */
  onPass?: (done: number, total: number) => void;
}

/**
 * An orthonormal basis Q (n×l) whose span approximates the dominant l-dimensional column space
 * of op(A) (A, or Aᵀ with `transpose`): Halko, Martinsson & Tropp 2011, Alg. 4.4 (randomized
 * subspace iteration):
 *
 * 1. Ω ~ N(0, 1)^{m×l}; Y = op(A)·Ω; Q = normalize(Y).
 * 2. q times: Z = normalize(op(A)ᵀ·Q); Y = op(A)·Z; Q = normalize(Y).
 * 3. Q = qr(Y) (an orthonormal basis whatever the normalizer).
 *
 * Re-normalizing after every pass (not only at the end, as Alg. 4.3 would) keeps the columns
 * from collapsing onto the top singular vector in floating point, which otherwise loses every
 * direction with σⱼ/σ₁ below ε^{1/(2q+1)} (Halko et al. §4.5). Passes over A: 2q + 1.
 *
 * Power iterations replace A by (AAᵀ)^q·A, whose singular values σⱼ^{2q+1} decay faster, so the
 * tail σ_{k+1}, σ_{k+2}, … pollutes the sketch less (Halko et al. §4.5, Cor. 10.10): they matter
 * when the spectrum decays slowly (noisy data).
 *
 * @param a n×m matrix (float32 or float64; the products run in its dtype).
 * @param size l, the number of columns of Q, 1 ≤ l ≤ min(n, m).
 * @returns Q, rows(op(A))×l, orthonormal columns, A's dtype.
 * @throws {@link LowRankError} `E_ARG` for a size outside [1, min(n, m)], a negative or
 *   non-integer `powerIters` or an unknown normalizer.
 * @example
 * ```ts
 * const q = randomizedRangeFinder(a, 60, { powerIters: 4, seed: 1 }); // a: 4000×3000 → q: 4000×60
 * ```
 */
export function randomizedRangeFinder(a: Matrix, size: number, options: RangeFinderOptions = {}): Matrix {
  const backend = options.backend ?? getBackend();
  return operatorRangeFinder(matrixOperator(a, options.transpose ?? false, backend, options.scale), size, { ...options, backend });
}

/**
 * {@link randomizedRangeFinder} on any {@link MatrixOperator} (a sparse matrix, an implicitly
 * centered one, …): the same Alg. 4.4, touching op(A) only through `apply`/`applyT`.
 * `options.transpose` is ignored (wrap the operator instead).
 *
 * @returns Q, op.rows×size, orthonormal columns, the operator's dtype.
 * @throws {@link LowRankError} as {@link randomizedRangeFinder}.
 * @example
 * ```ts
 * const q = operatorRangeFinder(csrOperator(a), 40, { powerIters: 4 });
 * ```
 */
export function operatorRangeFinder(op: MatrixOperator, size: number, options: RangeFinderOptions = {}): Matrix {
  const backend = options.backend ?? getBackend();
  const r = Math.min(op.rows, op.cols);
  if (!Number.isInteger(size) || size < 1 || size > r) {
    throw new LowRankError('E_ARG', `range finder: size must be an integer in [1, ${r}] for a ${op.rows}×${op.cols} operator, got ${size}`);
  }
  const q = options.powerIters ?? 4;
  if (!Number.isInteger(q) || q < 0) throw new LowRankError('E_ARG', `powerIters must be a non-negative integer, got ${q}`);
  const normalizer = options.normalizer ?? 'qr';
  checkNormalizer(normalizer);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const omega = fastGaussianSketch(op.cols, size, rng, op.dtype);
  const total = 2 * q + 1;
  let y = op.apply(omega);
  options.onPass?.(1, total);
  for (let it = 0; it < q; it++) {
    const qy = normalizePanel(y, normalizer, backend);
    const z = normalizePanel(op.applyT(qy), normalizer, backend);
    options.onPass?.(2 * it + 2, total);
    y = op.apply(z);
    options.onPass?.(2 * it + 3, total);
  }
  return orthonormalize(y, { backend });
}

/**
 * Asserts that a string names a {@link RangeNormalizer}.
 * @throws {@link LowRankError} `E_ARG` unless the normalizer is `qr` or `lu`.
 * @example
 * ```ts
 * checkNormalizer('lu'); // ok; checkNormalizer('svd') throws
 * ```
 */
export function checkNormalizer(normalizer: string): asserts normalizer is RangeNormalizer {
  if (normalizer !== 'qr' && normalizer !== 'lu') {
    throw new LowRankError('E_ARG', `normalizer must be qr or lu, got '${String(normalizer)}'`);
  }
}
